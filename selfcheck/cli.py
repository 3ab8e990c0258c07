"""Command line: ``python -m selfcheck check | validate | ask``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from . import rules as rules_module
from .engine import Engine, format_quantity, render_text

SYMBOLS = {"met": "✓", "unmet": "✗", "unknown": "?"}

WORDS = {
    "fr": {
        "verdict": "Verdict",
        "eligible": "éligible",
        "ineligible": "non éligible",
        "undetermined": "pas encore déterminé",
        "amount": "Montant",
        "none": "aucun",
        "or": " ou ",
        "depending": "selon vos réponses",
        "criteria": "Critères",
        "next": "À répondre ensuite",
        "nothing": "Rien d'autre à répondre.",
        "rules": "règles {version}, vérifiées le {checked_on}",
        "sources": "Sources",
        "dont_know": "je ne sais pas",
        "answer_prompt": "Votre réponse",
        "yes": ("oui", "o", "yes", "y"),
        "no": ("non", "n", "no"),
        "bool_hint": "oui / non",
        "skip_hint": "Entrée vide ou « ? » : je ne sais pas.",
        "invalid": "Réponse invalide",
    },
    "en": {
        "verdict": "Verdict",
        "eligible": "eligible",
        "ineligible": "not eligible",
        "undetermined": "not determined yet",
        "amount": "Amount",
        "none": "none",
        "or": " or ",
        "depending": "depending on your answers",
        "criteria": "Criteria",
        "next": "Answer next",
        "nothing": "Nothing else to answer.",
        "rules": "rules {version}, checked on {checked_on}",
        "sources": "Sources",
        "dont_know": "I don't know",
        "answer_prompt": "Your answer",
        "yes": ("yes", "y", "oui", "o"),
        "no": ("no", "n", "non"),
        "bool_hint": "yes / no",
        "skip_hint": "Empty or '?': I don't know.",
        "invalid": "Invalid answer",
    },
}


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


def format_amount(result: dict, ruleset: dict, lang: str) -> str:
    """'900 €', or '500 € ou 900 € selon vos ressources' while still open."""
    words = WORDS[lang]
    options = result["amount_options"]
    if not options:
        return words["none"]
    texts = [format_quantity(a, result["currency"], lang) for a in options]
    if len(texts) == 1:
        return texts[0]
    pending = ruleset["amount"].get("pending", {}).get(lang, words["depending"])
    return f"{words['or'].join(texts)} {pending}"


def format_text(result: dict, ruleset: dict, lang: str) -> str:
    words = WORDS[lang]
    questions = {q["id"]: q for q in ruleset["questions"]}
    sep = " : " if lang == "fr" else ": "
    lines = [
        f"{ruleset['name'][lang]} — " + words["rules"].format(**result["rules"]),
        "",
        f"{words['verdict']}{sep}{words[result['verdict']]}",
        f"{words['amount']}{sep}{format_amount(result, ruleset, lang)}",
    ]
    lines += ["", f"{words['criteria']}{sep.rstrip()}"]
    for criterion in result["criteria"]:
        lines.append(f"  {SYMBOLS[criterion['status']]} {criterion['title']}")
        lines.append(f"      {criterion['reason']}")
        outlets = ", ".join(f"{s['outlet']} ({s['date']})" for s in criterion["sources"])
        lines.append(f"      {words['sources']}{sep}{outlets}")
    lines.append("")
    if result["missing"]:
        lines.append(f"{words['next']}{sep.rstrip()}")
        for key in result["missing"]:
            lines.append(f"  - {key}{sep}{render_text(ruleset, questions[key]['label'], lang)}")
    else:
        lines.append(words["nothing"])
    return "\n".join(lines) + "\n"


def format_errors(errors: list, lang: str) -> str:
    return "\n".join(f"error: {e['question'] or 'answers'}: {e['message'][lang]}" for e in errors)


def _load_rules(path) -> dict:
    return rules_module.load(path)


def cmd_check(args) -> int:
    ruleset = _load_rules(args.rules)
    answers = read_answers(args.answers)
    result = Engine(ruleset).evaluate(answers, args.lang)
    if result["errors"]:
        print(format_errors(result["errors"], args.lang), file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(result, ruleset, args.lang))
    return 0


def cmd_validate(args) -> int:
    files = [Path(f) for f in args.files] or rules_module.rules_files()
    status = 0
    for path in files:
        try:
            rules_module.load(path)
        except rules_module.RulesError as exc:
            print(exc, file=sys.stderr)
            status = 2
        else:
            print(f"ok: {path}")
    return status


def _parse_reply(question: dict, reply: str, lang: str):
    """Turn what a person typed into an answer value (None: don't know)."""
    reply = reply.strip()
    if reply in ("", "?"):
        return None
    words = WORDS[lang]
    kind = question["type"]
    if kind == "boolean":
        if reply.lower() in words["yes"]:
            return True
        if reply.lower() in words["no"]:
            return False
        raise ValueError(words["bool_hint"])
    if kind == "choice":
        options = question["options"]
        if reply.isdigit() and 1 <= int(reply) <= len(options):
            return options[int(reply) - 1]["value"]
        for option in options:
            if reply == option["value"]:
                return reply
        raise ValueError(f"1–{len(options)}")
    number = float(reply.replace(",", ".").replace(" ", "").replace("\u202f", ""))
    return int(number) if kind == "integer" and number.is_integer() else number


def cmd_ask(args, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    ruleset = _load_rules(args.rules)
    engine = Engine(ruleset)
    lang, words = args.lang, WORDS[args.lang]
    questions = {q["id"]: q for q in ruleset["questions"]}
    answers: dict = {}
    skipped: set = set()
    print(words["skip_hint"], file=stdout)
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
            print(f"  {i}. {option['label'][lang]}", file=stdout)
        if question["type"] == "boolean":
            print(f"  [{words['bool_hint']}]", file=stdout)
        print(f"{words['answer_prompt']} > ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        try:
            value = _parse_reply(question, line, lang)
        except ValueError as exc:
            print(f"{words['invalid']} ({exc}).", file=stdout)
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
    stdout.write(format_text(engine.evaluate(answers, lang), ruleset, lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m selfcheck",
        description="Eligibility self-check for the Netflix-Audiens emergency fund.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="evaluate answers against a rules file")
    check.add_argument("--answers", required=True, help="JSON or YAML file, or - for stdin")
    check.add_argument("--rules", default=str(rules_module.DEFAULT_RULES), help="rules file")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("fr", "en"), default="fr")
    check.set_defaults(func=cmd_check)

    validate = sub.add_parser("validate", help="check rules files (default: rules/*.yaml)")
    validate.add_argument("files", nargs="*")
    validate.set_defaults(func=cmd_validate)

    ask = sub.add_parser("ask", help="answer the questions one by one in the terminal")
    ask.add_argument("--rules", default=str(rules_module.DEFAULT_RULES), help="rules file")
    ask.add_argument("--lang", choices=("fr", "en"), default="fr")
    ask.set_defaults(func=cmd_ask)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except rules_module.RulesError as exc:
        print(exc, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
