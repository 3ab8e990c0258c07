"""The open data: the rules, their schemas, the test vectors and the engine,
published as static files under ``api/v1/`` (the folder is the version: a
change that would break a reader gets ``api/v2/``, and v1 stays).

Everything here is computed from its one home at build time — the rules file
and its schema (``rules/``), the case corpus (``tests/cases/<rules id>.yaml``),
the engine (its wheel, ``sitebuild/bundle.py``) — so that the files cannot
drift from what the site runs::

    rules.json            the rules file as JSON, field for field, with "$schema"
    rules.schema.json     rules/schema.json, which also allows that "$schema"
    answers.schema.json   the answers the rules accept, from their questions
    result.schema.json    what the engine returns for them (fields may be added)
    cases.json            the case corpus: answers and expected results
    openapi.json          an OpenAPI 3.1 description of these files and the wheel
    selfcheck-<version>-py3-none-any.whl   the engine (``pip install`` its URL)

The host sends them with ``Access-Control-Allow-Origin: *`` (sitebuild/headers.py).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from selfcheck import loader
from selfcheck.conditions import OPERATORS
from selfcheck.engine import VERDICTS
from selfcheck.explain import EXPLAIN_OPERATORS
from selfcheck.formatting import render_text
from selfcheck.ruleset import Question, Rules
from sitebuild.bundle import ROOT, BuildError, Bundle, _version

API = "api/v1"  # from the site root
CASES_DIR = ROOT / "tests" / "cases"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
# What a schema file is, for OpenAPI (not a $ref to the meta-schema's address:
# a reader of the document need not fetch it).
A_SCHEMA = {"type": "object", "description": "A JSON Schema, draft 2020-12"}
STATUSES = ("met", "unmet", "unknown")
# The licence of the data and of the project's own texts (LICENSE, "Data").
DATA_LICENCE = {
    "name": "Licence Ouverte 2.0 (Etalab)",
    "identifier": "etalab-2.0",
}


def _address(site_url: str | None, name: str) -> str:
    """A file's address: absolute with a public address, else relative to the
    folder (``rules.schema.json``), which is where every reader of it is."""
    return urljoin(site_url, f"{API}/{name}") if site_url else name


def wheel_name() -> str:
    """The wheel's name, which pip reads the engine's version from: its
    address stays while the engine's version does (``openapi.json`` names it;
    the pages give it, ``{{ open_data.wheel }}``)."""
    return f"selfcheck-{_version()}-py3-none-any.whl"


# ---------------------------------------------------------------------------
# The rules and their schema


def rules_document(rules: Rules, site_url: str | None = None) -> dict[str, Any]:
    """The rules file as JSON (YAML dates as ISO strings), its schema named first."""
    return {"$schema": _address(site_url, "rules.schema.json"), **rules}


def rules_schema(site_url: str | None = None) -> dict[str, Any]:
    """``rules/schema.json``, published: its ``$id`` is its address, and it
    allows the ``$schema`` key that names it."""
    schema = copy.deepcopy(loader.schema())
    schema["$id"] = _address(site_url, "rules.schema.json")
    schema["properties"] = {
        "$schema": {"type": "string", "description": "The address of this schema."},
        **schema["properties"],
    }
    return schema


# ---------------------------------------------------------------------------
# Answers and results


def _question_schema(rules: Rules, question: Question) -> dict[str, Any]:
    lang = rules["languages"][0]
    schema: dict[str, Any] = {"title": render_text(rules, question["label"], lang)}
    kind = question["type"]
    if kind == "choice":
        schema["enum"] = [option["value"] for option in question["options"]] + [None]
    elif kind == "boolean":
        schema["type"] = ["boolean", "null"]
    else:  # integer, number: 12.0 is an integer too, in JSON Schema as in the engine
        schema["type"] = [kind, "null"]
        for value, key in ((question.get("min"), "minimum"), (question.get("max"), "maximum")):
            if value is not None:
                schema[key] = value
    return schema


def answers_schema(rules: Rules, site_url: str | None = None) -> dict[str, Any]:
    """The answers ``rules`` accept: one key per question, no other; ``null``
    (or no key) for "I don't know"."""
    return {
        "$schema": JSON_SCHEMA,
        "$id": _address(site_url, "answers.schema.json"),
        "title": f"Answers to the rules {rules['id']} {rules['version']}",
        "description": (
            "One key per question (its id), none other. A missing key or null is "
            "an unknown answer. A choice takes one of its option values, a boolean "
            "true or false, a number or an integer a JSON number within its bounds."
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": {q["id"]: _question_schema(rules, q) for q in rules["questions"]},
    }


def _strings(*keys: str) -> dict[str, Any]:
    return {key: {"type": "string"} for key in keys}


def result_schema(rules: Rules, site_url: str | None = None) -> dict[str, Any]:
    """The JSON contract of a result for ``rules`` (selfcheck/README.md, "The
    result"): every field it has today is required; fields may be added, never
    removed. The tests take the contract's keys from here."""
    questions = [q["id"] for q in rules["questions"]]
    criteria = [c["id"] for c in rules["criteria"]]
    levels = loader.schema()["$defs"]["confidence"]["enum"]
    source = {
        "type": "object",
        "required": ["id", "outlet", "title", "date", "url"],
        "properties": {**_strings("id", "outlet", "title", "date"), "url": {"type": "string"}},
    }
    comparison = {
        "type": "object",
        "required": ["question", "op", "value"],
        "properties": {
            "question": {"enum": questions},
            "op": {"enum": [*OPERATORS, *EXPLAIN_OPERATORS]},
            "include": {"type": "array", "items": {"type": "boolean"}},
        },
    }
    route = {
        "type": "object",
        "required": ["when", "text"],
        "properties": {
            "when": {"type": "array", "items": comparison},
            "text": {"type": "string"},
        },
    }
    display_criterion = {
        "type": "object",
        "required": ["id", "status", "mark", "reason", "moot", "confidence", "sources"],
        "properties": {
            "id": {"enum": criteria},
            **_strings("status", "mark", "reason", "moot", "confidence"),
            "sources": {"type": "array", "items": {"type": "object"}},
        },
    }
    display = {
        "type": ["object", "null"],
        "required": [
            "verdict",
            "hint",
            "amount",
            "amount_value",
            "announcement",
            "criteria",
            "rules",
            "disclaimer",
            "notice",
            "confidence",
            "reading",
            "missing",
            "warnings",
            "errors",
        ],
        "properties": {
            **_strings(
                "verdict",
                "hint",
                "amount",
                "amount_value",
                "announcement",
                "rules",
                "disclaimer",
                "notice",
                "confidence",
                "reading",
            ),
            "criteria": {"type": "array", "items": display_criterion},
            # The questions still open, with where a reader finds each answer.
            "missing": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["question", "label", "answer", "where", "sources", "confidence"],
                    "properties": {
                        "question": {"enum": questions},
                        **_strings("label", "answer", "where", "confidence"),
                        "sources": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
            "warnings": {"type": "array"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["question", "text"],
                    "properties": {
                        "question": {"type": ["string", "null"]},
                        "text": {"type": "string"},
                    },
                },
            },
        },
    }
    return {
        "$schema": JSON_SCHEMA,
        "$id": _address(site_url, "result.schema.json"),
        "title": f"A result of the rules {rules['id']}",
        "description": (
            "What the engine returns for a set of answers (selfcheck.engine.evaluate, "
            "`python -m selfcheck check --format json`, the site's self-check). "
            "Fields may be added in v1, never removed or changed."
        ),
        "type": "object",
        "required": [
            "rules",
            "lang",
            "verdict",
            "amount",
            "amount_options",
            "currency",
            "criteria",
            "missing",
            "errors",
            "eligible_if",
            "would_change",
            "confidence",
            "readings",
            "display",
        ],
        "properties": {
            "rules": {
                "type": "object",
                "required": ["id", "version", "checked_on"],
                "properties": {"id": {"const": rules["id"]}, **_strings("version", "checked_on")},
            },
            "lang": {"enum": list(rules["languages"])},
            "verdict": {"enum": [*VERDICTS, None]},
            "amount": {"type": ["number", "null"]},
            "amount_options": {"type": "array", "items": {"type": "number"}},
            "currency": {"type": ["string", "null"]},
            "criteria": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "status", "reason", "confidence", "sources"],
                    "properties": {
                        "id": {"enum": criteria},
                        **_strings("title", "reason"),
                        "status": {"enum": list(STATUSES)},
                        "confidence": {"enum": levels},
                        "sources": {"type": "array", "items": source},
                    },
                },
            },
            "missing": {"type": "array", "uniqueItems": True, "items": {"enum": questions}},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["question", "code", "message"],
                    "properties": {
                        "question": {"type": ["string", "null"]},
                        "code": {"type": "string"},
                        "message": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                        },
                    },
                },
            },
            "eligible_if": {"type": "array", "items": route},
            "would_change": {"type": "array", "items": route},
            "confidence": {"enum": [*levels, None]},
            # Every reading of the sources the rules declare, with what it answers.
            "readings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "adopted", "verdict", "confidence", "sources"],
                    "properties": {
                        "id": {"type": "string"},
                        "adopted": {"type": "boolean"},
                        "verdict": {"enum": ["eligible", "ineligible", "undetermined"]},
                        "confidence": {"enum": levels},
                        "sources": {"type": "array", "items": source},
                    },
                },
            },
            "display": display,
        },
    }


