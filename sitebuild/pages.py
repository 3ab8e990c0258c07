"""The pages' placeholders, expanded by Jinja from the rule set.

Every page of ``docs/`` is a Jinja template (``StrictUndefined``: an unknown
name stops the build) rendered with:

``{{ param.NAME }}``      a parameter's value, formatted for the page's language;
                          ``param.NAME.FORM``, another form of it, as in the rules'
                          texts (a date's ``month``: « mars 2024 »)
``{{ rules.version }}``   the rule set's version; ``rules.checked_on``, its check date
``{{ source.ID }}``       a Markdown link to the source's entry on the Sources page
``{{ quote.ID }}``        a passage of a source (``quotes:``), verbatim, between the page
                          language's quotation marks; ``quote.ID.text`` without them
``{{ criteria }}``        the criteria, generated (templates/criteria.md)
``{{ sources_list }}``    the rule file's sources and what each supports
``{{ audit.PART }}``       the accessibility statement's parts from the RGAA audit's grid
                         (``conformity``, ``nonconformities``, ``environment``)
                          (templates/sources.md)

Jinja's comments are ``{## … ##}`` here, so that Markdown's ``{#anchor}`` stays
as it is. Printed values have ``<``, ``>`` and ``&`` escaped, so that a text of
the rules never turns into markup.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from selfcheck import words
from selfcheck.conditions import condition_value, quantity_value, questions_in
from selfcheck.engine import Engine
from selfcheck.form import recap
from selfcheck.formatting import (
    colon,
    format_date,
    format_number,
    format_quantity,
    parameter_texts,
    quote,
    render_text,
    source_name,
)
from selfcheck.phrasing import comparison_parts
from selfcheck.ruleset import Condition, Criterion, Rules, Source, Text
from selfcheck.wording import rules_line
from sitebuild import api, audit

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the pages and of the generated Markdown."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=_markdown_safe,
        comment_start_string="{##",
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _markdown_safe(value: object) -> Markup:
    """A value printed into Markdown: HTML's special signs escaped (``<``, ``>``,
    ``&``), so that a text of the rules never becomes markup; Markup (generated
    Markdown, links) as it is."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def expand(markdown: str, ruleset: Rules, lang: str, site: dict[str, Any] | None = None) -> str:
    """A page's Markdown with its placeholders expanded (jinja2 errors for an
    unknown name or a syntax error: the caller names the page)."""
    return environment().from_string(markdown).render(page_context(ruleset, lang, site))


