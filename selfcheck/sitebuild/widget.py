"""The self-check widget: its HTML, rendered from the rules at build time, and
the files it needs in the built site.

``render(ruleset, lang)`` is what ``{{ selfcheck_widget }}`` expands to: the
questions as plain HTML (usable before Pyodide is up), every static word of the
widget in the page's language, and references to the exact rules bundle and
engine wheel written by ``write_assets``. JavaScript (``selfcheck/web/``) only
moves answers to the engine and its result to the page: it decides nothing.

``write_assets(ruleset, site_dir)`` (called from the MkDocs ``on_post_build``
hook) writes, once, into ``<site>/assets/selfcheck/``::

    boot.js widget.js worker.js widget.css    from selfcheck/web/ (and md-*.js, which
                                              replace Material's inline scripts)
    rules-<version>-<sha8>.json               the rules, compiled from the YAML
    engine-<sha8>/selfcheck-…-py3-none-any.whl the engine package (a real wheel)
    pyodide-<version>/                        Pyodide's four boot files + a lock
                                              stub (info only, no packages)

then checks the built pages: every widget page points at files that exist, and
no page holds an inline script (the Content Security Policy forbids them).
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from mkdocs.exceptions import PluginError

from selfcheck.engine import render_text
from selfcheck.sitebuild.pages import format_date

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "selfcheck"
WEB = PACKAGE / "web"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WHEEL_CACHE = ROOT / "build" / "selfcheck-wheel"
ASSETS = "assets/selfcheck"  # the widget's folder, relative to the site root
PYODIDE_BOOT_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
WEB_FILES = (
    "boot.js",
    "widget.js",
    "worker.js",
    "widget.css",
    "md-head.js",
    "md-palette.js",
    "md-content.js",
)
BOOT_TIMEOUT_MS = 60_000  # the widget gives up (error state) after this
SLOW_NOTICE_MS = 15_000  # ... and says it is slow after this


class BuildError(PluginError):
    """The widget's files cannot be prepared: stops the build with a message."""


# ---------------------------------------------------------------------------
# Words (static UI text; everything the engine says comes from the rules)

