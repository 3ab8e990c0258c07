"""Load a rules file: read the YAML, validate it, return the plain rule set.

Every problem found becomes one line naming the file, the line and the field,
for example::

    rules/x.yaml:42: criteria[1].condition: unknown operator 'gte'

and all of them are raised together as ``RulesError`` (never a traceback for
the person who wrote the file).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml

from . import words
from .analysis import GROUP_BUDGET, WORK_BUDGET, Structure
from .conditions import OPERATORS, ORDERED_OPERATORS, depth, iter_conditions, walk
from .formatting import FORMS, cut, parameter_texts, quoted
from .ruleset import Condition, Criterion, Reading, Rules

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
SCHEMA_PATH = RULES_DIR / "schema.json"
RULES_ENV = "SELFCHECK_RULES"  # names the rules file when rules/ holds several

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_LANG = re.compile(r"[a-z]{2}")  # fullmatch: "$" would also accept "fr\n"

# Hostile or mistaken files are refused with a line, before anything walks them.
MAX_NESTING = 64  # levels of mappings and lists in a rules file (the real one: 7)
MAX_CONDITION_DEPTH = 16  # levels of a condition tree, a comparison being 1 (real: 3)
# What a rules file may cost, whatever its shape: its size, read with a cap
# (the real one: 35 KB; reading YAML takes about 6 µs a byte here, so that a
# file at the limit is read in well under 2 s), and each text once its
# parameters are written in (the real longest: under 1,000 characters).
MAX_RULES_BYTES = 262_144
MAX_TEXT_CHARS = 10_000
# Comparisons in all the conditions (an ``in`` counting its list's length):
# the real rules make 10.
MAX_COMPARISONS = 1_000


class RulesError(Exception):
    """A rules file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------------------
# YAML, guarded: no anchor or alias, bounded nesting, bounded integers


class GuardedComposer:
    """Mixin for a PyYAML loader: refuses anchors and aliases (an alias bomb
    never expands), explicit tags (``!!float abc`` would be a ValueError,
    ``!!python/…`` is not data) and collections nested deeper than
    ``max_nesting``, at the event that breaks the rule, before any node is
    built or walked."""

    max_nesting = MAX_NESTING
    what = "a rules file"
    _nesting = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]  # a mixin of a yaml Loader
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise yaml.composer.ComposerError(
                None,
                None,
                f"anchors and aliases ({sign}{cut(str(event.anchor))}) are not allowed in "
                f"{self.what}: write each value out",
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            written = cut(str(tag).replace("tag:yaml.org,2002:", "!!"))
            raise yaml.composer.ComposerError(
                None,
                None,
                f"tags ({written}) are not allowed in {self.what}: write the value plainly "
                "(quote a text)",
                event.start_mark,
            )
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)  # type: ignore[misc]
        if self._nesting >= self.max_nesting:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"more than {self.max_nesting} levels of nested mappings and lists "
                f"(the maximum for {self.what})",
                event.start_mark,  # type: ignore[arg-type]  # the C Mark has no stub of its own
            )
        self._nesting += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._nesting -= 1


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What a YAML error says, in one line."""
    problem = str(exc.problem or exc)
    if isinstance(exc, yaml.composer.ComposerError) and exc.context:
        problem = f"{exc.context}, {problem}"  # "expected a single document…, but found…"
    return problem


def unreadable_character(exc: yaml.reader.ReaderError, text: str) -> tuple[int, str]:
    """The line and the message for a character YAML does not accept (a
    control character, a lone surrogate)."""
    line = text.count("\n", 0, exc.position) + 1
    return line, f"unacceptable character #x{exc.character:04x}: {exc.reason}"


def too_long_integer(text: str, mark: Any) -> yaml.constructor.ConstructorError:
    """The error for an integer Python refuses to read (int-string limit)."""
    digits = sum(c.isdigit() for c in text)
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"an integer of {digits:,} digits is too long to read "
        f"(at most {sys.get_int_max_str_digits():,})",
        mark,
    )


class GuardedYAML(
    GuardedComposer,
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
):
    """The one YAML reader of the project, for rules files and answers alike:
    no anchor, alias or tag, bounded nesting (``GuardedComposer``), no
    duplicate key, at most ``max_keys`` keys in a mapping when set, integers
    Python can read; the line of every mapping value and list item recorded
    in ``line_map`` (``id(collection)`` → (its line, {key or index: line})).
    A subclass adds its resolver: ``RulesYAML`` (YAML 1.1, dates) or
    ``JSONValuesYAML`` (JSON's values only)."""

    max_keys: int | None = None
    too_many_keys = ""  # the message when a mapping holds more than max_keys

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)  # checks every character at once
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)  # type: ignore[arg-type]  # a mixin
        self.line_map: dict[int, tuple[int, dict[Any, int]]] = {}


