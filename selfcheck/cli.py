"""Command line: ``python -m selfcheck check | validate | ask``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from . import loader, words
from .engine import Engine
from .formatting import colon, render_text
from .parsing import read_number


class UsageError(Exception):
    """Bad input given to the command line (answers file, options)."""


def read_answers(source: str) -> object:
    """Answers from a JSON or YAML file, or from stdin with '-'."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{source}: cannot read the answers ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source}: the answers are not UTF-8 text") from None
    name = "<stdin>" if source == "-" else source
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"{name}{where}: answers are neither JSON nor YAML") from None
    return {} if data is None else data


def format_text(result: dict, engine: Engine, lang: str) -> str:
    """The result as the ``text`` format prints it."""
    ruleset = engine.rules
    questions = {q["id"]: q for q in ruleset["questions"]}
    sep = colon(lang) + " "

    def say(key: str, **values) -> str:
        return words.text(lang, key, **values)

    lines = [
        f"{render_text(ruleset, ruleset['name'], lang)} — "
        + say(
            "result.rules_header",
            version=ruleset["version"],
            checked_on=result["rules"]["checked_on"],
        ),
        "",
        f"{say('result.verdict')}{sep}{say('result.verdicts.' + result['verdict'])}",
        f"{say('result.amount_label')}{sep}{result['display']['amount_value']}",
    ]
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
    if result["display"]["confidence"]:
        lines += [result["display"]["confidence"], ""]
    if result["missing"]:
        lines.append(f"{say('result.next')}{colon(lang)}")
        for key in result["missing"]:
            lines.append(f"  - {key}{sep}{render_text(ruleset, questions[key]['label'], lang)}")
    else:
        lines.append(say("result.nothing"))
    return "\n".join(lines) + "\n"


def format_errors(errors: list, lang: str) -> str:
    return "\n".join(f"error: {e['question'] or 'answers'}: {e['message'][lang]}" for e in errors)


def _rules_path(args) -> Path:
    return Path(args.rules) if args.rules else loader.default_rules()


def cmd_check(args) -> int:
    engine = Engine(loader.load(_rules_path(args)))
    lang = args.lang or engine.langs[0]
    answers = read_answers(args.answers)
    result = engine.evaluate(answers, lang)
    if result["errors"]:
        print(format_errors(result["errors"], lang), file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(result, engine, lang))
    return 0


def cmd_validate(args) -> int:
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


def cmd_questions(args) -> int:
    engine = Engine(loader.load(_rules_path(args)))
    sys.stdout.write(questions_table(engine, args.lang or engine.langs[0]))
    return 0


def parse_reply(question: dict, reply: str, lang: str):
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


def cmd_ask(args, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = Engine(loader.load(_rules_path(args)))
    ruleset, lang = engine.rules, args.lang or engine.langs[0]
    questions = {q["id"]: q for q in ruleset["questions"]}
    answers: dict = {}
    skipped: set = set()
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


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except loader.RulesError as exc:
        print(exc, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