WORDS = {
    "fr": {
        "loading": "Chargement du moteur d'évaluation… Vous pouvez déjà répondre aux questions.",
        "slow": "Le chargement prend plus de temps que prévu, merci de patienter…",
        "noscript": (
            "Ce questionnaire a besoin de JavaScript. Vous pouvez vérifier les conditions "
            'vous-même avec la <a href="../criteres/">liste des critères</a>.'
        ),
        "error_title": "Le questionnaire ne peut pas fonctionner dans ce navigateur.",
        "error_body": (
            "Vous pouvez vérifier les conditions vous-même avec la "
            '<a href="../criteres/">liste des critères</a>.'
        ),
        "error_reasons": {
            "timeout": "Le chargement a pris trop de temps.",
            "nowasm": "Ce navigateur ne prend pas en charge WebAssembly.",
            "network": "Un fichier nécessaire n'a pas pu être téléchargé.",
            "worker": "Le moteur d'évaluation s'est arrêté sur une erreur.",
        },
        "form_title": "Vos réponses",
        "show_all": "Voir toutes les questions",
        "show_all_note": (
            "Les questions qui ne peuvent plus changer votre résultat sont masquées "
            "au fil de vos réponses."
        ),
        "dont_know": "Je ne sais pas",
        "yes": "Oui",
        "no": "Non",
        "units": {"days": "jours", "EUR": "€"},
        "field_errors": {
            "not_a_number": "Indiquez un nombre, par exemple 12.",
            "not_finite": "Indiquez un nombre, par exemple 12.",
            "not_an_integer": "Indiquez un nombre entier.",
            "negative": "Indiquez un nombre positif ou zéro.",
        },
        "share": "Partager / reprendre plus tard",
        "clear": "Effacer mes réponses",
        "share_label": "Lien vers vos réponses",
        "copy": "Copier le lien",
        "copied": "Lien copié.",
        "copy_failed": "Copie impossible : sélectionnez le lien et copiez-le.",
        "share_note": (
            "Ce lien contient vos réponses, après le signe #, une partie de l'adresse que "
            "le navigateur n'envoie jamais au serveur. Gardez-le pour reprendre plus tard "
            "ou transmettez-le à qui vous voulez. L'adresse de cette page a aussi été mise "
            "à jour : vous pouvez l'ajouter à vos favoris."
        ),
        "cleared": "Vos réponses ont été effacées.",
        "result_title": "Votre résultat",
        "result_waiting": "Le résultat s'affichera ici dès que le moteur d'évaluation sera prêt.",
        "result_empty": "Répondez aux questions : votre résultat s'affichera ici.",
        "result_fix": "Corrigez la réponse signalée pour voir le résultat.",
        "verdicts": {
            "eligible": "Vous pouvez probablement bénéficier de l'aide.",
            "ineligible": "Vous ne remplissez pas toutes les conditions.",
            "undetermined": "Nous ne pouvons pas encore conclure.",
        },
        "verdict_hints": {
            "eligible": "D'après vos réponses, vous remplissez toutes les conditions.",
            "ineligible": "Les conditions non remplies sont marquées ✗ ci-dessous.",
            "undetermined": (
                "Répondez aux questions encore affichées pour avancer ; "
                "« Je ne sais pas » est toujours une réponse possible."
            ),
        },
        "amount": {
            "eligible": "Montant de l'aide : {amount}",
            "undetermined": "Montant si toutes les conditions sont remplies : {amount}",
        },
        "amount_or": " ou ",
        "amount_depends": "{amounts} selon vos réponses",  # unless the rules say (amount.pending)
        "criteria_title": "Les conditions, une par une",
        "status": {
            "met": "condition remplie :",
            "unmet": "condition non remplie :",
            "unknown": "condition encore inconnue :",
        },
        "marks": {"met": "✓", "unmet": "✗", "unknown": "?"},
        "moot": "Inutile d'y répondre : une autre condition n'est déjà pas remplie.",
        "sources": "Sources :",
        "confidence": "Fiabilité de cette lecture : {level}",
        "levels": {"high": "élevée", "medium": "moyenne", "low": "faible"},
        "estimate": (
            "Ce résultat est une estimation fondée sur notre lecture de la presse et de la "
            "lettre d'Audiens, pas une décision : seul Audiens instruit les demandes."
        ),
        "rules_line": "Règles version {version}, vérifiées le {checked_on}.",
        "next_title": "Que faire ensuite ?",
        "apply": "La demande se fait {channel}.",
        "apply_link": "Page du fonds sur audiens.org",
        "opened": "La plateforme a ouvert le {date}.",
        "unknown_intro": "Nos sources ne publient pas :",
        "unknown_items": {
            "documents": "la liste des pièces à fournir",
            "closing_date": "la date limite de dépôt",
            "payment_delay": "le délai de paiement",
            "contacts": "les contacts à qui s'adresser",
        },
        "unknown_outro": "Renseignez-vous auprès d'Audiens avant de déposer votre demande.",
        "other_title": "D'autres aides à regarder",
        "other_items": [
            "L'action sociale d'Audiens : Audiens, le groupe de protection sociale de la "
            "culture, a aussi ses propres aides sociales d'urgence.",
            "Pôle emploi (aujourd'hui France Travail) : pour vos droits à l'assurance "
            "chômage des intermittents.",
            "Le FUSSAT, un fonds ultérieur du ministère de la Culture, à partir de "
            'septembre 2020 : voir <a href="../contexte/">le contexte</a>.',
        ],
    },
    "en": {
        "loading": "Loading the evaluation engine… You can already answer the questions.",
        "slow": "Loading is taking longer than expected, please wait…",
        "noscript": (
            "This questionnaire needs JavaScript. You can check the conditions yourself "
            'with the <a href="../criteres/">list of criteria</a>.'
        ),
        "error_title": "The questionnaire cannot work in this browser.",
        "error_body": (
            "You can check the conditions yourself with the "
            '<a href="../criteres/">list of criteria</a>.'
        ),
        "error_reasons": {
            "timeout": "Loading took too long.",
            "nowasm": "This browser does not support WebAssembly.",
            "network": "A file it needs could not be downloaded.",
            "worker": "The evaluation engine stopped on an error.",
        },
        "form_title": "Your answers",
        "show_all": "Show all questions",
        "show_all_note": (
            "Questions that can no longer change your result are hidden as you answer."
        ),
        "dont_know": "I don't know",
        "yes": "Yes",
        "no": "No",
        "units": {"days": "days", "EUR": "€"},
        "field_errors": {
            "not_a_number": "Enter a number, for example 12.",
            "not_finite": "Enter a number, for example 12.",
            "not_an_integer": "Enter a whole number.",
            "negative": "Enter zero or a positive number.",
        },
        "share": "Share / continue later",
        "clear": "Clear my answers",
        "share_label": "Link to your answers",
        "copy": "Copy the link",
        "copied": "Link copied.",
        "copy_failed": "Cannot copy: select the link and copy it.",
        "share_note": (
            "This link holds your answers after the # sign, a part of the address that "
            "browsers never send to the server. Keep it to continue later or pass it on "
            "to anyone you like. This page's address was updated too: you can bookmark it."
        ),
        "cleared": "Your answers were cleared.",
        "result_title": "Your result",
        "result_waiting": "The result will show here as soon as the evaluation engine is ready.",
        "result_empty": "Answer the questions: your result will show here.",
        "result_fix": "Correct the answer marked above to see the result.",
        "verdicts": {
            "eligible": "You can probably get the aid.",
            "ineligible": "You do not meet all the conditions.",
            "undetermined": "We cannot conclude yet.",
        },
        "verdict_hints": {
            "eligible": "From your answers, you meet every condition.",
            "ineligible": "The conditions you do not meet are marked ✗ below.",
            "undetermined": (
                "Answer the questions still shown to go further; "
                "“I don't know” is always a possible answer."
            ),
        },
        "amount": {
            "eligible": "Amount of the aid: {amount}",
            "undetermined": "Amount if every condition is met: {amount}",
        },
        "amount_or": " or ",
        "amount_depends": "{amounts} depending on your answers",
        "criteria_title": "The conditions, one by one",
        "status": {
            "met": "condition met:",
            "unmet": "condition not met:",
            "unknown": "condition not known yet:",
        },
        "marks": {"met": "✓", "unmet": "✗", "unknown": "?"},
        "moot": "No need to answer it: another condition is already not met.",
        "sources": "Sources:",
        "confidence": "Reliability of this reading: {level}",
        "levels": {"high": "high", "medium": "medium", "low": "low"},
        "estimate": (
            "This result is an estimate based on our reading of the press and of Audiens' "
            "newsletter, not a decision: only Audiens processes the requests."
        ),
        "rules_line": "Rules version {version}, checked on {checked_on}.",
        "next_title": "What to do next",
        "apply": "You apply {channel}.",
        "apply_link": "The fund's page on audiens.org",
        "opened": "The platform opened on {date}.",
        "unknown_intro": "Our sources do not publish:",
        "unknown_items": {
            "documents": "the list of documents to provide",
            "closing_date": "the closing date",
            "payment_delay": "the payment delay",
            "contacts": "whom to contact",
        },
        "unknown_outro": "Ask Audiens before you apply.",
        "other_title": "Other aids to look at",
        "other_items": [
            "Audiens' social action: Audiens, the social-protection group of the cultural "
            "sector, also has its own emergency social aid.",
            "Pôle emploi (now France Travail): for your intermittent unemployment rights.",
            "FUSSAT, a later fund of the Ministry of Culture, from September 2020: see "
            '<a href="../contexte/">the context</a>.',
        ],
    },
}