def _construct_mapping(reader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = reader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a text or a number", key_node.start_mark
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {quoted(key)}", key_node.start_mark
            )
        mapping[key] = reader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
        if reader.max_keys is not None and len(mapping) > reader.max_keys:
            raise yaml.constructor.ConstructorError(
                None, None, reader.too_many_keys, key_node.start_mark
            )
    reader.line_map[id(mapping)] = (node.start_mark.line + 1, lines)
    return mapping


def _construct_sequence(reader: Any, node: Any, deep: bool = False) -> list[Any]:
    items = [reader.construct_object(child, deep=True) for child in node.value]
    lines = {i: child.start_mark.line + 1 for i, child in enumerate(node.value)}
    reader.line_map[id(items)] = (node.start_mark.line + 1, lines)
    return items


GuardedYAML.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
GuardedYAML.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class RulesYAML(GuardedYAML, yaml.resolver.Resolver):
    """A rules file: YAML 1.1's values (dates among them, as PyYAML's safe
    loader reads them), guarded."""


def _construct_yaml11_int(reader: Any, node: Any) -> int:
    try:
        value: int = yaml.SafeLoader.construct_yaml_int(reader, node)
        return value
    except ValueError:  # only Python's limit on long integers: the resolver checked the rest
        raise too_long_integer(str(node.value), node.start_mark) from None


def _construct_timestamp(reader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(reader, node)
    except ValueError:  # 2026-13-45 has the shape of a date, not a day of the calendar
        raise yaml.constructor.ConstructorError(
            None, None, f"{cut(str(node.value))} is not a date", node.start_mark
        ) from None


RulesYAML.add_constructor("tag:yaml.org,2002:int", _construct_yaml11_int)
RulesYAML.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _JSONResolver(yaml.resolver.BaseResolver):
    """YAML 1.2's core schema, decimal numbers only: what JSON can say. ``yes``,
    ``no``, ``on``, ``off``, ``0x10``, ``0o17``, ``1_000``, ``1:30`` and dates
    stay text (YAML 1.1 would read booleans, numbers and dates)."""


_JSONResolver.yaml_implicit_resolvers = {}
for _kind, _regex, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _JSONResolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_kind}", re.compile(_regex), list(_first)
    )


class JSONValuesYAML(GuardedYAML, _JSONResolver):
    """YAML limited to what JSON can say (answers): text, true/false, null,
    decimal numbers, mappings and lists, guarded."""


def _construct_decimal_int(reader: Any, node: Any) -> int:
    try:
        return int(node.value)  # "012" is twelve, as JSON (and a reader) would have it
    except ValueError:  # only Python's limit on long integers: the resolver checked the rest
        raise too_long_integer(node.value, node.start_mark) from None


JSONValuesYAML.add_constructor("tag:yaml.org,2002:int", _construct_decimal_int)


def _parse(text: str, name: str) -> tuple[Any, dict[int, Any]]:
    try:
        loader = RulesYAML(text)  # the reader checks every character at once
    except yaml.reader.ReaderError as exc:
        line, problem = unreadable_character(exc, text)
        raise RulesError([f"{name}:{line}: YAML: {problem}"]) from None
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise RulesError([f"{name}:{line}: YAML: {cut(yaml_problem(exc), 200)}"]) from None
    except yaml.YAMLError as exc:
        raise RulesError([f"{name}:0: YAML: {cut(str(exc), 200)}"]) from None
    finally:
        loader.dispose()
    return data, loader.line_map


