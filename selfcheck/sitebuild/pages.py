"""Markdown generated from a rule set: criteria, parameters, sources, values.

Everything here is derived from the rules file at build time, so the site's
criteria, thresholds and amounts cannot drift from what the engine evaluates.
"""

from __future__ import annotations

from selfcheck.engine import condition_value, format_quantity, render_text

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
}

WORDS = {
    "fr": {
        "eq": "est",
        "ne": "n'est pas",
        "lt": "est inférieur à",
        "le": "est au plus",
        "gt": "est supérieur à",
        "ge": "est au moins",
        "in": "est l'une des réponses",
        "all": "toutes les conditions suivantes sont remplies :",
        "any": "au moins une des conditions suivantes est remplie :",
        "not": "la condition suivante n'est pas remplie :",
        "answer": "la réponse à",
        "or": " ou ",
        "yes": "oui",
        "no": "non",
        "condition": "Condition",
        "sources": "Sources",
        "confidence": "Fiabilité",
        "note": "Interprétation",
        "levels": {"high": "élevée", "medium": "moyenne", "low": "faible"},
        "warning_title": "Lecture non confirmée par le texte officiel",
        "warning": (
            "Le texte officiel du fonds (page d'Audiens et communiqué commun) "
            "n'était pas disponible : ces critères sont notre lecture des articles "
            "de presse et de la lettre d'information d'Audiens. Chaque critère dit "
            "quelle source dit quoi."
        ),
        "rules": "Règles version {version}, vérifiées le {checked_on}.",
        "amount": "Montant de l'aide",
        "amount_base": "Montant de base",
        "amount_tier": "{amount} lorsque",
        "values": "Valeurs de référence",
        "value": "Valeur",
        "label": "Signification",
        "cited_for": "Cité pour",
        "criterion": "critère",
        "meta": {
            "funder": "le financeur et sa contribution",
            "operator": "le rôle d'Audiens",
            "concertation": "la concertation avec le ministère de la Culture",
            "dates": "les dates",
            "application": "la demande en ligne",
            "aid": "la nature de l'aide",
            "amount": "le montant",
        },
        "published": "publié le",
        "outlet_date": "{outlet}, {date}",
    },
    "en": {
        "eq": "is",
        "ne": "is not",
        "lt": "is less than",
        "le": "is at most",
        "gt": "is more than",
        "ge": "is at least",
        "in": "is one of",
        "all": "all of the following hold:",
        "any": "at least one of the following holds:",
        "not": "the following does not hold:",
        "answer": "the answer to",
        "or": " or ",
        "yes": "yes",
        "no": "no",
        "condition": "Condition",
        "sources": "Sources",
        "confidence": "Confidence",
        "note": "Interpretation",
        "levels": {"high": "high", "medium": "medium", "low": "low"},
        "warning_title": "A reading not confirmed by the official text",
        "warning": (
            "The fund's official text (Audiens' page and the joint press release) "
            "was not available: these criteria are our reading of press articles "
            "and of Audiens' newsletter. Each criterion says which source says what."
        ),
        "rules": "Rules version {version}, checked on {checked_on}.",
        "amount": "Amount of the aid",
        "amount_base": "Base amount",
        "amount_tier": "{amount} when",
        "values": "Reference values",
        "value": "Value",
        "label": "Meaning",
        "cited_for": "Cited for",
        "criterion": "criterion",
        "meta": {
            "funder": "the funder and its contribution",
            "operator": "Audiens' role",
            "concertation": "the concertation with the Ministry of Culture",
            "dates": "the dates",
            "application": "the online application",
            "aid": "the nature of the aid",
            "amount": "the amount",
        },
        "published": "published on",
        "outlet_date": "{outlet}, {date}",
    },
}


def format_date(value: str, lang: str) -> str:
    """'2020-04-08' → '8 avril 2020' / '8 April 2020'; '2020-04' → 'avril 2020'."""
    parts = str(value).split("-")
    months = MONTHS[lang].split()
    if len(parts) == 3:
        day = int(parts[2])
        day_text = "1er" if lang == "fr" and day == 1 else str(day)
        return f"{day_text} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return str(value)


