"""The open data under ``api/v1/`` (sitebuild/api.py), read from the built site
as a reader gets it: equal to the rules file, the case corpus and what the
engine and the command line return; its schemas accept what the engine
accepts and returns and refuse what it refuses; the OpenAPI document is valid;
the wheel installs and evaluates a case; any origin may fetch it.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import json
import re
import subprocess
import venv
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from contract import RULES, RULES_PATH, run_cli
from openapi_spec_validator import validate as validate_openapi
from support.corpus import load_corpus
from support.paths import REPO, site_dir

from selfcheck.engine import evaluate, validate_answers
from sitebuild import api as api_module
from sitebuild.serve import serving


@pytest.fixture(scope="module")
def api() -> Path:
    site = site_dir()
    folder = site / "api" / "v1"
    if not (folder / "rules.json").is_file():
        pytest.fail(f"no open data in {folder}: run `make build` first", pytrace=False)
    return folder


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def read(api: Path, name: str):
    """A published file, read as strict JSON (no NaN, no Infinity)."""
    return json.loads((api / name).read_text(encoding="utf-8"), parse_constant=_not_json)


def validator(api: Path, name: str) -> jsonschema.Draft202012Validator:
    schema = read(api, name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _iso(value):
    """The YAML as plain JSON: dates as ISO strings (what the rules schema says)."""
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------
# The rules and the corpus, as their files say


def test_rules_json_is_the_yaml_field_for_field(api):
    published = read(api, "rules.json")
    assert published.pop("$schema") == "rules.schema.json"
    assert published == _iso(yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")))


def test_rules_json_follows_its_published_schema_which_is_the_repositorys(api):
    check = validator(api, "rules.schema.json")
    check.validate(read(api, "rules.json"))
    schema = read(api, "rules.schema.json")
    own = json.loads((REPO / "rules" / "schema.json").read_text(encoding="utf-8"))
    assert schema.pop("$id") == "rules.schema.json"
    assert schema["properties"].pop("$schema") == {
        "type": "string",
        "description": "The address of this schema.",
    }
    own.pop("$id")
    assert schema == own
    # and it still refuses what the repository's schema refuses
    broken = {**read(api, "rules.json"), "unknown_field": 1}
    assert not check.is_valid(broken)


def test_cases_json_is_the_corpus(api):
    published = read(api, "cases.json")
    corpus = load_corpus(RULES)
    assert published["rules"] == {"id": RULES["id"], "version": RULES["version"]}
    assert published["cases"] == corpus["cases"]
    # all but the answers JSON cannot write (NaN, infinities)
    writable = [case for case in corpus["invalid"] if "nan" not in repr(case["answers"])]
    writable = [case for case in writable if "inf" not in repr(case["answers"])]
    assert published["invalid"] == writable
    assert len(published["cases"]) > 10 and len(writable) > 10


# ---------------------------------------------------------------------------
# Answers: the schema accepts what the engine accepts, refuses what it refuses


def test_every_answer_set_of_the_corpus_is_valid(api):
    check = validator(api, "answers.schema.json")
    for case in read(api, "cases.json")["cases"]:
        errors = [e.message for e in check.iter_errors(case["answers"])]
        assert errors == [], case["id"]


def test_every_invalid_answer_set_of_the_corpus_is_refused(api):
    check = validator(api, "answers.schema.json")
    invalid = read(api, "cases.json")["invalid"]
    assert invalid
    for case in invalid:
        assert not check.is_valid(case["answers"]), case["id"]


def probes(question: dict) -> list:
    """Values around each question's type and bounds, right and wrong."""
    values: list = [None, True, False, 0, 1, -1, 0.5, 12.0, "x", "", [], {}, 10**6]
    values += [option["value"] for option in question.get("options", [])]
    for bound in ("min", "max"):
        if question.get(bound) is not None:
            limit = question[bound]
            values += [limit, limit - 1, limit + 1, limit - 0.5, limit + 0.5, str(limit)]
    return values


def test_the_answers_schema_says_what_the_engine_says(api):
    check = validator(api, "answers.schema.json")
    seen = {True: 0, False: 0}
    for question in RULES["questions"]:
        for value in probes(question):
            answers = {question["id"]: value}
            engine_accepts = validate_answers(RULES, answers)[1] == []
            assert check.is_valid(answers) == engine_accepts, (question["id"], value)
            seen[engine_accepts] += 1
    assert check.is_valid({}) and not check.is_valid({"no_such_question": None})
    assert not check.is_valid([])
    assert seen[True] and seen[False]


# ---------------------------------------------------------------------------
# Results


@pytest.mark.parametrize("lang", RULES["languages"])
def test_every_result_of_the_corpus_follows_the_result_schema(api, lang):
    check = validator(api, "result.schema.json")
    corpus = read(api, "cases.json")
    for case in corpus["cases"] + corpus["invalid"]:
        result = evaluate(RULES, case["answers"], lang)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(result)]
        assert errors == [], case["id"]


@pytest.mark.parametrize("lang", RULES["languages"])
def test_the_result_schema_requires_every_field_a_result_has(api, lang):
    """The published contract names today's fields, all of them: a field the
    engine adds without the schema would be a promise nobody wrote down."""
    schema = read(api, "result.schema.json")
    display = schema["properties"]["display"]
    item = display["properties"]["criteria"]["items"]
    corpus = read(api, "cases.json")
    for case in corpus["cases"] + corpus["invalid"]:
        result = evaluate(RULES, case["answers"], lang)
        assert set(result) == set(schema["required"]), case["id"]
        assert set(result["display"]) == set(display["required"]), case["id"]
        for criterion in result["display"]["criteria"]:
            assert set(criterion) == set(item["required"]), case["id"]


