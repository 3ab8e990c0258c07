"""The built site, without a browser: pages, languages, criteria, origins.

Reads the site ``make test`` builds before pytest (``$SELFCHECK_SITE_DIR`` or
``<repo>/site``); the tests that need another rules file build their own copy of
the site in a temporary folder.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load as mkdocs_yaml_load
from support.paths import REPO, site_dir

from selfcheck import loader, words
from selfcheck.formatting import format_date, format_number, render_text
from selfcheck.phrasing import comparison_nodes
from sitebuild.pages import format_parameter

DOCS = REPO / "docs"
_RULES = loader.load(loader.default_rules())
LANGS = tuple(_RULES["languages"])
RULES_ID = _RULES["id"]
DEFAULT_LANG = LANGS[0]  # at the site's root; the others under /<lang>/


def lang_root(site: Path, lang: str) -> Path:
    return site if lang == DEFAULT_LANG else site / lang


CRITERIA_SLUG = "criteres"
BUILD_TIMEOUT = 180

# Schemes that never fetch anything over the network.
NON_NETWORK_SCHEMES = {"data", "blob", "mailto", "tel", "javascript", "about"}
# Attributes a browser fetches (or navigates a frame/form to) by itself.
FETCHED_ATTRIBUTES = {
    "src",
    "href",
    "srcset",
    "imagesrcset",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "manifest",
    "xlink:href",
}
# Tags whose href the reader clicks: allowed to leave the site.
CLICKED_TAGS = {"a", "area"}
# XML namespace names are identifiers, never fetched.
NAMESPACES = ("http://www.w3.org/",)
# URLs in Material's own JavaScript bundle, and when Material would fetch them.
MATERIAL_CONDITIONAL_URLS = {
    "https://unpkg.com/mermaid@": "only for pages with a mermaid diagram",
    "https://unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver",
    "https://api.github.com/": "only when mkdocs.yml sets repo_url",
    "https://${e}/api/v4/projects/": "only when mkdocs.yml sets repo_url (GitLab)",
}

ABSOLUTE_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_EXTERNAL = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:|wss?:)?//[^'")\s]+)""", re.IGNORECASE
)
# A string literal starting with a URL: a dotted host name, or a host from a template.
JS_EXTERNAL = re.compile(
    r"""["'`]((?:(?:https?:|wss?:)?//(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"""
    r"""|(?:https?:|wss?:)//\$\{)[^"'`\s]*)"""
)


# ---------------------------------------------------------------------------
# The built site and its pages


@pytest.fixture(scope="module")
def site() -> Path:
    site = site_dir()
    if not (site / "index.html").exists():
        pytest.fail(
            f"no built site in {site}: run `make build` (mkdocs build --strict) first, "
            "or set SELFCHECK_SITE_DIR to a built site",
            pytrace=False,
        )
    return site


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of the site but the theme's and the widget's asset files."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "assets")


def page_slugs(site: Path, lang: str) -> set[str]:
    """Slugs of the reader-facing pages of one language ('' is the home page)."""
    root = lang_root(site, lang)
    slugs = set()
    for index in root.rglob("index.html"):
        parts = index.relative_to(root).parts[:-1]
        other = lang == DEFAULT_LANG and parts[:1] and parts[0] in LANGS
        if parts[:1] in (("assets",), ("search",)) or other:
            continue
        slugs.add("/".join(parts))
    return slugs


def page_lang(site: Path, page: Path) -> str:
    first = page.relative_to(site).parts[0]
    return first if first in LANGS else DEFAULT_LANG


class Page(HTMLParser):
    """What the tests read from one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.h1 = 0
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []  # <style> blocks and style="" attributes
        self.scripts: list[str] = []  # inline <script> bodies
        self.article_text: list[str] = []
        self.rows: list[list[str]] = []  # table rows inside the article, cell texts
        self._in = {"title": False, "style": False, "script": False, "article": False}
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag in ("title", "style", "article"):
            self._in[tag] = True
        elif tag == "script" and not attributes.get("src"):
            self._in["script"] = True
        elif self._in["article"] and tag == "tr":
            self.rows.append([])
        elif self._in["article"] and tag in ("td", "th") and self.rows:
            self._cell = []
            self.rows[-1].append("")
        if "style" in attributes:
            self.styles.append(attributes["style"])

    def handle_endtag(self, tag):
        if tag in self._in:
            self._in[tag] = False
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][-1] = normalise("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._in["title"]:
            self.title += data
        if self._in["style"]:
            self.styles.append(data)
        if self._in["script"]:
            self.scripts.append(data)
        if self._in["article"]:
            self.article_text.append(data)
            if self._cell is not None:
                self._cell.append(data)

    @property
    def text(self) -> str:
        """The article's text, ASCII whitespace runs collapsed (no-break spaces kept)."""
        return normalise("".join(self.article_text))


def normalise(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text).strip()


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def criteria_page(site: Path, lang: str) -> Page:
    return read_page(lang_root(site, lang) / CRITERIA_SLUG / "index.html")


def current_rules() -> dict:
    return loader.load(loader.default_rules())


# ---------------------------------------------------------------------------
# Languages and page structure