def format_parameter(ruleset: dict, name: str, lang: str) -> str:
    param = ruleset["parameters"][name]
    if param.get("unit") == "date":
        return format_date(param["value"], lang)
    return format_quantity(param["value"], param.get("unit"), lang)


def source_link(ruleset: dict, source_id: str, lang: str) -> str:
    source = next(s for s in ruleset["sources"] if s["id"] == source_id)
    text = WORDS[lang]["outlet_date"].format(
        outlet=source["outlet"], date=format_date(source["date"], lang)
    )
    return f"[{text}](sources.md#{source_id})"


def placeholder(ruleset: dict, name: str, lang: str) -> str:
    """The text of one ``{{ name }}`` placeholder; KeyError when unknown."""
    head, _, rest = name.partition(".")
    if head == "param" and rest in ruleset["parameters"]:
        return format_parameter(ruleset, rest, lang)
    if head == "rules" and rest in ("version", "checked_on", "id"):
        value = ruleset[rest]
        return format_date(value, lang) if rest == "checked_on" else value
    if head == "source" and any(s["id"] == rest for s in ruleset["sources"]):
        return source_link(ruleset, rest, lang)
    if name == "criteria":
        return criteria_markdown(ruleset, lang)
    if name == "sources_list":
        return sources_markdown(ruleset, lang)
    if name == "selfcheck_widget":
        from selfcheck.sitebuild import widget  # the widget's HTML and files

        return widget.render(ruleset, lang)
    raise KeyError(name)


# ---------------------------------------------------------------------------
# Conditions in words


def _value_words(ruleset: dict, question: dict, value, lang: str) -> str:
    words = WORDS[lang]
    if question["type"] == "boolean":
        return words["yes"] if value else words["no"]
    if question["type"] == "choice":
        labels = {o["value"]: o["label"][lang] for o in question["options"]}
        return f"« {labels[value]} »" if lang == "fr" else f"“{labels[value]}”"
    return format_quantity(value, question.get("unit"), lang)


def condition_lines(ruleset: dict, node: dict, lang: str, depth: int = 0) -> list[str]:
    """A condition tree as a nested Markdown list."""
    words = WORDS[lang]
    indent = "    " * depth
    for key in ("all", "any"):
        if key in node:
            lines = [f"{indent}- {words[key]}"]
            for child in node[key]:
                lines += condition_lines(ruleset, child, lang, depth + 1)
            return lines
    if "not" in node:
        return [
            f"{indent}- {words['not']}",
            *condition_lines(ruleset, node["not"], lang, depth + 1),
        ]
    question = next(q for q in ruleset["questions"] if q["id"] == node["answer"])
    constant = condition_value(ruleset, node)
    values = constant if isinstance(constant, list) else [constant]
    shown = words["or"].join(_value_words(ruleset, question, v, lang) for v in values)
    label = render_text(ruleset, question["label"], lang)
    quoted = f"« {label} »" if lang == "fr" else f"“{label}”"
    return [f"{indent}- {words['answer']} {quoted} {words[node['op']]} **{shown}**"]


# ---------------------------------------------------------------------------
# Pages


def _sources_line(ruleset: dict, ids: list, lang: str) -> str:
    return " · ".join(source_link(ruleset, s, lang) for s in ids)