def page_context(ruleset: Rules, lang: str, site: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a page may name (``site``: who publishes the site, from mkdocs.yml)."""
    return {
        "site": dict(site or {}),
        "param": page_parameters(ruleset, lang),
        "rules": {
            "id": ruleset["id"],
            "version": ruleset["version"],
            "checked_on": format_date(ruleset["checked_on"], lang),
        },
        "source": {
            s["id"]: source_link(s, lang, ruleset["pages"]["sources"]) for s in ruleset["sources"]
        },
        "quote": {q["id"]: Quoted(q["text"], q["lang"], lang) for q in ruleset.get("quotes", ())},
        "criteria": Markup(criteria_markdown(ruleset, lang)),
        "sources_list": Markup(sources_markdown(ruleset, lang)),
        "open_data": {"folder": api.API, "wheel": api.wheel_name()},
        "audit": {part: Markup(audit_markdown(lang, part)) for part in AUDIT_PARTS},
    }


# ---------------------------------------------------------------------------
# The accessibility statement, from the RGAA audit's grid

AUDIT_PARTS = ("conformity", "nonconformities", "environment")


def audit_markdown(lang: str, part: str) -> str:
    grid = audit.load()
    summed = audit.summary(grid)
    say = functools.partial(words.text, lang)
    rate = format_number(round(summed["rate"] * 100, 2), lang, decimals=2)
    return (
        environment()
        .get_template("audit.md")
        .render(
            part=part,
            t=say,
            colon=colon(lang),
            version=grid["rgaa"],
            status=say(f"audit.status.{summed['status']}"),
            rate=say("audit.percent", number=rate),
            met=summed["counts"]["C"],
            applicable=summed["applicable"],
            na=summed["counts"]["NA"],
            auditor=grid["auditor"][lang],
            date=format_date(grid["date"].isoformat(), lang),
            pages=[Markup(say(f"audit.pages.{page['id']}")) for page in grid["sample"]],
            nonconformities=[
                {
                    "number": number,
                    "issue": entry["issue"][lang],
                    "fix": _lower_first(entry["fix"][lang]),
                }
                for number, entry in grid["criteria"].items()
                if entry["status"] == "NC"
            ],
            environment=[line[lang] for line in grid["environment"]],
        )
    )


class Parameter(str):
    """A parameter's value as a page prints it, its other forms as attributes
    (``param.periode_debut.month``), written as the rules' texts write them."""


def page_parameters(ruleset: Rules, lang: str) -> dict[str, Parameter]:
    texts = parameter_texts(ruleset, lang)
    shown = {name: Parameter(texts[name]) for name in ruleset["parameters"]}
    for key, text in texts.items():
        name, dot, form = key.partition(".")
        if dot:
            setattr(shown[name], form, text)
    return shown


def format_parameter(ruleset: Rules, name: str, lang: str) -> str:
    param = ruleset["parameters"][name]
    return format_quantity(param["value"], param.get("unit"), lang)


class Quoted(Markup):
    """A passage as a page quotes it: between the page language's quotation
    marks, in a ``lang`` span when written in another language; ``.text``, the
    words alone (for a block quote)."""

    text: Markup

    def __new__(cls, text: str, written_in: str, lang: str) -> Quoted:
        words_alone = _markdown_safe(words.typeset(text, lang))
        if written_in != lang:
            words_alone = Markup('<span lang="{}">{}</span>').format(written_in, words_alone)
        marks = words.typeset(quote("\x00", lang), lang).split("\x00")
        # <q> says it is a quotation (RGAA 9.4); the marks are the text's own,
        # each language's, which the site's stylesheet keeps <q> from doubling.
        inline = Markup("<q>{}</q>").format(words_alone)
        quoted = super().__new__(cls, _markdown_safe(marks[0]) + inline + marks[1])
        quoted.text = words_alone
        return quoted


def passages(ruleset: Rules, ids: Iterable[str], lang: str) -> list[dict[str, Any]]:
    """The passages named by ``ids``: their words between the page language's
    marks, and where they come from (« <outlet>, <date>, corps du texte »)."""
    by_id = {q["id"]: q for q in ruleset.get("quotes", ())}
    sources = {s["id"]: s for s in ruleset["sources"]}
    shown = []
    for passage in (by_id[i] for i in ids):
        where = words.text(lang, f"pages.where.{passage['where']}")
        link = source_link(sources[passage["source"]], lang, ruleset["pages"]["sources"])
        shown.append(
            {
                "text": Quoted(passage["text"], passage["lang"], lang),
                "from": Markup(words.text(lang, "pages.quoted_at", source=link, where=where)),
            }
        )
    return shown


def source_link(source: Source, lang: str, page: str) -> Markup:
    """``[Le Journal, 8 avril 2020](sources.md#journal)``: the source's entry
    on the sources ``page`` (the rules' ``pages.sources``)."""
    text = source_name(source, lang)
    return Markup(f"[{_markdown_safe(text)}]({page}#{source['id']})")


# ---------------------------------------------------------------------------
# The criteria page


def condition_lines(
    ruleset: Rules, node: Condition, lang: str, depth: int = 0
) -> list[dict[str, Any]]:
    """A condition tree as the lines of a nested list: ``{depth, text, value}``."""
    for key in ("all", "any"):
        if key in node:
            lines = [
                {"depth": depth, "text": words.text(lang, f"pages.{key}"), "value": "", "basis": ""}
            ]
            for child in node[key]:
                lines += condition_lines(ruleset, child, lang, depth + 1)
            return lines
    if "not" in node:
        head = {"depth": depth, "text": words.text(lang, "pages.not"), "value": "", "basis": ""}
        return [head, *condition_lines(ruleset, node["not"], lang, depth + 1)]
    basis = node_basis(ruleset, node, lang)
    if "says" in node:  # the rules' own plain words for this comparison
        return [
            {"depth": depth, "text": render_text(ruleset, node["says"], lang), "value": ""} | basis
        ]
    comparison = {"question": node["answer"], "op": node["op"]}
    comparison["value"] = condition_value(ruleset, node)
    text, shown = comparison_parts(ruleset, comparison, lang)
    return [{"depth": depth, "text": text, "value": shown} | basis]


def node_basis(ruleset: Rules, node: Condition, lang: str) -> dict[str, Any]:
    """What a comparison rests on when it carries its own sources or confidence
    (fewer than its criterion's): « (source ; fiabilité faible) » after its line."""
    if not ("sources" in node or "confidence" in node):
        return {"basis": ""}
    by_id = {s["id"]: s for s in ruleset["sources"]}
    page = ruleset["pages"]["sources"]
    sources = " · ".join(source_link(by_id[i], lang, page) for i in node.get("sources", ()))
    level = _level(node["confidence"], lang) if "confidence" in node else ""
    if sources and level:
        basis = words.text(lang, "pages.node_basis", sources=sources, level=level)
    elif level:
        basis = words.text(lang, "pages.node_level", level=level)
    else:
        basis = words.text(lang, "pages.node_sources", sources=sources)
    return {"basis": Markup(basis)}


def _level(confidence: str, lang: str) -> str:
    return words.text(lang, f"levels.{confidence}")


def criteria_markdown(ruleset: Rules, lang: str) -> str:
    """The criteria page: each criterion with its condition, note, confidence
    and sources; the amount rule; the reference values."""

    def text(node: Text) -> str:
        return render_text(ruleset, node, lang)

    sources = {s["id"]: s for s in ruleset["sources"]}

    def links(ids: Iterable[str]) -> list[Markup]:
        return [source_link(sources[i], lang, ruleset["pages"]["sources"]) for i in ids]

    caveat = ruleset.get("caveat")
    amount = ruleset["amount"]
    currency = amount["currency"]
    examples = worked_examples(ruleset, lang)
    return (
        environment()
        .get_template("criteria.md")
        .render(
            t=functools.partial(words.text, lang),
            colon=colon(lang),
            caveat={"title": text(caveat["title"]), "text": text(caveat["text"])}
            if caveat
            else None,
            rules_line=rules_line(ruleset, lang),
            criteria=[
                {
                    "id": c["id"],
                    "title": text(c["title"]),
                    "lines": condition_lines(ruleset, c["condition"], lang),
                    "yaml": Markup(criterion_yaml(c)),
                    "note": text(c["note"]),
                    "passages": passages(ruleset, c.get("quotes", ()), lang),
                    "confidence": _level(c["confidence"], lang),
                    "sources": links(c["sources"]),
                    "readings": [
                        {
                            "title": text(r["title"]),
                            "note": text(r["note"]),
                            "sources": links(r["sources"]),
                            "passages": passages(ruleset, r.get("quotes", ()), lang),
                        }
                        for r in ruleset.get("readings", ())
                        if not r.get("adopted") and _in_any(r["combine"], c["id"])
                    ],
                    "examples": examples.get(c["id"], []),
                }
                for c in ruleset["criteria"]
            ],
            readings=[
                {
                    "title": text(r["title"]),
                    "note": text(r["note"]),
                    "adopted": bool(r.get("adopted")),
                    "confidence": _level(r["confidence"], lang),
                    "sources": links(r["sources"]),
                    "passages": passages(ruleset, r.get("quotes", ()), lang),
                }
                for r in ruleset.get("readings", ())
            ],
            amount={
                "text": text(amount["text"]) if "text" in amount else "",
                "base": format_quantity(quantity_value(ruleset, amount["base"]), currency, lang),
                "tiers": [
                    {
                        "head": words.text(
                            lang,
                            "pages.amount_tier",
                            amount=format_quantity(
                                quantity_value(ruleset, tier["amount"]), currency, lang
                            ),
                        ),
                        "lines": condition_lines(ruleset, tier["condition"], lang),
                    }
                    for tier in amount.get("tiers", ())
                ],
                "note": text(amount["note"]) if "note" in amount else "",
                "passages": passages(ruleset, amount.get("quotes", ()), lang),
                "confidence": _level(amount["confidence"], lang),
                "sources": links(amount["sources"]),
            },
            parameters=[
                {
                    "label": text(p["label"]),
                    "value": format_parameter(ruleset, name, lang),
                    "sources": links(p["sources"]),
                }
                for name, p in ruleset["parameters"].items()
            ],
        )
    )


def criterion_yaml(criterion: Criterion) -> str:
    """A criterion's condition as the rules file states it, in YAML."""
    return yaml.safe_dump(
        {"id": criterion["id"], "condition": _without_words(criterion["condition"])},
        allow_unicode=True,
        sort_keys=False,
        width=88,
    )


def _without_words(node: Any) -> Any:
    """A condition without its ``says`` (the words shown above it): the logic."""
    if isinstance(node, dict):
        return {k: _without_words(v) for k, v in node.items() if k != "says"}
    if isinstance(node, list):
        return [_without_words(item) for item in node]
    return node


def _in_any(combine: Any, criterion_id: str, inside: bool = False) -> bool:
    """Does a reading combine this criterion with ``any`` (where another
    reading lets it be replaced by another criterion)?"""
    if isinstance(combine, str):
        return inside and combine == criterion_id
    kind, items = next(iter(combine.items()))
    return any(_in_any(item, criterion_id, inside or kind == "any") for item in items)


# The shared test corpus of a rule set, read at build time for the criteria
# page's worked examples: a changed threshold changes the examples.
CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "cases"
EXAMPLE_STATUSES = ("met", "unmet", "unknown")


def worked_examples(ruleset: Rules, lang: str) -> dict[str, Any]:
    """criterion id → up to one corpus case per status (met, unmet, unknown),
    evaluated by the engine now: each criterion's own answers and status."""
    path = CASES_DIR / f"{ruleset['id']}.yaml"
    if not path.is_file():
        return {}
    cases = yaml.safe_load(path.read_text(encoding="utf-8")).get("cases", [])
    engine = Engine(ruleset)
    questions = {q["id"]: q for q in ruleset["questions"]}
    found: dict[str, Any] = {c["id"]: {} for c in ruleset["criteria"]}
    for case in cases:
        result = engine.evaluate(case["answers"], lang)
        if result["errors"]:
            continue
        for criterion, rule in zip(result["criteria"], ruleset["criteria"], strict=True):
            chosen = found[rule["id"]]
            if criterion["status"] in chosen:
                continue
            keys = [k for k in questions if k in questions_in(rule["condition"])]
            shown = {
                row["question"]: row["value"]
                for row in recap(ruleset, case["answers"], set(), lang)
            }
            chosen[criterion["status"]] = {
                "answers": [
                    {
                        "label": render_text(
                            ruleset, questions[k].get("short", questions[k]["label"]), lang
                        ),
                        "value": shown.get(k, words.text(lang, "pages.not_answered")),
                    }
                    for k in keys
                ],
                "status": words.text(lang, f"pages.example_status.{criterion['status']}"),
            }
    return {
        cid: [chosen[s] for s in EXAMPLE_STATUSES if s in chosen] for cid, chosen in found.items()
    }


# ---------------------------------------------------------------------------
# The sources page


def citations(ruleset: Rules, lang: str) -> dict[str, Any]:
    """source id → what the rules file cites it for, in words."""
    cited: dict[str, Any] = {s["id"]: [] for s in ruleset["sources"]}

    def add(ids: Iterable[str], what: str) -> None:
        for source_id in ids:
            if what not in cited[source_id]:
                cited[source_id].append(what)

    for criterion in ruleset["criteria"]:
        title = render_text(ruleset, criterion["title"], lang)
        word = _markdown_safe(words.text(lang, "pages.criterion"))
        link = f"[{_markdown_safe(title)}]({ruleset['pages']['criteria']}#{criterion['id']})"
        add(criterion["sources"], Markup(f"{word} {link}"))
    for section in ruleset.values():
        # A section's facts, each with its own sources: a source is cited for
        # what it states, not for the whole section.
        for fact in section.get("facts", ()) if isinstance(section, dict) else ():
            add(fact["sources"], render_text(ruleset, fact["cited_for"], lang))
        if isinstance(section, dict) and "cited_for" in section:
            what = render_text(ruleset, section["cited_for"], lang)
            add(section.get("sources", ()), what)
            add(section.get("combinable_sources", ()), what)
    for param in ruleset["parameters"].values():
        add(param["sources"], _lower_first(render_text(ruleset, param["label"], lang)))
    for question in ruleset["questions"]:
        short = render_text(ruleset, question.get("short", question["label"]), lang)
        add(
            question.get("where", {}).get("sources", ()),
            words.text(lang, "pages.where_for", question=short),
        )
    for step in [*ruleset.get("next_steps", ()), *ruleset.get("other_aids", ())]:
        # its first sentence: what the step is, not all it says
        first = render_text(ruleset, step["text"], lang).split(". ", 1)[0]
        add(step.get("sources", ()), _lower_first(first.rstrip(".")))
    for passage in ruleset.get("quotes", ()):
        add([passage["source"]], words.text(lang, "pages.cited_passages"))
    return cited


def _lower_first(text: str) -> str:
    """A label inside a list: its first letter in lower case, unless the word is
    an acronym or a name; month names and the rest as written."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or not first.isalpha()):
        return text
    return text[:1].lower() + text[1:]


def sources_markdown(ruleset: Rules, lang: str) -> str:
    cited = citations(ruleset, lang)
    return (
        environment()
        .get_template("sources.md")
        .render(
            t=functools.partial(words.text, lang),
            colon=colon(lang),
            separator=words.typeset(words.entry(lang, "format.list"), lang),
            sources=[
                {
                    "id": s["id"],
                    "heading": " — ".join(
                        [s["outlet"], *([format_date(s["date"], lang)] if "date" in s else [])]
                    ),
                    "title": words.typeset(s["title"], lang),
                    "url": s["url"],
                    "cited": cited[s["id"]],
                }
                for s in ruleset["sources"]
            ],
        )
    )
