"""MkDocs hooks: the rules file drives the site.

- ``on_config`` loads and validates the rules (``$SELFCHECK_RULES``, else the
  only ``rules/*.yaml``); an invalid file stops the build with the loader's
  one-line-per-problem message.
- ``on_env`` gives the theme's templates the word catalogue: ``t("key")``.
- ``on_page_markdown`` renders each page as a Jinja template (sitebuild/pages.py:
  ``{{ param.NAME }}``, ``{{ source.ID }}``, ``{{ criteria }}``…; an unknown name
  stops the build, naming the page) and appends the glossary abbreviations
  of the page's language.
- ``on_page_context`` gives the self-check page (front matter ``template:
  selfcheck.html``, or ``embed.html`` for the embeddable one) its widget's
  context (sitebuild/widget.py).
- ``on_post_build`` writes the self-check's files (sitebuild/bundle.py), the
  open data (sitebuild/api.py), the embed script (sitebuild/embed.py),
  checks the built pages, and writes the host's headers, ``_headers``
  (sitebuild/headers.py).
- ``on_post_page`` (and the 404 pages' ``on_post_template``) moves the
  ``autocomplete="off"`` of Material's toggles (``input.md-toggle``,
  checkboxes, where HTML does not allow it: the Nu Html Checker's one error
  here) to a form of their own, which keeps Firefox from restoring them, and
  hides the theme's inline icons (``<svg>``) from assistive technologies.
- Sub-paths: ``site_url`` comes from ``SITE_URL`` (mkdocs.yml); the home pages'
  language links are made relative like every other link; without a public
  address no sitemap is written.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError

from selfcheck import loader, words
from selfcheck.formatting import format_date, render_text
from selfcheck.ruleset import Rules
from sitebuild import api, embed, headers, pages, widget
from sitebuild.bundle import Bundle, check_pages, write_service_worker
from sitebuild.compress import compress_site

WIDGET_TEMPLATE = "selfcheck.html"
# The self-check alone, for other sites' frames (sitebuild/embed.py).
EMBED_TEMPLATE = "embed.html"
# What the legal page must name on a deployed site (mkdocs.yml, extra.site).
PUBLISHER_KEYS = ("publisher", "director", "contact", "host", "host_address")
log = logging.getLogger("mkdocs.hooks.sitebuild")

_state: dict = {}
# Material's drawer and search toggles: <input class="md-toggle" … type="checkbox"
# … autocomplete="off">. The attribute is invalid on a checkbox; Material sets
# it so that Firefox does not restore an open drawer or search on reload. A
# form of their own with autocomplete="off" says the same, validly.
TOGGLE = re.compile(r'<input class="md-toggle"([^>]*?) autocomplete="off"')
TOGGLES_FORM = "__md-toggles"


def valid_toggles(html: str) -> str:
    """``html`` with Material's toggles in a form of their own, ``autocomplete="off"``."""
    html, count = TOGGLE.subn(rf'<input form="{TOGGLES_FORM}" class="md-toggle"\1', html)
    if count:
        first = html.index(f'<input form="{TOGGLES_FORM}"')
        form = f'<form id="{TOGGLES_FORM}" autocomplete="off" hidden></form>\n'
        html = html[:first] + form + html[first:]
    return html


# The theme's icons, inlined as <svg>: each sits beside a text or in a link or
# button that has its own name, so each is decorative, hidden from assistive
# technologies (RGAA 1.2). An <svg> that says what it is (role, aria-label)
# is left as it is.
DECORATIVE_SVG = re.compile(r"<svg(?![^>]*\b(?:aria-hidden|aria-label|aria-labelledby|role)=)")


def decorative_icons(html: str) -> str:
    """``html`` with every unnamed inline ``<svg>`` hidden from assistive technologies."""
    return DECORATIVE_SVG.sub('<svg aria-hidden="true" focusable="false"', html)


def on_post_page(output, page, config, **kwargs):
    return decorative_icons(valid_toggles(output))


def on_config(config, **kwargs):
    try:
        _state["rules"] = loader.load(loader.default_rules())
    except loader.RulesError as exc:
        raise PluginError(f"invalid rules file:\n{exc}") from None
    if os.environ.get("SITE_URL"):  # a build for deployment
        site = config.extra.get("site") or {}
        missing = [key for key in PUBLISHER_KEYS if not site.get(key)]
        if missing and not _state.get("warned"):
            _state["warned"] = True
            names = ", ".join(f"SITE_{key.upper()}" for key in missing)
            log.warning(f"a site for deployment must say who publishes it (LCEN): set {names}")
    return config


def on_env(env, config, files, **kwargs):
    lang = config.theme["language"]
    _state["files"] = files
    env.globals["t"] = functools.partial(words.text, lang)
    env.globals["fund_notice"] = fund_notice(_state["rules"], lang)
    return env


