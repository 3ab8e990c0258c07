"""Command line: ``python -m selfcheck check | validate | ask``."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from . import loader, words
from .engine import Engine
from .formatting import colon, cut, quoted, render_text
from .parsing import read_number
from .ruleset import Question, questions_by_id


class UsageError(Exception):
    """Bad input given to the command line (answers file, options)."""


# ---------------------------------------------------------------------------
# Reading answers: JSON, or YAML limited to what JSON can say

MAX_ANSWERS_NESTING = 32  # answers are one flat mapping; deeper is refused, with a line
# What answers may hold, checked before and while they are parsed (real answers:
# a few hundred bytes, one key per question): beyond, refused with a line.
MAX_ANSWERS_BYTES = 65_536
MAX_ANSWER_KEYS = 256  # keys of one mapping
_TOO_MANY_KEYS = f"more than {MAX_ANSWER_KEYS:,} keys in one mapping (the most answers may hold)"
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a writer killed by SIGPIPE


class Answers:
    """Answers read from a file: the value, where they come from (``name``) and,
    for YAML, the line of each top-level key."""

    def __init__(
        self, value: object, name: str, lines: dict[Any, int] | None = None, line: int = 0
    ):
        self.value = value
        self.name = name
        self.lines = lines or {}
        self.line = line  # the line of the document itself (YAML), 0 when unknown

    def where(self, key: object = None) -> str:
        """``name:line`` for ``key`` (or the document), ``name`` when unknown."""
        line = self.lines.get(key, self.line) if key is not None else self.line
        return f"{self.name}:{line}" if line else self.name


class _AnswersYAML(loader.JSONValuesYAML):
    """Reads YAML answers: JSON's values only, no anchor, alias or duplicate
    key, with the bounds of answers."""

    max_nesting = MAX_ANSWERS_NESTING
    what = "answers"
    max_keys = MAX_ANSWER_KEYS
    too_many_keys = _TOO_MANY_KEYS


class _JSONRefusal(Exception):
    """JSON answers that are JSON but cannot be taken: ``line`` may be 0."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _nesting_line(text: str, limit: int) -> int:
    """The line where JSON text first nests deeper than ``limit`` (0: nowhere)."""
    level = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            if level > limit:
                return _line_at(text, match.start())
        elif token in "]}":
            level -= 1
    return 0


def _nesting(value: object) -> int:
    """How deep lists and mappings nest in a value read (iteratively)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level + 1)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(text: str) -> _JSONRefusal:
    return _JSONRefusal(
        f"more than {MAX_ANSWERS_NESTING} levels of nested mappings and lists "
        "(the maximum for answers)",
        _nesting_line(text, MAX_ANSWERS_NESTING),
    )


_NOT_JSON = object()
_EMPTY = 'no answers (the input is empty); write {} for "nothing answered yet"'


def _json_answers(text: str) -> Any:
    """The answers if ``text`` is JSON; ``_NOT_JSON`` if it is not JSON."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in items:
            if key in mapping:
                raise _JSONRefusal(f"duplicate key {quoted(key)}")
            mapping[key] = value
            if len(mapping) > MAX_ANSWER_KEYS:
                raise _JSONRefusal(_TOO_MANY_KEYS)
        return mapping

    def integer(digits: str) -> int:
        try:
            return int(digits)
        except ValueError:  # Python's limit on reading long integers
            count = len(digits.lstrip("-"))
            found = re.search(rf"(?<![0-9])[0-9]{{{count}}}(?![0-9])", text)
            raise _JSONRefusal(
                f"an integer of {count:,} digits is too long to read "
                f"(at most {sys.get_int_max_str_digits():,})",
                _line_at(text, found.start()) if found else 0,
            ) from None

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_int=integer)
    except json.JSONDecodeError:
        return _NOT_JSON
    except RecursionError:
        raise _too_deep(text) from None
    if _nesting(value) > MAX_ANSWERS_NESTING:
        raise _too_deep(text)
    return value


def _yaml_answers(text: str, name: str) -> Answers:
    try:
        reader = _AnswersYAML(text)  # the reader checks every character at once
    except yaml.reader.ReaderError as exc:
        line, problem = loader.unreadable_character(exc, text)
        raise UsageError(
            f"{name}:{line}: answers are neither JSON nor YAML (YAML: {problem})"
        ) from None
    try:
        node = reader.get_single_node()
        if node is None:  # only comments
            raise UsageError(f"{name}: {_EMPTY}")
        value = reader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = loader.yaml_problem(exc)
        if isinstance(exc, (yaml.composer.ComposerError, yaml.constructor.ConstructorError)):
            raise UsageError(f"{where}: {cut(problem, 200)}") from None
        raise UsageError(
            f"{where}: answers are neither JSON nor YAML (YAML: {cut(problem, 120)})"
        ) from None
    except yaml.YAMLError:
        raise UsageError(f"{name}: answers are neither JSON nor YAML") from None
    finally:
        reader.dispose()
    # the line of each answer's key (the reader recorded every mapping's)
    _, lines = reader.line_map[id(value)] if isinstance(value, dict) else (0, {})
    return Answers(value, name, lines, node.start_mark.line + 1)


