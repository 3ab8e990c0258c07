"""MkDocs hooks: the rules file drives the site.

- ``on_config`` loads and validates the rules; an invalid file stops the build
  with the loader's one-line-per-problem message.
- ``on_page_markdown`` expands placeholders written in the pages, so that no
  criterion, threshold or amount is typed by hand in ``docs/``:

  ``{{ param.NAME }}``        a parameter's value, formatted for the page's language
  ``{{ rules.version }}``     the rule set's version (also ``rules.checked_on``)
  ``{{ source.ID }}``         a link to the source's entry on the Sources page
  ``{{ criteria }}``          the generated criteria (criteres.md)
  ``{{ sources_list }}``      the rule file's sources, generated (sources.md)
  ``{{ selfcheck_widget }}``  the self-check form (autodiagnostic.md); the page
                              then also loads boot.js in its <head>

  and appends the glossary abbreviations of the page's language, so that terms
  are explained on hover and focus on every page.

An unknown placeholder is a build error naming the page and the placeholder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from selfcheck import rules as rules_module
from selfcheck.sitebuild import pages

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_.-]*)\s*\}\}")
INCLUDES = Path(__file__).resolve().parents[2] / "docs" / "includes"

_state: dict = {}


def rules_path() -> Path:
    """The rules file the site is built from (SELFCHECK_RULES overrides it)."""
    return Path(os.environ.get("SELFCHECK_RULES", rules_module.DEFAULT_RULES))


def on_config(config, **kwargs):
    try:
        _state["rules"] = rules_module.load(rules_path())
    except rules_module.RulesError as exc:
        raise PluginError(f"invalid rules file:\n{exc}") from None
    return config


def page_language(page) -> str:
    return page.file.src_uri.split("/", 1)[0] if "/" in page.file.src_uri else "fr"


def on_page_markdown(markdown, page, config, files, **kwargs):
    ruleset = _state["rules"]
    lang = page_language(page)
    where = page.file.src_uri

    def expand(match):
        name = match.group(1)
        try:
            return pages.placeholder(ruleset, name, lang)
        except KeyError:
            raise PluginError(f"docs/{where}: unknown placeholder {{{{ {name} }}}}") from None

    if "selfcheck_widget" in {m.group(1) for m in PLACEHOLDER.finditer(markdown)}:
        from selfcheck.sitebuild import widget

        page.meta["selfcheck"] = widget.head_meta(ruleset, lang)
    markdown = PLACEHOLDER.sub(expand, markdown)
    abbreviations = INCLUDES / f"abbreviations.{lang}.md"
    if abbreviations.exists():
        markdown += "\n\n" + abbreviations.read_text(encoding="utf-8")
    return markdown


def on_post_build(config, **kwargs):
    # The self-check widget's files: Pyodide, engine wheel, rules bundle, JS/CSS
    # (selfcheck/sitebuild/widget.py). Idempotent: the nested en build re-checks.
    from selfcheck.sitebuild import widget

    widget.write_assets(_state["rules"], config["site_dir"])


# The 404 page. mkdocs-static-i18n runs one MkDocs build per language into the
# same site folder, and each build writes the theme's 404.html at its root: the
# English build, which runs last, would leave an English root 404.html (wrong
# lang attribute and text for a French site). The default language's 404 stays
# at the root; the others go to <lang>/404.html.


def on_template_context(context, template_name, config, **kwargs):
    # The plugin sets each page's language links (extra.alternate) and leaves
    # the last page's on the 404: point them at the language home pages.
    i18n = config.plugins.get("i18n")
    if template_name == "404.html" and getattr(i18n, "extra_alternate", None):
        # Attribute, not item: the plugin sets the attribute, which Jinja reads first.
        config.extra.alternate = [dict(alt) for alt in i18n.extra_alternate]
    return context


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name != "404.html":
        return output_content
    i18n = config.plugins.get("i18n")
    language = config.theme["language"]
    default = getattr(i18n, "default_language", None) or language
    if language == default:
        _state["404.html"] = output_content
        return output_content
    target = Path(config["site_dir"]) / language / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output_content, encoding="utf-8")
    return _state.get("404.html", output_content)