def fund_notice(rules: Rules, lang: str) -> dict | None:
    """What every page says first about the fund (the theme's banner): its
    status today, where to read why, and when the information was checked,
    against what. None when the rules give no status."""
    status = rules.get("status")
    if not status:
        return None
    against = rules.get("checked_against")
    date = format_date(rules["checked_on"], lang)
    return {
        "notice": render_text(rules, status["notice"], lang),
        "href": page_url(lang, status["link"]["page"]) if "link" in status else None,
        "link": render_text(rules, status["link"]["text"], lang) if "link" in status else "",
        "checked": words.text(
            lang, "theme.checked", date=date, against=render_text(rules, against, lang)
        )
        if against
        else "",
    }


def page_language(page) -> str:
    """The page's language: its folder in docs/ (``en/faq.md`` → ``en``)."""
    return page.file.src_uri.split("/", 1)[0]


def page_url(lang: str, path: str) -> str:
    """The site-root URL of ``docs/<lang>/<path>`` (``contexte.md#x`` →
    ``en/contexte/#x``): what the theme's ``url`` filter takes."""
    name, _, anchor = path.partition("#")
    found = _state["files"].get_file_from_path(f"{lang}/{name}")
    if found is None:
        raise PluginError(f"the rules link to docs/{lang}/{name}, which does not exist")
    return found.url + (f"#{anchor}" if anchor else "")


def on_page_markdown(markdown, page, config, files, **kwargs):
    _state["files"] = files  # the build's files, as mkdocs-static-i18n has set them
    lang = page_language(page)
    try:
        markdown = pages.expand(markdown, _state["rules"], lang, config.extra.get("site"))
    except jinja2.TemplateError as exc:
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise PluginError(f"docs/{page.file.src_uri}{line}: {exc.message}") from None
    abbreviations = abbreviations_file(config, lang)
    if abbreviations.exists():
        markdown += "\n\n" + abbreviations.read_text(encoding="utf-8")
    return markdown


def abbreviations_file(config, lang: str) -> Path:
    """The glossary's short explanations (``*[term]: text``), one home for
    every page and for the self-check's questions."""
    return Path(config["docs_dir"]) / "includes" / f"abbreviations.{lang}.md"


def relative_alternates(config) -> None:
    """The language links as paths from the site root, which the theme's ``url``
    filter makes relative to the page. mkdocs-static-i18n gives each page its
    other language's page, but leaves the home pages the absolute ``/``,
    ``/en/`` (``/fonds/en/`` with SITE_URL): wrong for a build without SITE_URL
    served under a sub-path. The 404 pages keep the absolute links (they are
    served at any depth)."""
    root = headers.site_path(config.get("site_url"))
    # The attribute, which the plugin sets and Jinja reads first (not the item).
    for alternate in getattr(config.extra, "alternate", None) or ():
        link = alternate.get("link", "")
        if link.startswith(root):
            alternate["link"] = link[len(root) :] or "./"


def on_page_context(context, page, config, nav, **kwargs):
    # After mkdocs-static-i18n's (priority 50), which sets the page's links.
    relative_alternates(config)
    if page.meta.get("template") in (WIDGET_TEMPLATE, EMBED_TEMPLATE):
        lang = page_language(page)
        bundle = Bundle.for_rules(_state["rules"])
        terms = widget.read_terms(abbreviations_file(config, lang))
        context["selfcheck"] = widget.context(
            bundle, lang, functools.partial(page_url, lang), terms
        )
    return context


def on_post_build(config, **kwargs):
    # Idempotent: each language's build writes the same files.
    site = Path(config["site_dir"])
    bundle = Bundle.for_rules(_state["rules"])
    bundle.write(site)
    api.write(site, _state["rules"], bundle, config.get("site_url"))
    if _has_embed_pages(config):
        embed.write(site, _state["rules"])
    check_pages(site)
    if _last_build(config):  # the whole site is there: the service worker, then compression
        write_service_worker(site)
        # The host's headers (sitebuild/headers.py), once every file is there.
        headers.write(site, config.get("site_url"))
        compress_site(site)


def _has_embed_pages(config) -> bool:
    """Whether docs/ has the embeddable pages (``template: embed.html``)."""
    docs = Path(config["docs_dir"])
    return any(
        EMBED_TEMPLATE in path.read_text(encoding="utf-8")
        for path in docs.glob(f"*/{embed.PAGE.rstrip('/')}.md")
    )


def _last_build(config) -> bool:
    """Whether this is the last language's build (mkdocs-static-i18n builds the
    languages one after the other into the same folder)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return True
    built = [lang.locale for lang in i18n.config.languages if lang.build]
    return config.theme["language"] == built[-1]


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
    if template_name == "sitemap.xml" and not config.get("site_url"):
        # A sitemap lists absolute addresses: without SITE_URL it would hold
        # "None./". MkDocs writes no file (nor its .gz) for an empty output.
        return ""
    if template_name != "404.html":
        return output_content
    output_content = decorative_icons(valid_toggles(output_content))
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
