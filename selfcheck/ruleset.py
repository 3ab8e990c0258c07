"""The rule set's shape, as the type checker knows it.

A rule set is the plain, JSON-able mapping that ``loader.py`` reads from a
YAML file and checks against ``rules/schema.json`` (the site ships it to the
browser as JSON): these ``TypedDict``s name the parts the engine reads, so
that ``mypy --strict`` holds every access to them. At run time they are dicts,
nothing more. A section the engine does not read (``funder``, ``dates``,
``next_steps``…) is typed loosely: the schema holds it. Standard library only
(runs in Pyodide).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

Text = dict[str, str]  # one text in each language of the rules: {"fr": …, "en": …}


class ParamRef(TypedDict):
    param: str


Quantity = int | float | str | ParamRef  # a value, or a parameter's


class Source(TypedDict):
    id: str
    title: str
    outlet: str
    date: NotRequired[str | None]
    url: str


class Option(TypedDict):
    value: str
    label: Text


class Where(TypedDict, total=False):
    text: Text
    sources: list[str]
    confidence: str


class Plausible(TypedDict):
    max: Quantity
    text: Text


class Question(TypedDict):
    id: str
    type: str  # boolean | choice | integer | number
    label: Text
    help: NotRequired[Text]
    why: NotRequired[Text]
    unit: NotRequired[str]
    min: NotRequired[int | float]
    max: NotRequired[int | float]
    options: NotRequired[list[Option]]
    short: NotRequired[Text]
    where: NotRequired[Where]
    plausible: NotRequired[Plausible]


# A condition: a combination (all / any / not) or a comparison of an answer
# with a value or a parameter; "not" is a keyword, hence the functional form.
Condition = TypedDict(
    "Condition",
    {
        "all": list["Condition"],
        "any": list["Condition"],
        "not": "Condition",
        "answer": str,
        "op": str,
        "value": Any,
        "param": str,
        "sources": list[str],
        "confidence": str,
        "says": Text,
    },
    total=False,
)


class Criterion(TypedDict):
    id: str
    title: Text
    condition: Condition
    text: dict[str, Text]  # met / unmet / unknown
    sources: list[str]
    confidence: str
    note: Text
    quotes: NotRequired[list[str]]  # ids of the rules' passages it rests on


class Quote(TypedDict):
    """A source's passage, verbatim, written once (``quotes:``)."""

    id: str
    source: str
    where: str  # headline, standfirst, heading, body, caption, transcript
    lang: str
    text: str


class Reading(TypedDict):
    id: str
    adopted: NotRequired[bool]
    combine: dict[str, Any]
    title: Text
    sources: list[str]
    confidence: str
    note: Text
    quotes: NotRequired[list[str]]


class Parameter(TypedDict):
    value: Any
    unit: NotRequired[str]
    days_inclusive: NotRequired[list[str]]  # [first day, last day]: two date parameters
    label: Text
    sources: list[str]


class Tier(TypedDict):
    condition: Condition
    amount: Quantity


class Amount(TypedDict):
    currency: str
    base: Quantity
    tiers: NotRequired[list[Tier]]
    text: NotRequired[Text]
    pending: NotRequired[Text]
    sources: list[str]
    confidence: str
    note: NotRequired[Text]
    cited_for: NotRequired[Text]
    basis: NotRequired[Text]
    quotes: NotRequired[list[str]]


class ResultTexts(TypedDict):
    verdicts: dict[str, Text]
    # the headline of a verdict resting on a point of low confidence
    verdicts_low: NotRequired[dict[str, Text]]
    disclaimer: Text


class Status(TypedDict, total=False):
    state: str
    certainty: str
    notice: Text
    link: dict[str, Any]
    reasons: list[Text]
    today: list[dict[str, Any]]


class Pages(TypedDict):
    criteria: str  # the criteria page's file in docs/<lang>/
    sources: str  # the sources page's


class Rules(TypedDict):
    id: str
    version: str
    checked_on: str
    languages: list[str]
    name: Text
    short_name: NotRequired[Text]
    pages: NotRequired[Pages]  # read by the site build only
    status: NotRequired[Status]
    checked_against: NotRequired[Text]
    funder: NotRequired[dict[str, Any]]
    operator: NotRequired[dict[str, Any]]
    concertation: NotRequired[dict[str, Any]]
    dates: NotRequired[dict[str, Any]]
    application: NotRequired[dict[str, Any]]
    aid: NotRequired[dict[str, Any]]
    caveat: NotRequired[Any]
    result: ResultTexts
    next_steps: NotRequired[list[Any]]
    other_aids: NotRequired[list[Any]]
    sources: list[Source]
    parameters: dict[str, Parameter]
    questions: list[Question]
    criteria: list[Criterion]
    readings: NotRequired[list[Reading]]
    quotes: NotRequired[list[Quote]]
    amount: Amount


# A comparison as explanations and pages write it: ``{"question", "op",
# "value"}`` (and ``between`` with ``include``, ``any`` of comparisons).
Comparison = dict[str, Any]


def questions_by_id(rules: Rules) -> dict[str, Question]:
    """The questions by their id (the answer key), in asking order."""
    return {question["id"]: question for question in rules["questions"]}


def sources_by_id(rules: Rules) -> dict[str, Source]:
    """The sources by their id, in the rules' order."""
    return {source["id"]: source for source in rules["sources"]}