def test_every_page_exists_in_every_language(site):
    first = page_slugs(site, DEFAULT_LANG)
    assert first, f"no page of {DEFAULT_LANG} found in {site}"
    sources = {
        lang: {p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md")} for lang in LANGS
    }
    for lang in LANGS[1:]:
        other = page_slugs(site, lang)
        assert first - other == set(), f"pages without a {lang} version: {sorted(first - other)}"
        assert other - first == set(), f"{lang} pages with no {DEFAULT_LANG} one: {other - first}"
        only_first = sorted(map(str, sources[DEFAULT_LANG] - sources[lang]))
        only_other = sorted(map(str, sources[lang] - sources[DEFAULT_LANG]))
        assert sources[lang] == sources[DEFAULT_LANG], (
            f"docs/{DEFAULT_LANG} and docs/{lang} differ: only {DEFAULT_LANG} {only_first}, "
            f"only {lang} {only_other}"
        )


def nav_files(items) -> list[str]:
    """The Markdown files named in mkdocs.yml's nav, in order."""
    files = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        files += nav_files(value) if isinstance(value, list) else [value]
    return files


def test_every_page_of_the_nav_is_built_in_both_languages(site):
    with open(REPO / "mkdocs.yml", encoding="utf-8") as file:
        config = mkdocs_yaml_load(file)  # MkDocs' own loader: it knows !ENV
    missing = []
    for name in nav_files(config["nav"]):
        slug = "" if name == "index.md" else name.removesuffix(".md") + "/"
        for prefix in ("", "en/"):
            if not (site / prefix / slug / "index.html").exists():
                missing.append(f"{prefix}{slug}index.html (from {name})")
    assert not missing, f"pages of the nav not built: {missing}"


def test_every_page_has_one_h1_a_title_and_its_language(site):
    problems = []
    pages = html_pages(site)
    assert pages, f"no HTML page in {site}"
    for path in pages:
        page, where = read_page(path), path.relative_to(site)
        if page.h1 != 1:
            problems.append(f"{where}: {page.h1} <h1> elements (expected exactly one)")
        if not page.title.strip():
            problems.append(f"{where}: empty or missing <title>")
        if page.lang != page_lang(site, path):
            problems.append(
                f"{where}: <html lang={page.lang!r}> (expected {page_lang(site, path)!r})"
            )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# The criteria page comes from the rules file


def assert_criteria_page_shows(page: Page, ruleset: dict, lang: str) -> None:
    text, problems = page.text, []
    for criterion in ruleset["criteria"]:
        title = render_text(ruleset, criterion["title"], lang)
        if title not in text:
            problems.append(f"criterion title missing: {title!r}")
    rows = {row[0]: row[1:] for row in page.rows if row}
    for name, param in ruleset["parameters"].items():
        label = render_text(ruleset, param["label"], lang)
        value = format_parameter(ruleset, name, lang)
        if value not in text:
            problems.append(f"parameter {name}: value {value!r} not on the page")
        if label not in rows:
            problems.append(f"parameter {name}: no table row labelled {label!r}")
        elif not rows[label] or rows[label][0] != value:
            problems.append(
                f"parameter {name}: row {label!r} shows {rows[label][:1]}, not {value!r}"
            )
    assert not problems, f"criteria page ({lang}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_criteria_page_holds_every_criterion_and_value_of_the_rules(site, lang):
    assert_criteria_page_shows(criteria_page(site, lang), current_rules(), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_criteria_page_says_when_and_against_what_the_rules_were_checked(site, lang):
    """The "checked on" line names what the rules were checked
    against, like the result's last line; no placeholder is left unfilled."""
    ruleset = current_rules()
    text = criteria_page(site, lang).text
    against = normalise(render_text(ruleset, ruleset["checked_against"], lang))
    assert against in text, f"criteria page ({lang}): {against!r} missing"
    leftover = re.search(r"\{[a-z_]+\}", text)
    assert not leftover, f"criteria page ({lang}): placeholder {leftover.group(0)!r} not filled"


@pytest.mark.parametrize("lang", LANGS)
def test_the_criteria_page_says_each_condition_in_plain_words(site, lang):
    """A comparison the rules word themselves (``says``) reads in
    those words, not « la réponse à « … ? » est non »; one that rests on its own
    sources and confidence (the 2019 branch: one source, low) says so."""
    ruleset = current_rules()
    text = criteria_page(site, lang).text
    problems = []
    for node in comparison_nodes(ruleset):
        if "says" not in node:
            continue
        says = normalise(render_text(ruleset, node["says"], lang))
        if says not in text:
            problems.append(f"{says!r} missing")
        elif "confidence" in node:
            line = text[text.index(says) + len(says) :].split(")", 1)[0]
            if words.text(lang, f"levels.{node['confidence']}") not in line:
                problems.append(f"{says!r}: its own confidence is not on its line")
    plain = all("says" in node for node in comparison_nodes(ruleset))
    if plain and words.text(lang, "pages.answer") + " " in text:
        problems.append("a generated « la réponse à … » line is still there")
    assert not problems, f"criteria page ({lang}):\n  " + "\n  ".join(problems)


def build_site(rules_file: Path, destination: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SELFCHECK_RULES": str(rules_file), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["-f", str(REPO / "mkdocs.yml"), "-d", str(destination)]
    return subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} exactly once in the rules file"
    return text.replace(old, new)


GROUP = "[.,\u00a0\u202f ]"  # what separates digit groups or decimals


def standalone(number_text: str) -> re.Pattern:
    """A number not glued to other digits or digit groups ('12', not '2012' or '1 12')."""
    return re.compile(rf"(?<!\d)(?<!\d{GROUP}){re.escape(number_text)}(?!\d)(?!{GROUP}\d)")


def test_criteria_page_follows_a_change_of_the_rules_file(tmp_path):
    original_text = loader.default_rules().read_text(encoding="utf-8")
    changed_text = replace_once(
        original_text, "  jours_minimum:\n    value: 12\n", "  jours_minimum:\n    value: 10\n"
    )
    changed_text = replace_once(changed_text, "    value: 15000\n", "    value: 16000\n")
    copy = tmp_path / "rules.yaml"
    copy.write_text(changed_text, encoding="utf-8")

    result = build_site(copy, tmp_path / "site")
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"

    original, changed = loader.load(loader.default_rules()), loader.load(copy)
    for lang in LANGS:
        page = criteria_page(tmp_path / "site", lang)
        assert_criteria_page_shows(page, changed, lang)
        # The worked examples quote the test cases' answers (12 days among
        # them), not the threshold: left out of this check.
        text = re.sub(re.escape(words.text(lang, "pages.examples")) + "[^¶]*", "", page.text)
        # The sources' passages are verbatim (« au moins 12 jours »): a changed
        # threshold leaves what a source printed as it was.
        for said in sorted((q["text"] for q in changed["quotes"]), key=len, reverse=True):
            text = text.replace(normalise(words.typeset(said, lang)), "")
        for name in ("jours_minimum", "plafond_ressources"):
            old = format_parameter(original, name, lang)
            new = format_parameter(changed, name, lang)
            assert new in text, f"{lang}: new {name} {new!r} missing from the criteria page"
            assert old not in text, f"{lang}: old {name} {old!r} still on the criteria page"
        # No leftover of the old numbers at all, however written.
        for old_number in ("12", "15000", "15 000", "15\u00a0000", "15\u202f000", "15,000"):
            found = standalone(old_number).search(text)
            assert not found, (
                f"{lang}: {old_number!r} still on the criteria page: "
                f"…{text[max(found.start() - 60, 0) : found.end() + 60]}…"
            )
        old_title = render_text(original, original["criteria"][1]["title"], lang)
        assert old_title not in text, f"{lang}: the old criterion title is still there"


def test_an_invalid_rules_file_stops_the_build_with_the_loaders_message(tmp_path):
    original_text = loader.default_rules().read_text(encoding="utf-8")
    broken = replace_once(original_text, "      op: ge\n", "      op: gte\n")
    line = broken.splitlines().index("      op: gte") + 1
    copy = tmp_path / "rules.yaml"
    copy.write_text(broken, encoding="utf-8")

    result = build_site(copy, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed with an invalid rules file:\n{output}"
    expected = f"{copy}:{line}: criteria[1].condition.op: unknown operator 'gte'"
    assert expected in output, f"expected {expected!r} in the build output:\n{output}"
    assert "Traceback" not in output, f"the build printed a Python traceback:\n{output}"


# ---------------------------------------------------------------------------
# Nothing is fetched from another origin


def is_absolute(url: str) -> bool:
    if not ABSOLUTE_URL.match(url):
        return False
    return urlsplit(url.strip()).scheme.lower() not in NON_NETWORK_SCHEMES


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def html_problems(site: Path, path: Path) -> list[str]:
    page, where, problems = read_page(path), path.relative_to(site), []
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name == "ping" and value.strip():
                problems.append(f"{where}: <{tag} ping={value!r}>")
            if name not in FETCHED_ATTRIBUTES or (tag in CLICKED_TAGS and name == "href"):
                continue
            urls = srcset_urls(value) if name.endswith("srcset") else [value]
            problems += [f"{where}: <{tag} {name}={url!r}>" for url in urls if is_absolute(url)]
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            target = attributes.get("content", "").partition("url=")[2]
            if is_absolute(target):
                problems.append(f"{where}: <meta http-equiv=refresh> to {target!r}")
    for css in page.styles:
        problems += [f"{where}: CSS {m.group(1)!r}" for m in CSS_EXTERNAL.finditer(css)]
    for script in page.scripts:
        problems += [
            f"{where}: inline script {m.group(1)!r}"
            for m in JS_EXTERNAL.finditer(script)
            if not m.group(1).startswith(NAMESPACES)
        ]
    return problems


def is_pyodide(relative: Path) -> bool:
    """Pyodide's own files (assets/pyodide/, assets/selfcheck/pyodide-<version>/, …)."""
    return any(part.startswith("pyodide") for part in relative.parts[:-1])


def is_material(relative: Path) -> bool:
    return relative.parts[:2] == ("assets", "javascripts")


def test_nothing_in_the_site_points_to_another_origin(site):
    problems = []
    for path in html_pages(site):
        problems += html_problems(site, path)
    for path in sorted(site.rglob("*.css")):
        text, where = path.read_text(encoding="utf-8", errors="replace"), path.relative_to(site)
        problems += [f"{where}: CSS {m.group(1)!r}" for m in CSS_EXTERNAL.finditer(text)]
    for path in sorted([*site.rglob("*.js"), *site.rglob("*.mjs")]):
        relative = path.relative_to(site)
        if is_pyodide(relative):  # Pyodide's loader names its CDN as a default only
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in JS_EXTERNAL.finditer(text):
            url = match.group(1)
            if url.startswith(NAMESPACES):
                continue
            if is_material(relative) and url.startswith(tuple(MATERIAL_CONDITIONAL_URLS)):
                continue  # see test_materials_conditional_downloads_stay_off
            problems.append(f"{relative}: script string {url!r}")
    assert not problems, "references to another origin:\n  " + "\n  ".join(problems)


def test_materials_conditional_downloads_stay_off(site):
    """Material's bundle names CDN and API URLs it fetches only for features left off.

    (Its ResizeObserver polyfill from unpkg.com cannot be switched off: every current
    browser has ResizeObserver, so it is never fetched there.)
    """
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^repo_url\s*:", config, re.MULTILINE), (
        "repo_url makes Material query the GitHub/GitLab API from every reader's browser"
    )
    with_mermaid = [
        str(path.relative_to(site))
        for path in html_pages(site)
        if re.search(r'class="[^"]*\bmermaid\b', path.read_text(encoding="utf-8"))
    ]
    assert not with_mermaid, f"mermaid diagrams load mermaid from unpkg.com: {with_mermaid}"


# ---------------------------------------------------------------------------
# No threshold or amount typed by hand in the pages' sources

SEP = "[ \u00a0\u202f]"
NOT_GLUED = rf"(?<![\d.,])(?<!\d{SEP})"  # not the end of a bigger number ('1 500 €')
HAND_TYPED = {
    "15 000 (ceiling)": re.compile(rf"{NOT_GLUED}15(?:{SEP}|[,.])?000(?!\d)"),
    "500 € / 900 € (amounts)": re.compile(
        rf"{NOT_GLUED}(?:500|900){SEP}?€|€{SEP}?(?:500|900)(?!\d)(?![,.]\d)"
    ),
    "12 jours / 12 days (minimum)": re.compile(
        rf"{NOT_GLUED}12{SEP}+(?:jours|days)\b", re.IGNORECASE
    ),
}


def test_no_threshold_is_typed_by_hand_in_the_docs():
    problems = []
    for path in sorted(DOCS.rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in HAND_TYPED.items():
                for match in pattern.finditer(line):
                    problems.append(
                        f"{path.relative_to(REPO)}:{number}: {what} {match.group(0).strip()!r} — "
                        "use {{ param.… }}"
                    )
    assert not problems, "hand-typed values (they must come from the rules file):\n  " + (
        "\n  ".join(problems)
    )


# Links that are not sources of a fact: where to turn today, where to complain.
NOT_SOURCES = {"https://www.defenseurdesdroits.fr/", "https://www.audiens.org/"}
MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.mark.parametrize("lang", LANGS)
def test_every_external_link_is_listed_on_the_sources_page(lang):
    """Truth: a fact's source cited anywhere is also on the Sources page (the
    rule file's sources are generated there, the others written by hand)."""
    ruleset = loader.load(loader.default_rules())
    listed = set(MARKDOWN_LINK.findall((DOCS / lang / "sources.md").read_text(encoding="utf-8")))
    listed |= {s["url"] for s in ruleset["sources"]}
    allowed = listed | NOT_SOURCES | {ruleset["application"]["url"]}
    unlisted = [
        f"{page.name}: {url}"
        for page in sorted((DOCS / lang).glob("*.md"))
        if page.name != "sources.md"
        for url in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8"))
        if url not in allowed
    ]
    assert not unlisted, f"cited in docs/{lang} but not on sources.md:\n  " + "\n  ".join(unlisted)


# ---------------------------------------------------------------------------
# What the pages say: checked against the sources, claim by claim


def page_text(site: Path, lang: str, slug: str) -> str:
    """The article's text of one page ('' is the home page)."""
    root = lang_root(site, lang)
    return read_page(root / slug / "index.html").text


def page_html(site: Path, lang: str, slug: str) -> str:
    """The whole HTML of one page, the widget's texts included."""
    root = lang_root(site, lang)
    return (root / slug / "index.html").read_text(encoding="utf-8")


NB = "\u00a0"
# What the fund's pages must say and no longer say, each claim checked by hand
# against the sources: data beside the rules (rules/page-checks/<rules id>.yaml).
PAGE_CHECKS = yaml.safe_load(
    (REPO / "rules" / "page-checks" / f"{RULES_ID}.yaml").read_text(encoding="utf-8")
)
CHECKED = [
    (page["lang"], page["page"], page.get("says", []), page.get("no_longer", []))
    for claim in PAGE_CHECKS["claims"]
    for page in claim["pages"]
]


@pytest.mark.parametrize(
    ("lang", "slug", "present", "absent"),
    CHECKED,
    ids=[f"{row[0]}-{row[1]}-{i}" for i, row in enumerate(CHECKED)],
)
def test_pages_say_what_the_sources_say(site, lang, slug, present, absent):
    text = page_text(site, lang, slug)
    assert [p for p in present if p not in text] == [], f"{lang}/{slug}: missing"
    assert [a for a in absent if a in text] == [], f"{lang}/{slug}: still there"


CITED = [
    (row["source"], fact, cited)
    for row in PAGE_CHECKS["cited_for"]
    for cited, key in ((True, "says"), (False, "not"))
    for fact in row.get(key, [])
]


@pytest.mark.parametrize(("source", "fact", "cited"), CITED)
def test_the_sources_page_cites_each_source_for_what_it_states(source, fact, cited):
    """« Cité pour » lists what a source states, nothing more: a source is not
    credited with a fact it does not give."""
    from sitebuild.pages import citations

    said = " ; ".join(map(str, citations(current_rules(), "fr")[source]))
    assert (fact in said) is cited, (source, fact, said)


# Where an original was found, a copy on a staging host is not linked.
STAGING_HOSTS = ("platformsh.site",)


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_links_a_staging_copy(lang):
    found = [
        f"{page.name}: {url}"
        for page in sorted((DOCS / lang).glob("*.md"))
        for url in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8"))
        if urlsplit(url).hostname and urlsplit(url).hostname.endswith(STAGING_HOSTS)
    ]
    assert not found, "links to a staging copy:\n  " + "\n  ".join(found)


def _plain(markup: str) -> str:
    """Text of an HTML fragment, entities decoded, whitespace collapsed."""
    return normalise(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def test_every_page_opens_with_the_funds_status_and_when_it_was_checked(site):
    """Every page, in every language (404 pages included), shows
    the rules' status notice and the "checked on … against …" line, before
    the page's own content."""
    ruleset = current_rules()
    problems = []
    for path in html_pages(site):
        lang = page_lang(site, path)
        page = path.read_text(encoding="utf-8")
        start = page.find('class="fund-notice"')
        content = min(i for i in (page.find("<article"), page.find("<h1"), len(page)) if i >= 0)
        if start < 0 or start > content:
            problems.append(f"{path.relative_to(site)}: no fund notice before the content")
            continue
        notice = _plain(page[start : page.find("</div>", start)])
        wanted = [
            render_text(ruleset, ruleset["status"]["notice"], lang),
            format_date(ruleset["checked_on"], lang),
            normalise(render_text(ruleset, ruleset["checked_against"], lang)),
        ]
        problems += [f"{path.relative_to(site)}: {w!r} missing" for w in wanted if w not in notice]
    assert not problems, "\n  ".join(["pages without the fund's status:", *problems])


@pytest.mark.parametrize("site_url", ["https://example.org/fonds/", None])
def test_a_build_for_deployment_warns_when_the_publisher_is_not_named(
    monkeypatch, caplog, site_url
):
    """With SITE_URL (a deployment) and no publisher or host in
    extra.site, the build logs a warning naming the variables (so --strict
    stops); a local build does not."""
    from sitebuild import hooks

    if site_url:
        monkeypatch.setenv("SITE_URL", site_url)
    else:
        monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(hooks, "_state", {})

    config = SimpleNamespace(
        extra={"site": {"publisher": "", "repository": "https://example.org/code"}}
    )
    with caplog.at_level("WARNING", logger="mkdocs.hooks.sitebuild"):
        hooks.on_config(config)
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    if site_url:
        assert len(warned) == 1 and "SITE_PUBLISHER" in warned[0] and "SITE_HOST" in warned[0]
    else:
        assert not warned


# A closed fund of 2020: nothing may invite a reader to apply now.
APPLYING_NOW = PAGE_CHECKS["applying_now"]


def test_no_page_speaks_of_applying_now(site):
    """Every page, the widget's texts included, and the rules bundle the widget reads."""
    files = [*html_pages(site), *sorted((site / "assets").rglob("rules-*.json"))]
    assert len(files) > len(LANGS), "no page found"
    found = [
        f"{path.relative_to(site)}: {phrase!r}"
        for path in files
        for phrase in APPLYING_NOW
        if phrase in path.read_text(encoding="utf-8")
    ]
    assert not found, "pages that speak of applying now:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_asks_about_april_2020(site, lang):
    button = {
        "fr": "Aurais-je rempli les conditions en avril 2020",
        "en": "Would I have qualified in April 2020?",
    }
    assert button[lang] in page_text(site, lang, "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_accessibility_statement_says_the_audits_status(site, lang):
    """The status and rate of the RGAA audit's grid (RGAA's rule), as built."""
    from sitebuild import audit

    summed = audit.summary(audit.load())
    text = page_text(site, lang, "accessibilite")
    status = words.text(lang, f"audit.status.{summed['status']}")
    rate = format_number(round(summed["rate"] * 100, 2), lang, decimals=2)
    conformity = words.text(lang, "audit.conformity")
    says = f"{conformity} {status} {words.text(lang, 'audit.to_rgaa', version='4.1')}"
    plain = text.replace(NB, " ")
    assert says.replace(NB, " ") in plain
    assert words.text(lang, "audit.percent", number=rate).replace(NB, " ") in plain
    assert "Défenseur des droits" in text
    assert "axe-core" in text and "320" in text
    # What runs where, as the tests do it.
    assert "WebKitGTK" in text and "Firefox" in text


@pytest.mark.parametrize(
    ("lang", "notice", "unknown", "placeholder"),
    [
        ("fr", "Site de démonstration", "non renseigné", "À compléter"),
        ("en", "Demonstration site", "not provided", "To be completed"),
    ],
)
def test_the_legal_page_says_what_is_not_provided(site, lang, notice, unknown, placeholder):
    text = page_text(site, lang, "mentions-legales")
    assert notice in text
    assert unknown in text
    assert placeholder not in text


def test_every_source_of_the_rules_supports_something():
    """A source no rule and no page cites goes: it would list a source for nothing."""
    ruleset = current_rules()
    cited: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("sources", "combinable_sources") and isinstance(value, list):
                    cited.update(v for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in ruleset.items() if k != "sources"})
    pages = "".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))
    cited.update(re.findall(r"\{\{ source\.([a-z0-9_-]+) \}\}", pages))
    unused = [s["id"] for s in ruleset["sources"] if s["id"] not in cited]
    assert not unused, f"sources that support nothing on the site: {unused}"


FRENCH_SPACING = re.compile(r"[ \t][:;?!»]|«[ \t]")


def test_french_pages_have_no_break_spaces_around_punctuation():
    """In docs/fr, a no-break space (U+00A0) before « : ; ? ! » and inside « »: no
    line on a phone starts with a colon. (Generated texts get theirs from the
    formatter.)"""
    paths = [*sorted((DOCS / "fr").glob("*.md")), DOCS / "includes" / "abbreviations.fr.md"]
    found = [
        f"{path.relative_to(REPO)}:{number}: …{line[max(m.start() - 20, 0) : m.end() + 20]}…"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in FRENCH_SPACING.finditer(line)
    ]
    assert not found, "ordinary spaces around French punctuation:\n  " + "\n  ".join(found)


# ---------------------------------------------------------------------------
# The plain-words page, and the answers kept in the tab

PLAIN_WORDS = "mots-simples"
PLAIN_WORDS_NAV = {"fr": "En mots simples", "en": "In plain words"}
# Not labelled FALC / easy-to-read: the label needs validation by readers
# with intellectual disabilities, which the page has not had.
NOT_LABELLED = {
    "fr": (f"ne porte pas le nom «{NB}FALC{NB}»", "handicap intellectuel"),
    "en": ("this page is not called “easy-to-read”", "intellectual disability"),
}


class Links(HTMLParser):
    """Every <a href> of a page: (href, text, inside the article?, classes)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, bool]] = []
        self.article_classes: list[str] = []
        self._article = False
        self._link: list | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "article":
            self._article = True
        elif self._article:
            self.article_classes += attributes.get("class", "").split()
        if tag == "a" and "href" in attributes:
            self._link = [attributes["href"], "", self._article]

    def handle_endtag(self, tag):
        if tag == "article":
            self._article = False
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], normalise(self._link[1]), self._link[2]))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data


def links_to(links: Links, slug: str, *, article: bool) -> list[tuple[str, str, bool]]:
    """The links to one page ('…/slug/', '…/slug/#part'), in or out of the article."""
    return [
        link
        for link in links.links
        if link[2] == article and urlsplit(link[0]).path.rstrip("/").endswith(slug)
    ]


def test_the_plain_words_page_is_in_the_nav_after_the_home_page():
    with open(REPO / "mkdocs.yml", encoding="utf-8") as file:
        config = mkdocs_yaml_load(file)
    assert nav_files(config["nav"])[:2] == ["index.md", f"{PLAIN_WORDS}.md"]
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    for language in i18n["languages"]:
        if language["locale"] != DEFAULT_LANG:
            default, translated = PLAIN_WORDS_NAV[DEFAULT_LANG], PLAIN_WORDS_NAV[language["locale"]]
            assert language["nav_translations"][default] == translated


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_words_page_is_built_and_named_in_the_nav(site, lang):
    root = lang_root(site, lang)
    assert (root / PLAIN_WORDS / "index.html").exists(), f"{lang}: no plain-words page"
    links = Links(page_html(site, lang, ""))
    in_nav = [text for _, text, _ in links_to(links, PLAIN_WORDS, article=False)]
    assert PLAIN_WORDS_NAV[lang] in in_nav, f"{lang}: not in the nav ({in_nav})"


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_words_page_says_it_is_not_labelled_falc(site, lang):
    text = page_text(site, lang, PLAIN_WORDS)
    for phrase in NOT_LABELLED[lang]:
        assert phrase in text, f"{lang}: {phrase!r} missing from the plain-words page"


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_words_page_has_big_type(site, lang):
    assert "plain-words" in Links(page_html(site, lang, PLAIN_WORDS)).article_classes
    css = (DOCS / "assets" / "site.css").read_text(encoding="utf-8")
    rule = re.search(r"\.plain-words\s*\{([^}]*)\}", css)
    assert rule, "no .plain-words rule in docs/assets/site.css"
    assert "font-size" in rule.group(1) and "line-height" in rule.group(1)


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_words_page_takes_its_values_and_sources_from_the_rules(site, lang):
    ruleset = current_rules()
    text = page_text(site, lang, PLAIN_WORDS)
    for name in ("jours_minimum", "montant_base", "montant_majore", "plafond_ressources"):
        value = format_parameter(ruleset, name, lang)
        assert value in text, f"{lang}: {name} ({value!r}) missing from the plain-words page"
    cited = {
        urlsplit(href).fragment
        for href, _, in_article in Links(page_html(site, lang, PLAIN_WORDS)).links
        if in_article and urlsplit(href).path.rstrip("/").endswith("sources")
    }
    # The status, the criteria and the amounts each rest on these.
    assert {"lff", "aud_nl", "bours", "jd", "reca"} <= cited, f"{lang}: cites only {cited}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["", "autodiagnostic"])
def test_the_home_page_and_the_self_check_link_to_the_plain_words_page(site, lang, slug):
    links = Links(page_html(site, lang, slug))
    assert links_to(links, PLAIN_WORDS, article=True), (
        f"{lang}/{slug}: no link to the plain-words page in the page's text"
    )


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        (
            "fr",
            [
                "sessionStorage",
                "dans l'onglet",
                "Rien n'est gardé après la fermeture de l'onglet",
                f"«{NB}Effacer mes réponses{NB}»",
                "jamais envoyé au serveur",
            ],
        ),
        (
            "en",
            [
                "sessionStorage",
                "in the tab",
                "Nothing is kept after the tab is closed",
                "“Clear my answers”",
                "never sent to the server",
            ],
        ),
    ],
)
def test_the_privacy_page_says_the_answers_stay_in_the_tab(site, lang, phrases):
    text = page_text(site, lang, "donnees-personnelles")
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, f"{lang}: the privacy page does not say {missing}"
    assert "page's memory" not in text and "mémoire de la page" not in text


# ---------------------------------------------------------------------------
# Wordings a review of the site against the sources corrected: patterns that
# catch their return, in every text a page is made from (docs, rules,
# catalogues, site description) and in the built pages.

RETURNING = [(r["name"], re.compile(r["pattern"])) for r in PAGE_CHECKS["returning"]]


def _wording_files() -> list[Path]:
    return [
        *sorted(DOCS.rglob("*.md")),
        *sorted((REPO / "rules").glob("*.yaml")),
        *sorted((REPO / "selfcheck" / "locales").glob("*.json")),
        *sorted((REPO / "sitebuild" / "templates").glob("*.md")),
        REPO / "mkdocs.yml",
    ]


@pytest.mark.parametrize(("name", "pattern"), RETURNING, ids=[r[0] for r in RETURNING])
def test_corrected_wordings_do_not_return(name, pattern):
    found = [
        f"{path.relative_to(REPO)}:{number}: …{line[max(m.start() - 30, 0) : m.end() + 30]}…"
        for path in _wording_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in pattern.finditer(line)
    ]
    assert not found, f"{name}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(("name", "pattern"), RETURNING, ids=[r[0] for r in RETURNING])
def test_corrected_wordings_are_not_in_the_built_pages(site, name, pattern):
    found = [
        f"{lang}/{slug}: …{text[max(m.start() - 30, 0) : m.end() + 30]}…"
        for lang in LANGS
        for slug in ("", "fonds", "contexte", "faq", "sources", "criteres", "mots-simples")
        for text in [page_text(site, lang, slug)]
        for m in pattern.finditer(text)
    ]
    assert not found, f"{name}:\n  " + "\n  ".join(found)


def test_the_sources_page_typesets_what_it_generates(site):
    """Titles typeset like every text, « Cité pour » items joined by the
    language's list separator, no doubled or stray full stop."""
    french = page_text(site, "fr", "sources")
    english = page_text(site, "en", "sources")
    for text in (french, english):
        assert ".;" not in text and ".." not in text
        assert not re.search(r";\S", text), re.search(r".{30};\S.{30}", text)
    assert " :" not in french and " ;" not in french
    assert "Intermittents\u00a0: Netflix et Audiens" in french
    assert "(September 2019, exact day not published)" in english


# ---------------------------------------------------------------------------
# Each criterion beside its evidence: rule as YAML, other reading, examples


@pytest.mark.parametrize("lang", LANGS)
def test_the_criteria_page_shows_each_rule_its_other_reading_and_examples(site, lang):
    from sitebuild.pages import _in_any, worked_examples

    ruleset = loader.load(loader.default_rules())
    text = page_text(site, lang, "criteres")
    statuses = [words.text(lang, f"pages.example_status.{s}") for s in ("met", "unmet", "unknown")]
    others = [r for r in ruleset["readings"] if not r.get("adopted")]
    sections = text.split(words.text(lang, "pages.rule_yaml"))
    assert len(sections) == len(ruleset["criteria"]) + 1
    examples = worked_examples(ruleset, lang)
    for criterion, section in zip(ruleset["criteria"], sections[1:], strict=True):
        assert f"id: {criterion['id']}" in section
        assert words.text(lang, "pages.examples") in section
        # one met, one unmet, one unknown, in that order
        assert [e["status"] for e in examples[criterion["id"]]] == statuses
        shown = section.split(words.text(lang, "pages.examples"), 1)[1]
        for example in examples[criterion["id"]]:
            assert example["answers"][0]["value"] in shown, (criterion["id"], example)
    for reading in others:
        title = render_text(ruleset, reading["title"], lang)
        shown = text.count(title)
        beside = sum(_in_any(reading["combine"], c["id"]) for c in ruleset["criteria"])
        assert shown == 1 + beside, (title, shown, beside)


def test_the_criteria_examples_follow_the_rules(tmp_path):
    """The worked examples are the engine's, at build time: another threshold,
    other examples."""
    import copy

    from sitebuild.pages import worked_examples

    ruleset = loader.load(loader.default_rules())
    changed = copy.deepcopy(ruleset)
    changed["parameters"]["jours_minimum"]["value"] = 13
    before = worked_examples(ruleset, "fr")["travail_secteur"]
    after = worked_examples(changed, "fr")["travail_secteur"]
    assert before != after
    assert (
        worked_examples(ruleset, "fr")["statut_intermittent"]
        == worked_examples(changed, "fr")["statut_intermittent"]
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_plain_words_page_links_to_the_self_check_before_its_first_section(site, lang):
    """A reader of the plain-words page finds the test at its top, not eleven
    screens down."""
    page = page_html(site, lang, "mots-simples")
    article = page[page.index("<article") :]
    first_link = article.find('href="../autodiagnostic/"')
    assert first_link != -1, "no link to the self-check"
    assert first_link < article.index("<h2"), "the first link to the self-check is below a section"


@pytest.mark.parametrize("lang", LANGS)
def test_the_widgets_own_terms_are_explained_beside_them_from_the_glossary(site, lang):
    """« moteur d'évaluation » (the download's status) and « Fiabilité » (the
    result's reliability line and each criterion's) are explained where the
    widget uses them, with the glossary's own short text (one home), and the
    glossary page explains them at length."""
    from selfcheck.formatting import colon
    from sitebuild.widget import read_terms

    terms = read_terms(REPO / "docs" / "includes" / f"abbreviations.{lang}.md")
    page = html.unescape(page_html(site, lang, "autodiagnostic"))
    glossary = page_text(site, lang, "glossaire")
    for key, block in (("engine", r'<div class="selfcheck-status"[^>]*>'), ("reliability", None)):
        term = words.text(lang, f"widget.{key}_term")
        assert term in terms, f"{lang}: the glossary does not explain « {term} »"
        shown = f"<dfn>{term}</dfn>{colon(lang)} {terms[term]}"
        assert shown in page, f"{lang}: « {term} » is not explained in the self-check"
        if block:  # beside its first use: in the same box
            paragraph = re.search(block + r"(.*?)</div>", page, re.S)
            assert paragraph and term in paragraph[1] and shown in paragraph[1], paragraph
            # … but out of the live region, which is read again at each change
            live = re.search(r'role="status">(.*?)</p>', paragraph[1], re.S)
            assert live and "<dfn>" not in live[1], paragraph[1]
        assert term.lower() in glossary.lower(), f"{lang}: no « {term} » in the glossary"
    # The sentence waiting for the engine's result names it with its explanation.
    waiting = re.search(r'<p class="selfcheck-waiting">(.*?)</p>', page, re.S)[1]
    engine = words.text(lang, "widget.engine_term")
    assert f'title="{terms[engine]}">{engine}</abbr>' in waiting, waiting


# ---------------------------------------------------------------------------
# Passages of the sources: written once, in the rules file (quotes:)

# What a page's Markdown quotes: between « », “ ”, straight double quotes, or
# as a block quote's line (not its attribution, which starts with a dash).
QUOTED = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”|\"([^\"\n]+)\"|^>\s+(?![—-])(.+)$", re.M)
# Shorter than this, a quoted phrase is a key term (« entre septembre 2019 et
# février 2020 »), not a passage.
PASSAGE_MIN = 40


def _plain_quote(text: str) -> str:
    return normalise(text.replace("\u00a0", " ").replace("\u2019", "'"))


def test_no_page_retypes_a_passage_of_the_rules():
    """A passage the rules file holds is quoted from there ({{ quote.ID }}),
    never typed again in a page, in part or whole."""
    passages = [_plain_quote(q["text"]) for q in current_rules()["quotes"]]
    retyped = [
        f"{path.relative_to(REPO)}: {said[:60]}…"
        for path in sorted(DOCS.rglob("*.md"))
        for match in QUOTED.finditer(path.read_text(encoding="utf-8"))
        for said in [_plain_quote(next(g for g in match.groups() if g))]
        if len(said) >= PASSAGE_MIN and any(said in passage for passage in passages)
    ]
    assert not retyped, "quote these from the rules file:\n  " + "\n  ".join(retyped)


@pytest.mark.parametrize("lang", LANGS)
def test_the_criteria_page_shows_each_criterions_passages(site, lang):
    """Beside each criterion: the passages it rests on, verbatim, with the
    outlet, the date and where the source prints them."""
    ruleset = current_rules()
    passages = {q["id"]: q for q in ruleset["quotes"]}
    sources = {s["id"]: s for s in ruleset["sources"]}
    text = _plain_quote(page_text(site, lang, "criteres"))
    titles = [render_text(ruleset, c["title"], lang) for c in ruleset["criteria"]]
    for index, criterion in enumerate(ruleset["criteria"]):
        start = text.index(_plain_quote(f"{index + 1}. {titles[index]}"))
        end = text.index(words.text(lang, "pages.rule_yaml"), start)
        section = text[start:end]
        assert criterion.get("quotes"), criterion["id"]
        assert words.text(lang, "pages.passages") in section
        for ref in criterion["quotes"]:
            passage = passages[ref]
            source = sources[passage["source"]]
            assert _plain_quote(passage["text"]) in section, (criterion["id"], ref)
            assert source["outlet"] in section, (criterion["id"], ref)
            assert format_date(source["date"], lang) in section, (criterion["id"], ref)
            assert words.text(lang, f"pages.where.{passage['where']}") in section


@pytest.mark.parametrize("lang", LANGS)
def test_a_passage_in_another_language_is_marked_so(site, lang):
    """A French passage on an English page (and the other way round) is in a
    span with its language, for screen readers."""
    html_text = page_html(site, lang, "criteres")
    for passage in current_rules()["quotes"]:
        if passage["lang"] != lang and _plain_quote(passage["text"])[:40] in _plain_quote(
            html.unescape(html_text)
        ):
            assert f'<span lang="{passage["lang"]}">' in html_text


# ---------------------------------------------------------------------------
# Each language's own quotation marks around what its text quotes

# The marks a language does not use, in the text of its pages (code, the
# rules' YAML and the language menu aside).
FOREIGN_MARKS = {"fr": re.compile(r"[“”\"]"), "en": re.compile(r"[«»\"]")}
QUOTING_PAGES = ("", "fonds", "contexte", "faq", "sources", "criteres", "mots-simples",
                 "presse", "glossaire")  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_quotes_with_its_own_marks(site, lang):
    found = []
    for slug in QUOTING_PAGES:
        page = page_html(site, lang, slug)
        article = page.split("<article", 1)[1].split(">", 1)[1].split("</article>", 1)[0]
        article = re.sub(r"<(pre|code)\b.*?</\1>", "", article, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", article))
        found += [
            f"{lang}/{slug}: …{text[max(m.start() - 40, 0) : m.end() + 40]}…"
            for m in FOREIGN_MARKS[lang].finditer(text)
        ]
    assert not found, "\n  ".join(found)