# ---------------------------------------------------------------------------
# The files: rules bundle, engine wheel, Pyodide, web files

_cache: dict = {}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rules_bundle(ruleset: dict) -> tuple[str, bytes]:
    """(file name, bytes) of the rules compiled to JSON for the browser."""
    data = json.dumps(ruleset, ensure_ascii=False, separators=(",", ":")).encode()
    return f"rules-{ruleset['version']}-{_sha(data)[:8]}.json", data


def _wheel_sources() -> list[Path]:
    """What goes into the wheel: the ``selfcheck`` package's own modules (the
    pyproject lists ``packages = ["selfcheck"]``, so ``sitebuild`` stays out)."""
    return sorted(PACKAGE.glob("*.py"))


def _wheel_key() -> str:
    digest = hashlib.sha256()
    for path in [ROOT / "pyproject.toml", *_wheel_sources()]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def engine_wheel() -> tuple[str, str, bytes]:
    """(folder, file name, bytes) of the engine wheel, built once per process
    and cached on disk in build/ by a hash of its sources."""
    key = _wheel_key()
    if _cache.get("wheel_key") == key:
        return _cache["wheel"]
    cached = sorted((WHEEL_CACHE / key[:16]).glob("selfcheck-*-py3-none-any.whl"))
    path = cached[0] if cached else _build_wheel(WHEEL_CACHE / key[:16])
    wheel = (f"engine-{key[:8]}", path.name, path.read_bytes())
    _cache.update(wheel_key=key, wheel=wheel)
    return wheel