def criteria_markdown(ruleset: dict, lang: str) -> str:
    words = WORDS[lang]
    out = [
        f'!!! warning "{words["warning_title"]}"',
        "",
        f"    {words['warning']}",
        "",
        words["rules"].format(
            version=ruleset["version"], checked_on=format_date(ruleset["checked_on"], lang)
        ),
        "",
    ]
    for number, criterion in enumerate(ruleset["criteria"], 1):
        title = render_text(ruleset, criterion["title"], lang)
        out += [
            f"## {number}. {title} {{#{criterion['id']}}}",
            "",
            f"**{words['condition']}** :" if lang == "fr" else f"**{words['condition']}**:",
            "",
            *condition_lines(ruleset, criterion["condition"], lang),
            "",
            _field(words["note"], render_text(ruleset, criterion["note"], lang), lang),
            _field(words["confidence"], words["levels"][criterion["confidence"]], lang),
            _field(words["sources"], _sources_line(ruleset, criterion["sources"], lang), lang),
            "",
        ]
    out += _amount_markdown(ruleset, lang)
    out += _parameters_markdown(ruleset, lang)
    return "\n".join(out)


def _field(name: str, value: str, lang: str) -> str:
    sep = " : " if lang == "fr" else ": "
    return f"**{name}**{sep}{value}\n"


def _amount_markdown(ruleset: dict, lang: str) -> list[str]:
    words, amount = WORDS[lang], ruleset["amount"]
    unit = amount["currency"]
    out = [f"## {words['amount']} {{#montant}}", ""]
    if "text" in amount:
        out += [render_text(ruleset, amount["text"], lang), ""]
    base = format_quantity(condition_value(ruleset, amount["base"]), unit, lang)
    out.append(_field(words["amount_base"], f"**{base}**", lang))
    for tier in amount.get("tiers", ()):
        value = format_quantity(condition_value(ruleset, tier["amount"]), unit, lang)
        out += [f"**{words['amount_tier'].format(amount=value)}**", ""]
        out += [*condition_lines(ruleset, tier["condition"], lang), ""]
    if "note" in amount:
        out.append(_field(words["note"], render_text(ruleset, amount["note"], lang), lang))
    out.append(_field(words["confidence"], words["levels"][amount["confidence"]], lang))
    out.append(_field(words["sources"], _sources_line(ruleset, amount["sources"], lang), lang))
    return out


def _parameters_markdown(ruleset: dict, lang: str) -> list[str]:
    words = WORDS[lang]
    out = [
        f"## {words['values']} {{#valeurs}}",
        "",
        f"| {words['label']} | {words['value']} | {words['sources']} |",
        "| --- | --- | --- |",
    ]
    for name, param in ruleset["parameters"].items():
        label = render_text(ruleset, param["label"], lang)
        value = format_parameter(ruleset, name, lang)
        out.append(f"| {label} | {value} | {_sources_line(ruleset, param['sources'], lang)} |")
    return [*out, ""]


def citations(ruleset: dict, lang: str) -> dict:
    """source id → list of what the rules file cites it for, in words."""
    words = WORDS[lang]
    cited: dict = {s["id"]: [] for s in ruleset["sources"]}

    def add(ids, what):
        for source_id in ids:
            if what not in cited[source_id]:
                cited[source_id].append(what)

    for criterion in ruleset["criteria"]:
        title = render_text(ruleset, criterion["title"], lang)
        add(criterion["sources"], f"{words['criterion']} [{title}](criteres.md#{criterion['id']})")
    for key, what in words["meta"].items():
        section = ruleset.get(key)
        if isinstance(section, dict):
            add(section.get("sources", ()), what)
            add(section.get("combinable_sources", ()), what)
    for param in ruleset["parameters"].values():
        add(param["sources"], render_text(ruleset, param["label"], lang).lower())
    return cited


def sources_markdown(ruleset: dict, lang: str) -> str:
    words = WORDS[lang]
    cited = citations(ruleset, lang)
    sep = " : " if lang == "fr" else ": "
    out = []
    for source in ruleset["sources"]:
        out += [
            f"### {source['outlet']} — {format_date(source['date'], lang)} {{#{source['id']}}}",
            "",
            f"[{source['title']}]({source['url']})",
            "",
        ]
        if cited[source["id"]]:
            out += [f"{words['cited_for']}{sep}" + "; ".join(cited[source["id"]]) + ".", ""]
    return "\n".join(out)
