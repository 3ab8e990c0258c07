"""What the self-check widget's template (theme/partials/selfcheck.html) is
rendered with, for one language: the questions and the fund's texts from the
rules, the words from the catalogue, the files from the bundle.

Links are paths from the site root; the template makes them relative to the
page with MkDocs' ``url`` filter.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup

from selfcheck import words
from selfcheck.form import boolean_values
from selfcheck.formatting import colon, format_number, render_text, source_name
from selfcheck.ruleset import Question, Rules, Text
from sitebuild.bundle import Bundle
from sitebuild.compress import ENCODINGS

# Terms of the widget's own words explained beside their first use, from the
# glossary (docs/includes/abbreviations.<lang>.md): widget.<key>_term.
DEFINED = ("engine", "reliability")
STALL_S = 30  # the widget gives up when nothing has arrived for this long
SLOW_NOTICE_S = 15  # and says the loading is slow after this
PROGRESS_STEPS = 50  # the progress texts written for the script: 0 %, 2 %, … 100 %
# The words widget.js needs while it runs (everything else is in the HTML or
# comes with the engine's result).
SCRIPT_WORDS = (
    "explain.or",
    "widget.slow",
    "widget.copied",
    "widget.copy_failed",
    "widget.cleared",
    "widget.result_empty",
    "widget.result_fix",
)


def context(bundle: Bundle, lang: str, page_url, terms: dict | None = None) -> dict:
    """The template's ``selfcheck`` for one language. ``page_url(path)`` is the
    site-root path of a page of docs/<lang>/ (``contexte.md#x`` →
    ``en/contexte/#x``). ``terms``: the glossary's short explanations
    (``read_terms``), shown on the first use of each term in a question's
    help, « Pourquoi ? » and « Où trouver ? » texts."""
    rules = bundle.rules
    say = functools.partial(words.text, lang)

    def text(node: Text) -> str:
        return render_text(rules, node, lang)

    sources = {s["id"]: s for s in rules["sources"]}

    def where(question: Question) -> dict | None:
        """Where a reader finds the answer, its sources and their confidence."""
        found = question.get("where")
        if not found:
            return None
        level = found.get("confidence")
        return {
            "text": explain(text(found["text"]), terms or {}),
            "sources": [
                {
                    "label": source_name(sources[i], lang),
                    "title": sources[i]["title"],
                    "url": sources[i]["url"],
                }
                for i in found.get("sources", ())
            ],
            "confidence": explain(
                say("result.where_confidence", level=say(f"levels.{level}")), terms or {}
            )
            if level
            else "",
        }

    def step(item: dict) -> dict:
        link = item.get("link")
        shown = None
        if link:
            external = "url" in link
            href = link["url"] if external else page_url(link["page"])
            shown = {"href": href, "text": text(link["text"]), "external": external}
        return {"text": text(item["text"]), "link": shown}

    status_today = rules.get("status", {}).get("today", ())
    today = [step(s) for s in status_today]
    return {
        "lang": lang,
        "rules_id": rules["id"],
        "t": say,
        "with_link": functools.partial(with_link, lang),
        "questions": [_question(rules, q, lang, where(q), terms or {}) for q in rules["questions"]],
        "next_steps": [step(s) for s in rules.get("next_steps", ())],
        "unknowns": [text(u["text"]) for u in rules.get("application", {}).get("unknown", ())],
        "today": today,
        # An aid already among what the reader can do today is not said twice.
        "other_aids": [
            step(s)
            for s in rules.get("other_aids", ())
            if _target(s) not in map(_target, status_today)
        ],
        "disclaimer": text(rules["result"]["disclaimer"]),
        "criteria_page": page_url(rules["pages"]["criteria"]),
        "error_reasons": {
            reason: explain(
                words.text(lang, f"widget.error_reasons.{reason}", seconds=STALL_S), terms or {}
            )
            for reason in words.entry(lang, "widget.error_reasons")
        },
        "result_waiting": explain(say("widget.result_waiting"), terms or {}),
        "define": {key: define(lang, key, terms or {}) for key in DEFINED},
        "script_words": {
            **{key.split(".")[-1]: say(key) for key in SCRIPT_WORDS},
            "progress": {
                encoding: download_words(bundle.boot_sizes(encoding), lang)
                for encoding in ("", *ENCODINGS)
            },
        },
        "engine_cache": bundle.engine_cache(),
        "files": bundle.files(),
        "worker": f"worker.js{bundle.query()}",
        "boot": bundle.asset("boot.js", versioned=False) + bundle.query(),
        "widget_js": bundle.asset("widget.js"),
        "css": bundle.asset("widget.css"),
        "stall_ms": STALL_S * 1000,
        "slow_ms": SLOW_NOTICE_S * 1000,
    }


def define(lang: str, key: str, terms: dict[str, str]) -> dict | None:
    """A term the widget uses (``widget.<key>_term``) with the glossary's short
    explanation, shown beside its first use (the result's reliability, the
    engine's download). None when the glossary does not explain it (a fund's
    site without the glossary's file)."""
    term = words.text(lang, f"widget.{key}_term")
    if term not in terms:
        return None
    return {"term": term, "text": terms[term], "colon": colon(lang)}


def download_words(sizes: dict[str, tuple[int, int]], lang: str) -> dict:
    """What the page needs to say the download's progress from one kind of
    host: each boot file's sizes, (as the worker counts it, as it crosses the
    network), by path relative to the widget's folder, and the texts, which
    end on the sum of the second (the script weighs each file's share by
    them: a Brotli copy's bytes are not its decompressed bytes)."""
    return {
        "sizes": sizes,
        "texts": progress_texts(sum(sent for _, sent in sizes.values()), lang),
    }


def progress_texts(total: int, lang: str) -> list[str]:
    """The download's progress in words, one text per step (the script picks
    the step; Python writes the sizes: « 2,1 Mo sur 4,4 Mo »). ``total``: the
    bytes that cross the network, which depend on the host: one list per
    Content-Encoding (the worker says which one the host used)."""

    def megabytes(size: float) -> str:
        number = format_number(round(size / 1_000_000, 1), lang, decimals=1)
        return words.fill(words.entry(lang, "format.megabytes"), number=number)

    return [
        words.text(
            lang,
            "widget.progress",
            loaded=megabytes(total * step / PROGRESS_STEPS),
            total=megabytes(total),
        )
        for step in range(PROGRESS_STEPS + 1)
    ]


def with_link(lang: str, key: str, href: str, link_text: str) -> Markup:
    """A catalogue sentence whose ``{link}`` becomes a link (escaped)."""
    sentence = Markup.escape(words.text(lang, key))
    link = Markup('<a href="{}">{}</a>').format(href, link_text)
    return Markup(sentence.replace("{link}", link))


def _target(item: dict):
    """Where an item's link leads (None without a link)."""
    link = item.get("link") or {}
    return link.get("url") or link.get("page")


def read_terms(path) -> dict[str, str]:
    """``*[term]: explanation`` lines (Markdown's abbreviations, as the pages
    use them) → {term: explanation}; none when the file does not exist."""
    terms = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.match(r"\*\[(.+?)\]:\s*(.+)", line)
            if found:
                terms[found[1]] = found[2].strip()
    return terms


def explain(text: str, terms: dict[str, str]) -> Markup:
    """``text`` (plain) as HTML where the first use of each glossary term is an
    ``<abbr>`` with its explanation (the site's tooltips show it on hover and
    focus, as on every page). Longer terms first: « CDDU » before « CDD »."""
    if not terms:
        return Markup.escape(text)
    names = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    seen: set[str] = set()
    out, end = [], 0
    for found in pattern.finditer(text):
        term = found[1]
        if term in seen:
            continue
        seen.add(term)
        out.append(Markup.escape(text[end : found.start()]))
        out.append(Markup('<abbr title="{}">{}</abbr>').format(terms[term], term))
        end = found.end()
    out.append(Markup.escape(text[end:]))
    return Markup("").join(out)


def _question(
    rules: Rules, question: Question, lang: str, where: dict | None, terms: dict[str, str]
) -> dict:
    kind = question["type"]
    options = None
    if kind == "boolean":
        word_for = {meant: word for word, meant in boolean_values(rules).items()}
        yes, no = word_for[True], word_for[False]
        options = [
            {"value": yes, "label": words.text(lang, "yes")},
            {"value": no, "label": words.text(lang, "no")},
        ]
    elif kind == "choice":
        options = [
            {"value": o["value"], "label": render_text(rules, o["label"], lang)}
            for o in question["options"]
        ]
    if options is not None:
        options.append({"value": "", "label": words.text(lang, "dont_know")})
    unit = question.get("unit")
    return {
        "id": question["id"],
        "type": kind,
        "label": render_text(rules, question["label"], lang),
        "help": explain(render_text(rules, question["help"], lang), terms)
        if "help" in question
        else "",
        "why": explain(render_text(rules, question["why"], lang), terms)
        if "why" in question
        else "",
        "options": options,
        "unit": words.text(lang, f"units.{unit}.label") if unit else "",
        "inputmode": "numeric" if kind == "integer" else "decimal",
        "where": where,
    }