def _build_wheel(dest: Path) -> Path:
    """``pip wheel`` on a copy of the package (the source tree stays clean),
    moved into ``dest`` in one step (builds may run side by side)."""
    if importlib.util.find_spec("setuptools") is None:
        raise BuildError("setuptools is missing from the build environment: run `make setup`")
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmp-", dir=WHEEL_CACHE) as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        (src / "selfcheck").mkdir(parents=True)
        shutil.copy2(ROOT / "pyproject.toml", src)
        readme = ROOT / "README.md"
        if readme.exists():
            shutil.copy2(readme, src)
        else:
            (src / "README.md").write_text("selfcheck\n", encoding="utf-8")
        for path in _wheel_sources():
            shutil.copy2(path, src / "selfcheck")
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        command += ["--no-build-isolation", "--no-index", "-w", str(dist), str(src)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode:
            raise BuildError(f"pip wheel failed:\n{run.stdout}{run.stderr}")
        wheels = sorted(dist.glob("selfcheck-*-py3-none-any.whl"))
        if not wheels:
            raise BuildError("pip wheel wrote no selfcheck-*-py3-none-any.whl")
        dest.mkdir(parents=True, exist_ok=True)
        os.replace(wheels[0], dest / wheels[0].name)
    return dest / wheels[0].name


def pyodide_version() -> str:
    """The installed Pyodide version; it must be the one package.json pins."""
    try:
        installed = json.loads((PYODIDE_DIR / "package.json").read_text(encoding="utf-8"))
    except OSError:
        raise BuildError(
            f"Pyodide is not installed in {PYODIDE_DIR}: run `npm ci` (or `make setup`)"
        ) from None
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    wanted = pinned.get("dependencies", {}).get("pyodide")
    if installed["version"] != wanted:
        raise BuildError(
            f"node_modules has Pyodide {installed['version']} but package.json pins "
            f"{wanted}: run `npm ci`"
        )
    missing = [f for f in PYODIDE_BOOT_FILES if not (PYODIDE_DIR / f).is_file()]
    if missing:
        raise BuildError(f"Pyodide files missing from {PYODIDE_DIR}: {', '.join(missing)}")
    return installed["version"]


def _lock_stub() -> bytes:
    """Pyodide's lock file reduced to its ``info`` (checked against the runtime's
    ABI): the widget loads no package from the lock, so none is listed."""
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")).encode()


def _web_version() -> str:
    digest = hashlib.sha256()
    for name in WEB_FILES:
        digest.update((WEB / name).read_bytes())
    return digest.hexdigest()[:8]


def manifest(ruleset: dict) -> dict:
    """Where every widget file goes, relative to ``assets/selfcheck/``."""
    rules_name, _ = rules_bundle(ruleset)
    wheel_dir, wheel_name, _ = engine_wheel()
    return {
        "rules": rules_name,
        "wheel": f"{wheel_dir}/{wheel_name}",
        "pyodide": f"pyodide-{pyodide_version()}/",
        "web": _web_version(),
    }


def engine_query(ruleset: dict) -> str:
    """The query string naming the engine's files, relative to assets/selfcheck/:
    ``boot.js`` hands it on to ``worker.js``, which boots from it at once."""
    files = manifest(ruleset)
    params = {k: files[k] for k in ("web", "pyodide", "wheel", "rules")}
    return "?" + urllib.parse.urlencode({"v" if k == "web" else k: v for k, v in params.items()})


def head_meta(ruleset: dict, lang: str) -> dict:
    """What the self-check page adds to its <head> (theme main.html): boot.js,
    which starts the engine's worker before the body is even parsed (and
    holds back Material's search index while the engine boots)."""
    prefix = assets_prefix(lang) + ASSETS + "/"
    return {"boot": f"{prefix}boot.js{engine_query(ruleset)}"}


# ---------------------------------------------------------------------------
# HTML


_FR_SPACE_BEFORE = re.compile(r"[ \t]+([:;?!»])")
_FR_SPACE_AFTER = re.compile(r"«[ \t]+")


def typeset(value, lang: str):
    """French punctuation keeps its space unbreakable (``« … »``, `` :``, `` ?``…),
    so that no line starts with a lone sign. Strings, lists and dicts of them."""
    if lang != "fr":
        return value
    if isinstance(value, dict):
        return {k: typeset(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [typeset(v, lang) for v in value]
    text = _FR_SPACE_BEFORE.sub("\u00a0\\1", value)
    return _FR_SPACE_AFTER.sub("«\u00a0", text)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _attrs(**values) -> str:
    return " ".join(f'{k.rstrip("_").replace("_", "-")}="{_e(v)}"' for k, v in values.items())


def assets_prefix(lang: str, default_lang: str = "fr") -> str:
    """Relative path from the self-check page to the site root.

    The page is ``<lang>/autodiagnostic.md`` built with directory URLs: the
    default language is at ``/autodiagnostic/``, the others at
    ``/<lang>/autodiagnostic/``. ``write_assets`` checks the result.
    """
    return "../" if lang == default_lang else "../../"


def _question_html(ruleset: dict, question: dict, words: dict, lang: str) -> str:
    key, kind = question["id"], question["type"]
    qid = f"selfcheck-{key}"
    help_id = f"{qid}-help"
    error_id = f"{qid}-error"

    def text(field: str) -> str:
        return _e(typeset(render_text(ruleset, question[field], lang), lang))

    label = text("label")
    help_html = (
        f'<p class="selfcheck-help" id="{help_id}">{text("help")}</p>' if "help" in question else ""
    )
    described = f"{help_id} {error_id}" if help_html else error_id
    error_html = f'<p class="selfcheck-field-error" id="{error_id}" hidden></p>'
    if kind in ("choice", "boolean"):
        if kind == "boolean":
            options = [("oui", words["yes"]), ("non", words["no"])]
        else:
            options = [(o["value"], typeset(o["label"][lang], lang)) for o in question["options"]]
        options.append(("", words["dont_know"]))
        items = "".join(
            f'<label class="selfcheck-option"><input type="radio" name="{key}" '
            f'value="{_e(value)}"> <span>{_e(text)}</span></label>'
            for value, text in options
        )
        return (
            f'<fieldset class="selfcheck-question" data-question="{key}" data-type="{kind}" '
            f'id="{qid}" aria-describedby="{described}">'
            f'<legend class="selfcheck-label">{label}</legend>{help_html}'
            f'<div class="selfcheck-options">{items}</div>{error_html}</fieldset>'
        )
    mode = "numeric" if kind == "integer" else "decimal"
    unit = words["units"].get(question.get("unit"), "")
    unit_html = f' <span class="selfcheck-unit">{_e(unit)}</span>' if unit else ""
    return (
        f'<div class="selfcheck-question" data-question="{key}" data-type="{kind}" '
        f'role="group" aria-labelledby="{qid}-label">'
        f'<label class="selfcheck-label" id="{qid}-label" for="{qid}-input">{label}</label>'
        f"{help_html}"
        f'<div class="selfcheck-number"><input type="text" id="{qid}-input" name="{key}" '
        f'inputmode="{mode}" autocomplete="off" spellcheck="false" '
        f'aria-describedby="{described}">{unit_html}</div>'
        f'<label class="selfcheck-option selfcheck-unknown"><input type="checkbox" '
        f'data-unknown-for="{key}"> <span>{_e(words["dont_know"])}</span></label>'
        f"{error_html}</div>"
    )


def _next_steps_html(ruleset: dict, words: dict, lang: str) -> str:
    application = ruleset.get("application", {})
    parts = [f'<h3 class="selfcheck-h3">{_e(words["next_title"])}</h3>']
    if "channel" in application:
        parts.append(f"<p>{_e(words['apply'].format(channel=application['channel'][lang]))}</p>")
    if "url" in application:
        parts.append(
            f'<p><a href="{_e(application["url"])}" rel="noopener noreferrer">'
            f"{_e(words['apply_link'])}</a></p>"
        )
    opened = ruleset.get("dates", {}).get("applications_open_on")
    if opened:
        parts.append(f"<p>{_e(words['opened'].format(date=format_date(opened, lang)))}</p>")
    unknown = [
        words["unknown_items"][k]
        for k in application.get("unknown", ())
        if k in words["unknown_items"]
    ]
    if unknown:
        items = "".join(f"<li>{_e(u)}</li>" for u in unknown)
        parts.append(
            f"<p>{_e(words['unknown_intro'])}</p><ul>{items}</ul>"
            f"<p>{_e(words['unknown_outro'])}</p>"
        )
    return (
        '<div class="selfcheck-next" data-show-for="eligible undetermined" hidden>'
        + "".join(parts)
        + "</div>"
    )


def _other_aids_html(words: dict) -> str:
    items = "".join(f"<li>{item}</li>" for item in words["other_items"])  # trusted markup
    return (
        '<div class="selfcheck-next" data-show-for="ineligible" hidden>'
        f'<h3 class="selfcheck-h3">{_e(words["other_title"])}</h3><ul>{items}</ul></div>'
    )


def render(ruleset: dict, lang: str) -> str:
    """The widget's HTML for one language (one line: safe inside Markdown)."""
    words = WORDS[lang]
    if "pending" in ruleset["amount"]:  # "500 € ou 900 € selon vos ressources"
        words = {**words, "amount_depends": "{amounts} " + ruleset["amount"]["pending"][lang]}
    words = typeset(words, lang)
    files = manifest(ruleset)
    prefix = assets_prefix(lang) + ASSETS + "/"
    questions = "".join(_question_html(ruleset, q, words, lang) for q in ruleset["questions"])
    root = _attrs(
        id="selfcheck",
        class_="selfcheck",
        data_selfcheck_root="",
        data_state="loading",
        data_lang=lang,
        data_worker=f"worker.js{engine_query(ruleset)}",
        data_rules=files["rules"],
        data_wheel=files["wheel"],
        data_pyodide=files["pyodide"],
        data_timeout=BOOT_TIMEOUT_MS,
        data_slow=SLOW_NOTICE_MS,
        data_slow_text=words["slow"],
    )
    reasons = "".join(
        f'<p class="selfcheck-error-reason" data-reason="{k}" hidden>{_e(v)}</p>'
        for k, v in words["error_reasons"].items()
    )
    status_words = _attrs(
        data_met=words["status"]["met"],
        data_unmet=words["status"]["unmet"],
        data_unknown=words["status"]["unknown"],
        data_mark_met=words["marks"]["met"],
        data_mark_unmet=words["marks"]["unmet"],
        data_mark_unknown=words["marks"]["unknown"],
        data_moot=words["moot"],
        data_sources=words["sources"],
        data_confidence=words["confidence"],
        data_level_high=words["levels"]["high"],
        data_level_medium=words["levels"]["medium"],
        data_level_low=words["levels"]["low"],
    )
    verdict_words = _attrs(
        data_eligible=words["verdicts"]["eligible"],
        data_ineligible=words["verdicts"]["ineligible"],
        data_undetermined=words["verdicts"]["undetermined"],
    )
    hint_words = _attrs(
        data_eligible=words["verdict_hints"]["eligible"],
        data_ineligible=words["verdict_hints"]["ineligible"],
        data_undetermined=words["verdict_hints"]["undetermined"],
    )
    amount_words = _attrs(
        data_eligible=words["amount"]["eligible"],
        data_undetermined=words["amount"]["undetermined"],
        data_or=words["amount_or"],
        data_depends=words["amount_depends"],
    )
    field_errors = _attrs(**{f"data_{k}": v for k, v in words["field_errors"].items()})
    parts = [
        f"<div {root}>",
        f'<link rel="stylesheet" href="{prefix}widget.css?v={files["web"]}">',
        f'<noscript><p class="selfcheck-noscript">{words["noscript"]}</p></noscript>',
        f'<p class="selfcheck-status" id="selfcheck-status" role="status">'
        f'<span class="selfcheck-status-text">{_e(words["loading"])}</span></p>',
        '<div class="selfcheck-error" id="selfcheck-error" role="alert" hidden>',
        f'<p class="selfcheck-error-title"><strong>{_e(words["error_title"])}</strong></p>',
        f"{reasons}<p>{words['error_body']}</p></div>",
        f'<form class="selfcheck-form" id="selfcheck-form" method="dialog" novalidate '
        f'aria-labelledby="selfcheck-form-title" {field_errors}>',
        f'<h2 class="selfcheck-h2" id="selfcheck-form-title">{_e(words["form_title"])}</h2>',
        '<div class="selfcheck-view">',
        '<button type="button" class="selfcheck-toggle" data-action="show-all" '
        'aria-pressed="false" aria-describedby="selfcheck-show-all-note">'
        f'<span class="selfcheck-toggle-box" aria-hidden="true"></span>{_e(words["show_all"])}'
        "</button>",
        f'<p class="selfcheck-help" id="selfcheck-show-all-note">{_e(words["show_all_note"])}</p>',
        "</div>",
        questions,
        '<div class="selfcheck-actions">',
        *(
            f'<button type="button" class="selfcheck-button" data-action="{action}">'
            f"{_e(words[action])}</button>"
            for action in ("share", "clear")
        ),
        "</div>",
        '<div class="selfcheck-share" id="selfcheck-share" hidden>',
        f'<label for="selfcheck-share-url">{_e(words["share_label"])}</label>',
        '<div class="selfcheck-share-row">',
        '<input type="text" id="selfcheck-share-url" readonly '
        'aria-describedby="selfcheck-share-note">',
        f'<button type="button" class="selfcheck-button" data-action="copy" '
        f'data-copied="{_e(words["copied"])}" data-failed="{_e(words["copy_failed"])}">'
        f"{_e(words['copy'])}</button></div>",
        f'<p class="selfcheck-help" id="selfcheck-share-note">{_e(words["share_note"])}</p>',
        "</div>",
        "</form>",
        '<section class="selfcheck-result" id="selfcheck-result" data-verdict="" '
        'data-amount="" aria-labelledby="selfcheck-result-title">',
        f'<h2 class="selfcheck-h2" id="selfcheck-result-title">{_e(words["result_title"])}</h2>',
        f'<p class="selfcheck-waiting" data-empty="{_e(words["result_empty"])}" '
        f'data-fix="{_e(words["result_fix"])}">{_e(words["result_waiting"])}</p>',
        '<div class="selfcheck-outcome" hidden>',
        f'<p class="selfcheck-verdict" {verdict_words}></p>',
        f'<p class="selfcheck-hint" {hint_words}></p>',
        f'<p class="selfcheck-amount" {amount_words}></p>',
        f'<h3 class="selfcheck-h3">{_e(words["criteria_title"])}</h3>',
        f'<ul class="selfcheck-criteria" {status_words}></ul>',
        _next_steps_html(ruleset, words, lang),
        _other_aids_html(words),
        f'<p class="selfcheck-estimate">{_e(words["estimate"])}</p>',
        f'<p class="selfcheck-rules" data-template="{_e(words["rules_line"])}"></p>',
        "</div>",
        "</section>",
        f'<p class="selfcheck-announce visually-hidden" id="selfcheck-announce" '
        f'role="status" data-cleared="{_e(words["cleared"])}"></p>',
        # async: runs as soon as it arrives (the widget's HTML is all above it)
        # instead of after Material's scripts, so the engine starts booting sooner.
        f'<script type="module" async src="{prefix}widget.js"></script>',
        "</div>",
    ]
    # blank lines around: Markdown keeps the block as raw HTML
    return "\n\n" + "".join(parts) + "\n\n"


# ---------------------------------------------------------------------------
# Writing the files into the site, and checking the pages


def _write(path: Path, data: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy(source: Path, target: Path) -> None:
    old, new = (target.stat() if target.is_file() else None), source.stat()
    if old and (old.st_size, old.st_mtime_ns) == (new.st_size, new.st_mtime_ns):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def write_assets(ruleset: dict, site_dir) -> None:
    """Write the widget's files into ``<site_dir>/assets/selfcheck/`` (no-op when
    they are already there) and check the pages built so far."""
    site = Path(site_dir)
    out = site / ASSETS
    files = manifest(ruleset)
    rules_name, rules_data = rules_bundle(ruleset)
    wheel_dir, wheel_name, wheel_data = engine_wheel()
    _write(out / rules_name, rules_data)
    _write(out / wheel_dir / wheel_name, wheel_data)
    pyodide = out / files["pyodide"]
    for name in PYODIDE_BOOT_FILES:
        _copy(PYODIDE_DIR / name, pyodide / name)
    _write(pyodide / "pyodide-lock.json", _lock_stub())
    for name in WEB_FILES:
        _copy(WEB / name, out / name)
    check_pages(site)


_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_WIDGET_JS = re.compile(r'<script type="module" async src="([^"]*widget\.js)"')


def check_pages(site: Path) -> None:
    """Every page: no inline script; every widget page: its files exist."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        where = page.relative_to(site).as_posix()
        for match in _SCRIPT.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                problems.append(f"{where}: inline <script{attrs}> (the CSP forbids it)")
        if "data-selfcheck-root" not in text:
            continue
        found = _WIDGET_JS.search(text)
        script = (page.parent / found.group(1)).resolve() if found else None
        if script is None or not script.is_file():
            problems.append(f"{where}: the widget's script does not resolve to a file")
            continue
        folder = script.parent
        for attr in ("data-rules", "data-wheel", "data-pyodide"):
            value = re.search(rf'{attr}="([^"]*)"', text)
            if value is None or not (folder / html.unescape(value.group(1))).exists():
                problems.append(f"{where}: {attr} does not name a file of the build")
    if problems:
        raise BuildError("\n".join(problems))