# ---------------------------------------------------------------------------
# The case corpus


def cases_path(rules: Rules) -> Path:
    return CASES_DIR / f"{rules['id']}.yaml"


def cases_document(rules: Rules) -> dict[str, Any]:
    """The case corpus of ``rules`` as JSON: each case's answers and what the
    engine must return for them (``expect``), and the invalid answer sets with
    the errors they must give; those JSON cannot write are left out."""
    path = cases_path(rules)
    try:
        corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise BuildError(
            f"{path.relative_to(ROOT)} is missing: the site publishes the rules' case "
            "corpus (api/v1/cases.json)"
        ) from None
    return {
        "rules": {"id": rules["id"], "version": rules["version"]},
        "cases": [case for case in corpus.get("cases", []) if in_json(case)],
        "invalid": [case for case in corpus.get("invalid", []) if in_json(case)],
    }


def in_json(value: object) -> bool:
    """Whether JSON can hold ``value``: no NaN nor infinity (the corpus tests
    the engine with them; JSON has no way to write them)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------
# The OpenAPI document


def _json_get(summary: str, schema: dict[str, Any], operation: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "responses": {
                "200": {
                    "description": summary,
                    "content": {"application/json": {"schema": schema}},
                }
            },
        }
    }


def openapi(rules: Rules, bundle: Bundle, site_url: str | None = None) -> dict[str, Any]:
    """OpenAPI 3.1: the static files, each a GET. Schemas are referenced by
    their address, relative to this document's."""
    name = render_text(rules, rules["name"], "en") if "en" in rules["languages"] else rules["id"]
    wheel = wheel_name()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Open data: {name}",
            "version": f"1 (rules {rules['version']})",
            "summary": "The rules, their schemas, test vectors and engine, as static files.",
            "description": (
                "Static files, versioned by their folder (v1: fields may be added, "
                "never removed). Each is served with Access-Control-Allow-Origin: *."
            ),
            "license": DATA_LICENCE,
        },
        "servers": [{"url": urljoin(site_url, API) if site_url else "."}],
        "paths": {
            "/rules.json": _json_get(
                "The rules file as JSON", {"$ref": "rules.schema.json"}, "getRules"
            ),
            "/rules.schema.json": _json_get(
                "The JSON Schema of a rules file",
                A_SCHEMA,
                "getRulesSchema",
            ),
            "/answers.schema.json": _json_get(
                "The JSON Schema of the answers the rules accept",
                A_SCHEMA,
                "getAnswersSchema",
            ),
            "/result.schema.json": _json_get(
                "The JSON Schema of a result", A_SCHEMA, "getResultSchema"
            ),
            "/cases.json": _json_get(
                "The case corpus: answers and expected results",
                {"type": "object", "required": ["rules", "cases", "invalid"]},
                "getCases",
            ),
            "/openapi.json": _json_get(
                "This document", {"type": "object", "required": ["openapi"]}, "getOpenAPI"
            ),
            f"/{wheel}": {
                "get": {
                    "operationId": "getEngineWheel",
                    "summary": "The engine, a Python wheel (standard library only)",
                    "description": (
                        f"`pip install <this URL>`, then `selfcheck.engine.evaluate(rules, "
                        f"answers, lang)`. sha256: {hashlib.sha256(bundle.wheel_bytes).hexdigest()}"
                    ),
                    "responses": {
                        "200": {
                            "description": "The wheel",
                            "content": {
                                "application/zip": {
                                    "schema": {
                                        "type": "string",
                                        "contentMediaType": "application/zip",
                                    }
                                }
                            },
                        }
                    },
                }
            },
        },
    }


# ---------------------------------------------------------------------------
# Writing


def documents(
    rules: Rules, bundle: Bundle, site_url: str | None = None
) -> dict[str, dict[str, Any]]:
    """Every JSON file of the folder, by name."""
    return {
        "rules.json": rules_document(rules, site_url),
        "rules.schema.json": rules_schema(site_url),
        "answers.schema.json": answers_schema(rules, site_url),
        "result.schema.json": result_schema(rules, site_url),
        "cases.json": cases_document(rules),
        "openapi.json": openapi(rules, bundle, site_url),
    }


def write(site_dir: Path, rules: Rules, bundle: Bundle, site_url: str | None = None) -> Path:
    """Write ``<site>/api/v1/``; returns the folder."""
    folder = Path(site_dir) / API
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in documents(rules, bundle, site_url).items():
        text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        _write(folder / name, text.encode())
    _write(folder / wheel_name(), bundle.wheel_bytes)
    return folder


def _write(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.write_bytes(data)