def read_answers(source: str) -> Answers:
    """Answers from a JSON or YAML file, or from stdin with '-'. Raises
    UsageError, naming the file (and the line when known), for anything that
    cannot be answers: empty input, JSON or YAML that cannot be read, anchors,
    aliases, duplicate keys, too deep nesting, integers too long to read."""
    name = "<stdin>" if source == "-" else source
    try:
        # Read with a cap (``/dev/zero`` never ends), bytes decoded strictly
        # (stdin's own decoding may escape them).
        if source == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:
                data = sys.stdin.read(MAX_ANSWERS_BYTES + 1).encode("utf-8")
            else:
                data = stdin.read(MAX_ANSWERS_BYTES + 1)
        else:
            with Path(source).open("rb") as file:
                data = file.read(MAX_ANSWERS_BYTES + 1)
        if len(data) > MAX_ANSWERS_BYTES:
            raise UsageError(
                f"{name}: the answers are larger than {MAX_ANSWERS_BYTES:,} bytes "
                "(the most answers may hold)"
            )
        text = data.decode("utf-8")
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the answers ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: the answers are not UTF-8 text") from None
    if not text.strip():
        raise UsageError(f"{name}: {_EMPTY}")
    try:
        value = _json_answers(text)
    except _JSONRefusal as exc:
        raise UsageError(f"{name}:{exc.line}: {exc}" if exc.line else f"{name}: {exc}") from None
    if value is not _NOT_JSON:
        return Answers(value, name)
    return _yaml_answers(text, name)


def format_text(result: dict[str, Any], engine: Engine, lang: str) -> str:
    """The result as the ``text`` format prints it."""
    ruleset = engine.rules
    questions = questions_by_id(ruleset)
    sep = colon(lang) + " "

    def say(key: str, **values: object) -> str:
        return words.text(lang, key, **values)

    lines = [
        f"{render_text(ruleset, ruleset['name'], lang)} — "
        + say(
            "result.rules_header",
            version=ruleset["version"],
            checked_on=result["rules"]["checked_on"],
        ),
    ]
    display = result["display"]
    # The result as the site words it: the verdict sentence (in the past once
    # the fund is closed), its hint, the amount line when there is an amount.
    if display["notice"]:
        lines.append(display["notice"])
    lines += ["", display["verdict"], display["hint"]]
    if display["amount"]:
        lines.append(display["amount"])
    lines += ["", f"{say('result.criteria')}{colon(lang)}"]
    for criterion, shown in zip(result["criteria"], result["display"]["criteria"], strict=True):
        lines.append(f"  {shown['mark']} {criterion['title']}")
        lines.append(f"      {shown['reason']}")
        outlets = " · ".join(s["label"] for s in shown["sources"])
        lines.append(f"      {say('result.sources')} {outlets}")
    lines.append("")
    for kind in ("eligible_if", "would_change"):
        items = result[kind]
        for i, item in enumerate(items):
            if i:
                lines.append(f"    {words.entry(lang, 'explain.or')}")
            lines.append(f"  - {item['text']}")
        if items:
            lines.append("")
    said = [t for t in (display["confidence"], display["reading"]) if t]
    if said:
        lines += [*said, ""]
    if result["missing"]:
        lines.append(f"{say('result.next')}{colon(lang)}")
        for key in result["missing"]:
            lines.append(f"  - {key}{sep}{render_text(ruleset, questions[key]['label'], lang)}")
    else:
        lines.append(say("result.nothing"))
    lines += ["", display["disclaimer"]]
    return "\n".join(lines) + "\n"


def format_errors(errors: list[Any], lang: str, answers: Answers | None = None) -> str:
    """One line per error; with ``answers``, each names the file and, when
    known, the line of the faulty key."""
    lines = []
    for e in errors:
        where = f"{answers.where(e['question'])}: " if answers is not None else ""
        lines.append(f"error: {where}{e['question'] or 'answers'}: {e['message'][lang]}")
    return "\n".join(lines)


def _rules_path(args: argparse.Namespace) -> Path:
    return Path(args.rules) if args.rules else loader.default_rules()


def cmd_check(args: argparse.Namespace) -> int:
    engine = Engine(loader.load(_rules_path(args)))
    lang = args.lang or engine.langs[0]
    answers = read_answers(args.answers)
    result = engine.evaluate(answers.value, lang)
    if result["errors"]:
        print(format_errors(result["errors"], lang, answers), file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(result, engine, lang))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files] or loader.rules_files()
    status = 0
    for path in files:
        try:
            loader.load(path)
        except loader.RulesError as exc:
            print(exc, file=sys.stderr)
            status = 2
        else:
            print(f"ok: {path}")
    return status