def test_the_result_schema_refuses_a_result_that_breaks_the_contract(api):
    check = validator(api, "result.schema.json")
    case = read(api, "cases.json")["cases"][0]
    result = evaluate(RULES, case["answers"], "fr")
    assert check.is_valid(result)
    for broken in (
        {**result, "verdict": "maybe"},
        {key: value for key, value in result.items() if key != "missing"},
        {**result, "missing": ["no_such_question"]},
        {**result, "criteria": [{**result["criteria"][0], "status": "perhaps"}]},
    ):
        assert not check.is_valid(broken)


def test_the_cli_gives_the_results_the_corpus_expects(api, tmp_path):
    """A reader of cases.json, with the command line: each expectation holds."""
    corpus = read(api, "cases.json")
    for case in corpus["cases"][:5]:
        answers = tmp_path / "answers.json"
        answers.write_text(json.dumps(case["answers"]), encoding="utf-8")
        run = run_cli("check", "--answers", str(answers), "--format", "json")
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        expect = case["expect"]
        assert result["verdict"] == expect["verdict"], case["id"]
        assert result["amount"] == expect["amount"], case["id"]
        assert result["missing"] == expect["missing"], case["id"]
        statuses = {c["id"]: c["status"] for c in result["criteria"]}
        assert statuses == expect["criteria"], case["id"]


# ---------------------------------------------------------------------------
# OpenAPI


def test_the_openapi_document_is_valid_and_names_every_file(api):
    document = read(api, "openapi.json")
    validate_openapi(document, base_uri=(api / "openapi.json").as_uri())
    assert document["openapi"].startswith("3.1")
    files = {p.name for p in api.iterdir() if not p.name.endswith((".br", ".gz"))}
    assert {path.lstrip("/") for path in document["paths"]} == files


# ---------------------------------------------------------------------------
# Served


def get(base: str, path: str, origin: str | None = None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path, headers={"Origin": origin} if origin else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_any_origin_may_fetch_the_json_and_the_wheel(api):
    with serving(api.parent.parent) as base:
        for name in sorted(p.name for p in api.iterdir() if not p.name.endswith((".br", ".gz"))):
            status, got, body = get(base, f"/api/v1/{name}", origin="https://partner.example")
            assert status == 200, name
            assert got["Access-Control-Allow-Origin"] == "*", name
            if name.endswith(".json"):
                assert got["Content-Type"] == "application/json", name
                assert json.loads(body) == read(api, name)
        # the rest of the site stays as it was: no cross-origin reading
        status, got, _ = get(base, "/", origin="https://partner.example")
        assert status == 200 and "Access-Control-Allow-Origin" not in got


def documented_snippet(base: str) -> str:
    """The Python example of the English open-data page, pointed at ``base``."""
    page = (REPO / "docs" / "en" / "donnees-ouvertes.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.DOTALL).group(1)
    code = code.replace("{{ open_data.folder }}", "api/v1")
    assert "https://example.org/" in code
    return code.replace("https://example.org/", base)


def test_pip_install_of_the_wheels_url_evaluates_a_case(api, tmp_path):
    """A fresh virtual environment, the wheel's URL from the local server, then
    the open-data page's example: imports and three lines."""
    document = read(api, "openapi.json")
    wheel = next(path for path in document["paths"] if path.endswith(".whl"))
    case = read(api, "cases.json")["cases"][0]
    venv.create(tmp_path / "venv", with_pip=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    with serving(api.parent.parent) as base:
        install = subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--no-index", f"{base}api/v1{wheel}"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert install.returncode == 0, install.stdout + install.stderr
        run = subprocess.run(
            [python, "-c", documented_snippet(base)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,  # not the repository: the installed wheel, not ./selfcheck
        )
    assert run.returncode == 0, run.stderr
    expected = case["expect"]["verdict"]
    assert run.stdout.split() == [expected, expected]
    assert evaluate(RULES, case["answers"], "en")["verdict"] == expected


def test_the_readme_nginx_example_lets_any_origin_read_the_open_data():
    readme = (REPO / "sitebuild" / "DEPLOYING.md").read_text(encoding="utf-8")
    nginx = "\n".join(re.findall(r"```nginx\n(.*?)```", readme, re.DOTALL))
    assert '"~/api/" "*";' in nginx
    assert "add_header Access-Control-Allow-Origin $selfcheck_cors always;" in nginx


def test_the_result_schema_takes_every_comparison_an_explanation_can_make():
    """An explanation may say a number lies between two bounds (``between``,
    with ``include``) or in one of several runs (``any``): a rules file that
    bounds a question on both sides gets such a result, which the published
    schema must take as it is."""
    bounded = copy.deepcopy(RULES)
    work = next(
        c for c in bounded["criteria"] if c["condition"].get("answer") == "jours_travailles"
    )
    work["condition"] = {
        "all": [work["condition"], {"answer": "jours_travailles", "op": "le", "value": 100}]
    }
    answers = {"statut": "artiste", "droits_non_renouveles": True, "ressources": 20000}
    result = evaluate(bounded, answers, bounded["languages"][0])
    ops = {c["op"] for way in result["eligible_if"] for c in way["when"]}
    assert "between" in ops, result["eligible_if"]
    check = jsonschema.Draft202012Validator(api_module.result_schema(bounded))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(result)]
    assert errors == []