class _Lines:
    """Finds the line of a path like ('criteria', 1, 'condition')."""

    def __init__(self, data: Any, line_map: dict[int, Any]) -> None:
        self.data = data
        self.line_map = line_map

    def line(self, path: Iterable[Any]) -> int:
        node, line = self.data, 1
        for part in path:
            entry = self.line_map.get(id(node))
            if entry is None:
                break
            start, lines = entry
            line = lines.get(part, start)
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        return line


def format_path(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = cut(str(part))  # a key of the file: quoted at most ~80 characters
            text += f".{part}" if text else part
    return text or "(root)"


# ---------------------------------------------------------------------------
# Loading


def _normalise(value: Any) -> Any:
    """YAML dates become ISO strings, so that the rule set is plain JSON."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _normalise(item)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _normalise(item)
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


_schema_cache: dict[str, Any] = {}


def schema() -> dict[str, Any]:
    if "schema" not in _schema_cache:
        _schema_cache["schema"] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    loaded: dict[str, Any] = _schema_cache["schema"]
    return loaded


def _schema_message(error: Any) -> str:
    path = list(error.absolute_path)
    if error.validator == "enum" and path and path[-1] == "op":
        return f"unknown operator {quoted(error.instance)} (expected one of {', '.join(OPERATORS)})"
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
        return f"unknown field {', '.join(map(quoted, extra))} (allowed: {allowed})"
    if error.validator == "required":
        return cut(error.message.replace("is a required property", "is required"), 200)
    # jsonschema quotes the whole value: quote at most ~80 characters of it
    try:
        whole = repr(error.instance)
    except (ValueError, RecursionError):
        whole = ""
    message = error.message.replace(whole, quoted(error.instance)) if whole else error.message
    return cut(message, 300)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """The schema's patterns as JSON Schema reads them (ECMA-262), where ``$``
    is the very end: Python's ``$`` also matches before a final newline, and an
    id ``"abc\n"`` would pass."""
    anchored = re.sub(r"(?<!\\)\$$", r"\\Z", pattern)
    if validator.is_type(instance, "string") and re.search(anchored, instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_extend: Any = jsonschema.validators.extend  # untyped in its stubs
_Validator = _extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


def load_text(text: str, name: str = "<rules>") -> Rules:
    """Parse and validate rules given as YAML text; raise RulesError."""
    if len(text) > MAX_RULES_BYTES:
        raise RulesError([_too_large(name)])
    data, line_map = _parse(text, name)
    lines = _Lines(data, line_map)
    if not isinstance(data, dict):
        raise RulesError([f"{name}:1: (root): a rules file must be a mapping"])
    data = _normalise(data)
    problems: list[str] = []
    numbers = dict(_number_problems(data))  # what the schema says of them would only confuse
    validator = _Validator(schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = list(error.absolute_path)
        if tuple(where) not in numbers:
            problems.append(
                f"{name}:{lines.line(where)}: {format_path(where)}: {_schema_message(error)}"
            )
    for path, message in numbers.items():
        problems.append(f"{name}:{lines.line(path)}: {format_path(path)}: {message}")
    # Past the schema, the data has the rule set's shape (ruleset.py).
    rules = cast(Rules, data)
    if not problems:
        for path, message in _semantic_problems(rules):
            problems.append(f"{name}:{lines.line(path)}: {format_path(path)}: {message}")
    if not problems:
        for path, message in _budget_problems(rules):
            problems.append(f"{name}:{lines.line(path)}: {format_path(path)}: {message}")
    if problems:
        raise RulesError(problems)
    return rules


def load(path: str | Path) -> Rules:
    """Load and validate one rules file; raise RulesError."""
    path = Path(path)
    try:
        with path.open("rb") as file:  # with a cap: /dev/zero never ends
            data = file.read(MAX_RULES_BYTES + 1)
        if len(data) > MAX_RULES_BYTES:
            raise RulesError([_too_large(str(path))])
        text = data.decode("utf-8")
    except OSError as exc:
        raise RulesError([f"{path}:0: cannot read the file ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise RulesError([f"{path}:0: the file is not UTF-8 text"]) from None
    return load_text(text, str(path))


def _too_large(name: str) -> str:
    most = f"{MAX_RULES_BYTES:,} bytes (the most a rules file may hold)"
    return f"{name}:0: the file is larger than {most}"


# ---------------------------------------------------------------------------
# Checks the schema cannot express


def _semantic_problems(data: Rules) -> Iterator[tuple[tuple[Any, ...], str]]:
    sources = {s["id"] for s in data["sources"]}
    params = data["parameters"]
    questions = {q["id"]: q for q in data["questions"]}

    yield from _duplicates(data["sources"], "sources")
    yield from _duplicates(data["questions"], "questions")
    yield from _duplicates(data["criteria"], "criteria")

    # source references, wherever they are
    def refs(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("sources", "combinable_sources") and isinstance(value, list):
                    for i, ref in enumerate(value):
                        if ref not in sources:
                            yield (*path, key, i), f"unknown source {quoted(ref)}"
                else:
                    yield from refs(value, (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                yield from refs(item, (*path, i))

    yield from refs({k: v for k, v in data.items() if k != "sources"}, ())

    # passages of the sources: each printed by a known source, each named by
    # what rests on it
    quotes = data.get("quotes", [])
    yield from _duplicates(quotes, "quotes")
    for i, passage in enumerate(quotes):
        if passage["source"] not in sources:
            yield ("quotes", i, "source"), f"unknown source {quoted(passage['source'])}"
    named = {q["id"] for q in quotes}
    resting: dict[str, Sequence[Criterion | Reading]] = {
        "criteria": data["criteria"],
        "readings": data.get("readings", []),
    }
    for section, items in resting.items():
        for i, item in enumerate(items):
            for j, ref in enumerate(item.get("quotes", [])):
                if ref not in named:
                    yield (section, i, "quotes", j), f"unknown quote {quoted(ref)}"
    for j, ref in enumerate(data["amount"].get("quotes", [])):
        if ref not in named:
            yield ("amount", "quotes", j), f"unknown quote {quoted(ref)}"

    for qi, question in enumerate(data["questions"]):
        kind, has_options = question["type"], "options" in question
        if kind == "choice" and not has_options:
            yield ("questions", qi), "a choice question needs options"
        if kind != "choice" and has_options:
            yield ("questions", qi, "options"), f"a {kind} question takes no options"
        if kind in ("choice", "boolean"):
            for bound in ("min", "max", "unit"):
                if bound in question:
                    yield ("questions", qi, bound), f"a {kind} question takes no {bound}"
        if has_options:
            yield from _duplicates(question["options"], ("questions", qi, "options"), key="value")

    # conditions
    roots: list[tuple[tuple[Any, ...], Condition]] = [
        (("criteria", i, "condition"), c["condition"]) for i, c in enumerate(data["criteria"])
    ]
    for i, tier in enumerate(data["amount"].get("tiers", ())):
        roots.append((("amount", "tiers", i, "condition"), tier["condition"]))
    for path, condition in roots:
        levels = depth(condition)
        if levels > MAX_CONDITION_DEPTH:
            yield (
                path,
                f"a condition nested {levels} levels deep; the maximum is {MAX_CONDITION_DEPTH}",
            )
    for dotted, node in iter_conditions(data):
        yield from _condition_problems(node, _split(dotted), params, questions)

    yield from _reading_problems(data)

    # languages: a catalogue for each, and every text in each
    langs = data["languages"]
    for i, lang in enumerate(langs):
        if lang not in words.languages():
            known = ", ".join(words.languages())
            yield (
                ("languages", i),
                f"no word catalogue for {quoted(lang)} (selfcheck/locales/: {known})",
            )
    for path, text in _text_objects(data):
        missing = [lang for lang in langs if lang not in text]
        extra = [lang for lang in text if lang not in langs]
        if missing:
            yield path, f"text without {', '.join(missing)} (languages: {', '.join(langs)})"
        if extra:
            yield path, f"text in {', '.join(extra)}, not a language of the rules"

    yield from _derived_problems(params)

    # quantities and placeholders
    for path, quantity in _quantities(data):
        if isinstance(quantity, dict):
            name = quantity["param"]
            if name not in params:
                yield path, f"unknown parameter {quoted(name)}"
            elif not _is_number(params[name]["value"]):
                yield path, f"parameter {quoted(name)} is not a number"
    for path, written in _texts(data):
        for match in _PLACEHOLDER.finditer(written):
            name, dot, form = match.group(1).partition(".")
            if name not in params:
                yield path, f"unknown placeholder {{{cut(match.group(1))}}} (no such parameter)"
            elif dot:
                unit = params[name].get("unit")
                forms = FORMS.get(unit, {}) if isinstance(unit, str) else {}
                if form not in forms:
                    known = ", ".join(f".{f}" for f in forms) or "none"
                    yield (
                        path,
                        f"unknown placeholder {{{cut(match.group(1))}}} (forms of a "
                        f"parameter in {quoted(unit)}: {known})",
                    )


def _reading_problems(data: Rules) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Readings name criteria that exist; exactly one is adopted, and it
    requires every criterion: the engine's exact analysis (missing questions,
    amounts, explanations) is that of every criterion required, and the other
    readings only qualify the verdict."""
    readings = data.get("readings")
    if not readings:
        return
    yield from _duplicates(readings, "readings")
    ids = [c["id"] for c in data["criteria"]]
    if len(set(ids)) != len(ids):
        return  # the duplicate criterion is the problem to report

    def names(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
        if isinstance(node, str):
            if node not in ids:
                yield path, f"unknown criterion {quoted(node)} (criteria: {', '.join(ids)})"
            return
        for kind, items in node.items():
            for i, item in enumerate(items):
                yield from names(item, (*path, kind, i))

    for i, reading in enumerate(readings):
        yield from names(reading["combine"], ("readings", i, "combine"))
    adopted = [i for i, r in enumerate(readings) if r.get("adopted")]
    if len(adopted) != 1:
        shown = ", ".join(readings[i]["id"] for i in adopted) or "none"
        yield ("readings",), f"exactly one reading must be adopted: true (adopted: {shown})"
        return
    combine = readings[adopted[0]]["combine"]
    items = combine.get("all")
    if items is None or sorted(map(str, items)) != sorted(ids):
        where = ("readings", adopted[0], "combine", *(("all",) if items is not None else ()))
        yield (
            where,
            "the adopted reading must be {all: [...]} naming every criterion once "
            f"({', '.join(ids)}); other combinations are declared as readings not adopted",
        )


def _number_problems(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Numbers the engine cannot compute with, anywhere in the rule set: NaN,
    infinities (YAML's .nan, .inf), integers too large for a float."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*path, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, i), value) for i, value in reversed(list(enumerate(node))))
        elif isinstance(node, float) and not math.isfinite(node):
            yield path, f"{node} is not a finite number"
        elif isinstance(node, int) and not isinstance(node, bool):
            try:
                float(node)
            except OverflowError:
                digits = len(str(abs(node)))
                yield path, f"an integer of {digits:,} digits is too large (not a finite float)"


def _derived_problems(params: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """A parameter worked out from others (``days_inclusive``) must be what
    they make: a changed date cannot leave a stale count behind."""
    for name, param in params.items():
        if "days_inclusive" not in param:
            continue
        where = ("parameters", name, "days_inclusive")
        days = []
        for other in param["days_inclusive"]:
            value = params.get(other, {}).get("value")
            try:
                days.append(dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                yield where, f"{quoted(other)} is not a date parameter"
        if len(days) != 2:
            continue
        count = (days[1] - days[0]).days + 1
        if param["value"] != count:
            first, last = param["days_inclusive"]
            yield (
                ("parameters", name, "value"),
                f"{quoted(param['value'])} is not the {count:,} days from {first} to {last} "
                "(both counted)",
            )


def _split(dotted: str) -> tuple[Any, ...]:
    parts = []
    for piece in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return tuple(parts)


def _duplicates(items: Any, path: Any, key: str = "id") -> Iterator[tuple[tuple[Any, ...], str]]:
    path = path if isinstance(path, tuple) else (path,)
    seen = set()
    for i, item in enumerate(items):
        if item[key] in seen:
            yield (*path, i, key), f"duplicate {key} {quoted(item[key])}"
        seen.add(item[key])


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Keys any condition node may carry besides its logic: what it rests on, when
# that is less than its criterion's sources (checked with every other source
# reference) and confidence (checked by the schema).
CONDITION_METADATA = ("sources", "confidence")


def _condition_problems(
    node: Condition, path: tuple[Any, ...], params: Any, questions: Any
) -> Iterator[tuple[tuple[Any, ...], str]]:
    logical: list[str] = [k for k in ("all", "any", "not") if k in node]
    comparison: list[str] = [k for k in ("answer", "op", "value", "param") if k in node]
    if len(logical) > 1 or (logical and comparison):
        keys = ", ".join(logical + comparison)
        yield path, f"a condition node has either all, any, not, or a comparison (found {keys})"
        return
    if logical:
        return
    if not comparison:
        keys = ", ".join(k for k in CONDITION_METADATA if k in node)
        yield path, f"a condition node needs all, any, not, or a comparison (found only {keys})"
        return
    for needed in ("answer", "op"):
        if needed not in node:
            yield path, f"a comparison needs '{needed}'"
            return
    if ("value" in node) == ("param" in node):
        yield path, "a comparison needs exactly one of 'value' or 'param'"
        return
    question = questions.get(node["answer"])
    if question is None:
        yield (*path, "answer"), f"unknown question {quoted(node['answer'])}"
        return
    if "param" in node:
        if node["param"] not in params:
            yield (*path, "param"), f"unknown parameter {quoted(node['param'])}"
            return
        constant, where = params[node["param"]]["value"], (*path, "param")
    else:
        constant, where = node["value"], (*path, "value")
    op, kind = node["op"], question["type"]
    if op == "in":
        if not isinstance(constant, list) or not constant:
            yield where, "operator 'in' needs a non-empty list"
            return
        values = constant
    else:
        if isinstance(constant, list):
            yield where, f"operator {quoted(op)} needs a single value, not a list"
            return
        values = [constant]
    if op in ORDERED_OPERATORS and kind not in ("integer", "number"):
        yield (
            (*path, "op"),
            f"operator {quoted(op)} needs a numeric question; {quoted(node['answer'])} is {kind}",
        )
        return
    for value in values:
        if kind == "boolean" and not isinstance(value, bool):
            answer = quoted(node["answer"])
            yield where, f"{answer} is boolean; {quoted(value)} is not true or false"
        elif kind == "choice":
            options = [o["value"] for o in question.get("options", [])]
            if value not in options:
                yield (
                    where,
                    f"{quoted(value)} is not an option of {quoted(node['answer'])} "
                    f"({', '.join(options)})",
                )
        elif kind in ("integer", "number") and not _is_number(value):
            yield where, f"{quoted(node['answer'])} is numeric; {quoted(value)} is not a number"


def _quantities(data: Rules) -> Iterator[tuple[tuple[Any, ...], Any]]:
    amount = data["amount"]
    yield ("amount", "base"), amount["base"]
    for i, tier in enumerate(amount.get("tiers", ())):
        yield ("amount", "tiers", i, "amount"), tier["amount"]


def _is_text(node: object) -> bool:
    return (
        isinstance(node, dict)
        and bool(node)
        and all(
            isinstance(k, str) and _LANG.fullmatch(k) and isinstance(v, str)
            for k, v in node.items()
        )
    )


def _text_objects(
    node: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, str]]]:
    """Every translatable text ``{fr: …, en: …}`` of the rule set: (path, dict)."""
    if _is_text(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _text_objects(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _text_objects(item, (*path, i))


def _texts(node: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string of every translatable text: (path, string)."""
    for path, text in _text_objects(node):
        for lang, value in text.items():
            yield (*path, lang), value


def _cost(comparison: Condition) -> int:
    """What one comparison costs: 1, or the length of an ``in``'s list."""
    value = comparison.get("value")
    return max(1, len(value)) if isinstance(value, list) else 1


def _budget_problems(data: Rules) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Rules that would cost too much: a text too long once its parameters are
    written in; the engine trying too many combinations, or comparing too
    often, in one evaluation."""
    for lang in data["languages"]:
        values = parameter_texts(data, lang)
        for path, text in _text_objects(data):
            string = text.get(lang, "")
            size = len(string) + sum(
                len(values[found]) - len(found) - 2
                for found in _PLACEHOLDER.findall(string)
                if found in values
            )
            if size > MAX_TEXT_CHARS:
                yield (
                    (*path, lang),
                    f"{size:,} characters once its parameters are written in; "
                    f"the most a text may hold is {MAX_TEXT_CHARS:,}",
                )
    # Before the engine's analysis, whose own cost grows with the comparisons.
    units: list[tuple[tuple[Any, ...], Condition]] = [
        (("criteria", i, "condition"), c["condition"]) for i, c in enumerate(data["criteria"])
    ]
    tiers = data["amount"].get("tiers", ())
    units += [(("amount", "tiers", i, "condition"), t["condition"]) for i, t in enumerate(tiers)]
    total = 0
    for path, condition in units:
        total += sum(_cost(node) for _, node in walk(condition) if "answer" in node)
        if total > MAX_COMPARISONS:
            yield (
                path,
                f"the conditions up to here make {total:,} comparisons; the most a rule set "
                f"may make is {MAX_COMPARISONS:,}",
            )
            return
    structure = Structure(data)
    work = 0
    heaviest = None
    for group in structure.groups:
        conditions = [data["criteria"][i]["condition"] for i in group.criteria]
        conditions += [data["amount"]["tiers"][i]["condition"] for i in group.tiers]
        compared = sum(_cost(node) for c in conditions for _, node in walk(c) if "answer" in node)
        work += group.size * compared
        if heaviest is None or group.size * compared > heaviest[0]:
            heaviest = (group.size * compared, group, compared)
    if work > WORK_BUDGET and heaviest is not None and not structure.over_budget():
        _, group, compared = heaviest
        criterion = group.criteria[0] if group.criteria else None
        path = ("criteria", criterion) if criterion is not None else ("amount", "tiers")
        yield (
            path,
            (
                f"one evaluation would make {work:,} comparisons, over the engine's limit of "
                f"{WORK_BUDGET:,} (the questions {', '.join(group.keys)}: {group.size:,} "
                f"combinations of answer classes × {compared:,} comparisons); "
                "compare fewer values"
            ),
        )
    for group in structure.over_budget():
        keys = ", ".join(group.keys)
        criterion = group.criteria[0] if group.criteria else None
        path = ("criteria", criterion) if criterion is not None else ("questions",)
        yield (
            path,
            (
                f"the questions {keys} share conditions: {group.size:,} combinations of their "
                f"answer classes to examine, over the engine's budget of {GROUP_BUDGET:,}; "
                "split the conditions so that fewer questions depend on each other"
            ),
        )
    for i, reading in enumerate(data.get("readings", ())):
        size = structure.reading_size(reading["combine"])
        if size > GROUP_BUDGET:
            yield (
                ("readings", i, "combine"),
                (
                    f"evaluating this reading may try {size:,} combinations of criterion "
                    f"values, over the engine's budget of {GROUP_BUDGET:,}; "
                    "name fewer criteria that share questions"
                ),
            )


def rules_files(directory: Path = RULES_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml"))


def default_rules() -> Path:
    """The rules file used when none is named: ``$SELFCHECK_RULES``, else the
    project's (``[tool.selfcheck] rules`` in pyproject.toml), else the only
    ``rules/*.yaml``. Raises RulesError when that choice is ambiguous."""
    named = os.environ.get(RULES_ENV)
    if named:
        return Path(named)
    setting = _project_setting("rules")
    if setting:
        return ROOT / str(setting)
    files = rules_files()
    if len(files) == 1:
        return files[0]
    listed = ", ".join(p.name for p in files) or "none"
    raise RulesError(
        [
            f"{RULES_DIR}:0: {len(files)} rules files ({listed}): name one with --rules, "
            f"{RULES_ENV}, or [tool.selfcheck] rules in pyproject.toml"
        ]
    )


def _project_setting(name: str) -> Any:
    """A setting of ``[tool.selfcheck]`` in the project's pyproject.toml."""
    try:
        with open(ROOT / "pyproject.toml", "rb") as file:
            return tomllib.load(file).get("tool", {}).get("selfcheck", {}).get(name)
    except (OSError, tomllib.TOMLDecodeError):
        return None