def questions_table(engine: Engine, lang: str) -> str:
    """The answer keys as a Markdown table: key, type, question."""
    rows = [
        f"| {words.text(lang, 'cli.key')} | {words.text(lang, 'cli.type')} "
        f"| {words.text(lang, 'cli.question')} |",
        "|---|---|---|",
    ]
    for question in engine.rules["questions"]:
        kind = question["type"]
        if kind == "choice":
            kind = " \\| ".join(f"`{o['value']}`" for o in question["options"])
        elif kind in ("integer", "number"):
            bounds = [f"≥ {question['min']}"] if "min" in question else []
            bounds += [f"≤ {question['max']}"] if "max" in question else []
            unit = question.get("unit")
            kind = " ".join([kind, *bounds, *([unit] if unit else [])])
        label = render_text(engine.rules, question["label"], lang).replace("|", "\\|")
        rows.append(f"| `{question['id']}` | {kind} | {label} |")
    return "\n".join(rows) + "\n"


def cmd_questions(args: argparse.Namespace) -> int:
    engine = Engine(loader.load(_rules_path(args)))
    sys.stdout.write(questions_table(engine, args.lang or engine.langs[0]))
    return 0


def parse_reply(question: Question, reply: str, lang: str) -> Any:
    """Turn what a person typed into an answer value (None: don't know).
    Raises ValueError with a hint when the reply cannot be an answer."""
    reply = reply.strip()
    if reply in ("", "?"):
        return None
    kind = question["type"]
    if kind == "boolean":
        if reply.lower() in words.entry(lang, "cli.yes"):
            return True
        if reply.lower() in words.entry(lang, "cli.no"):
            return False
        raise ValueError(words.text(lang, "cli.bool_hint"))
    if kind == "choice":
        options = question["options"]
        if reply.isdigit() and 1 <= int(reply) <= len(options):
            return options[int(reply) - 1]["value"]
        for option in options:
            if reply == option["value"]:
                return reply
        raise ValueError(words.text(lang, "cli.choice_hint", count=len(options)))
    number = read_number(reply, question.get("unit"))
    # Not a number: the engine says what is wrong with the text.
    return reply if number is None else number


def cmd_ask(
    args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = Engine(loader.load(_rules_path(args)))
    ruleset, lang = engine.rules, args.lang or engine.langs[0]
    questions = questions_by_id(ruleset)
    answers: dict[str, Any] = {}
    skipped: set[Any] = set()
    print(words.text(lang, "cli.skip_hint"), file=stdout)
    while True:
        result = engine.evaluate(answers, lang)
        pending = [k for k in result["missing"] if k not in skipped]
        if not pending:
            break
        question = questions[pending[0]]
        print(f"\n{render_text(ruleset, question['label'], lang)}", file=stdout)
        if "help" in question:
            print(f"  ({render_text(ruleset, question['help'], lang)})", file=stdout)
        for i, option in enumerate(question.get("options", ()), 1):
            print(f"  {i}. {render_text(ruleset, option['label'], lang)}", file=stdout)
        if question["type"] == "boolean":
            print(f"  [{words.text(lang, 'cli.bool_hint')}]", file=stdout)
        print(f"{words.text(lang, 'cli.answer_prompt')} > ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        try:
            value = parse_reply(question, line, lang)
        except ValueError as exc:
            print(f"{words.text(lang, 'cli.invalid')} ({exc}).", file=stdout)
            continue
        if value is None:
            skipped.add(question["id"])
            continue
        trial = dict(answers, **{question["id"]: value})
        check = engine.evaluate(trial, lang)
        if check["errors"]:
            print(format_errors(check["errors"], lang), file=stdout)
            continue
        answers = trial
    print("", file=stdout)
    stdout.write(format_text(engine.evaluate(answers, lang), engine, lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    langs = words.languages()
    parser = argparse.ArgumentParser(
        prog="python -m selfcheck",
        description="Eligibility self-check: evaluate answers against a rules file.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rules_help = f"rules file (default: ${loader.RULES_ENV}, else the only rules/*.yaml)"

    check = sub.add_parser("check", help="evaluate answers against a rules file")
    check.add_argument("--answers", required=True, help="JSON or YAML file, or - for stdin")
    check.add_argument("--rules", help=rules_help)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=langs, help="default: the rules' first language")
    check.set_defaults(func=cmd_check)

    validate = sub.add_parser("validate", help="check rules files (default: rules/*.yaml)")
    validate.add_argument("files", nargs="*")
    validate.set_defaults(func=cmd_validate)

    questions = sub.add_parser("questions", help="the answer keys, as a Markdown table")
    questions.add_argument("--rules", help=rules_help)
    questions.add_argument("--lang", choices=langs, help="default: the rules' first language")
    questions.set_defaults(func=cmd_questions)

    ask = sub.add_parser("ask", help="answer the questions one by one in the terminal")
    ask.add_argument("--rules", help=rules_help)
    ask.add_argument("--lang", choices=langs, help="default: the rules' first language")
    ask.set_defaults(func=cmd_ask)
    return parser


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left to /dev/null, so that the
    interpreter's last flush does not print a BrokenPipeError either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests capturing it)
        pass


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        try:
            status: int = args.func(args)
        except loader.RulesError as exc:
            print(exc, file=sys.stderr)
            status = 2
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`check … | head -1`): stop quietly, as a
        # command killed by SIGPIPE would, with its conventional status
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    return status
