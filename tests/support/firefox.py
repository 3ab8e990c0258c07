"""How the project's browser tests and benchmarks start Firefox (Gecko).

Debian's ``firefox-esr``, headless, driven through Marionette, the remote
protocol built into Firefox, with the ``marionette_driver`` package (no
geckodriver: only GitHub ships it). Each session gets a fresh profile whose
``user.js`` turns Marionette on (on a port Firefox picks and writes in the
profile's ``MarionetteActivePort``), turns off every background request
(telemetry, updates, safe browsing, remote settings, captive-portal checks) and
sends every request through a proxy auto-config file: 127.0.0.1 directly, every
other host to an ``OffHostProxy`` (tests/support/webkit.py) that refuses and
records it, and the URLs a test blocks to a port where nothing listens (the
download fails, as a blocked one does).

- ``firefox(viewport, block=None, service_workers=False, prefs=None, also_direct=())``  a Marionette
  session, for as long as the ``with`` lasts: ``session.marionette``,
  ``session.proxy`` (what was asked off 127.0.0.1), ``session.console_errors()``
- ``missing()``  what is not installed, as apt package names

Console errors: Firefox writes its pages' and workers' console messages and
uncaught errors to its standard output (``devtools.console.stdout.content``),
read from there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from support.webkit import OffHostProxy

FIREFOX = "/usr/bin/firefox-esr"
APT_PACKAGES = ("firefox-esr",)
START_TIMEOUT = 120.0  # s: Firefox's first start, on two busy cores
SCRIPT_TIMEOUT = 120.0  # s: one script's promise (a grid batch, a Pyodide boot)
# Firefox's standard output: a console.error of a page or worker, an uncaught error.
CONSOLE_ERROR = re.compile(r"^(?:console\.error: (?P<console>.*)|JavaScript error: (?P<js>.*))$")
# Firefox's own errors in the same output, not a page's: those of its own code
# (resource:// and chrome:// URLs, which no page can run), and its experiments'
# loader's, which finds no remote settings (they point nowhere, on purpose) and
# runs whatever the preferences say (Firefox Labs is on unless a policy says not).
FIREFOX_OWN = ("RSLoader:", "resource://", "chrome://")

# Background traffic off: each of these would otherwise reach the proxy as a
# request off 127.0.0.1, the sign of a page that leaks.
QUIET_PREFS: dict[str, object] = {
    "app.update.auto": False,
    "app.update.disabledForTesting": True,
    "app.update.enabled": False,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.backup.enabled": False,
    "browser.backup.scheduled.enabled": False,
    "browser.contentblocking.report.monitor.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.ping-centre.telemetry": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.search.geoip.url": "",
    "browser.search.update": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.tabs.warnOnClose": False,
    "browser.topsites.contile.enabled": False,
    "browser.urlbar.suggest.quicksuggest.sponsored": False,
    "browser.urlbar.suggest.quicksuggest.nonsponsored": False,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.firstRunURL": "",
    "extensions.blocklist.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.update.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "media.gmp-manager.updateEnabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "network.trr.mode": 5,
    "messaging-system.rsexperimentloader.enabled": False,
    "nimbus.rollouts.enabled": False,
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "identity.fxaccounts.enabled": False,
    "security.OCSP.enabled": 0,
    "security.remote_settings.crlite_filters.enabled": False,
}


def missing() -> list[str]:
    """What is not installed, as apt package names (empty when all is there)."""
    return [] if Path(FIREFOX).exists() else list(APT_PACKAGES)


def pac_script(
    proxy: str, refused: str, block: str | None, direct: tuple[str, ...] = ("127.0.0.1",)
) -> str:
    """A proxy auto-config: ``block`` (a regular expression of URLs) to a port where
    nothing listens, the hosts ``direct`` direct, every other host to the
    recording proxy."""
    blocked = (
        f"  if (new RegExp({json.dumps(block)}).test(url)) return 'PROXY {refused}';\n"
        if block
        else ""
    )
    return (
        "function FindProxyForURL(url, host) {\n"
        f"{blocked}"
        f"  if ({json.dumps(list(direct))}.includes(host)) return 'DIRECT';\n"
        f"  return 'PROXY {proxy}';\n"
        "}\n"
    )


def user_js(prefs: dict[str, object]) -> str:
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


class Session:
    """A Firefox process and its Marionette session (see ``firefox()``)."""

    def __init__(self, marionette, proxy: OffHostProxy, output: Path) -> None:
        self.marionette = marionette
        self.proxy = proxy
        self._output = output

    def console_errors(self) -> list[str]:
        """The console errors and uncaught errors of the session's pages and
        workers so far, from Firefox's standard output."""
        try:
            lines = self._output.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        errors = []
        for line in lines:
            match = CONSOLE_ERROR.match(line.strip())
            text = match and (match["console"] or match["js"])
            if text and not text.startswith(FIREFOX_OWN):
                errors.append(text)
        return errors


def _active_port(profile: Path, process: subprocess.Popen, output: Path) -> int:
    """The port Marionette listens on, once Firefox has written it."""
    port_file = profile / "MarionetteActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = output.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"Firefox exited ({process.returncode}) at its start:\n{tail}")
        with contextlib.suppress(FileNotFoundError, ValueError):
            return int(port_file.read_text().strip())
        time.sleep(0.1)
    raise TimeoutError(f"{START_TIMEOUT:.0f} s and Firefox wrote no {port_file.name}")


@contextlib.contextmanager
def firefox(
    viewport: tuple[int, int] = (1280, 800),
    block: str | None = None,
    service_workers: bool = False,
    prefs: dict[str, object] | None = None,
    also_direct: tuple[str, ...] = (),
) -> Iterator[Session]:
    """Headless Firefox with a fresh profile, for the ``with`` block.

    ``viewport``: the page's inner size; ``block``: a regular expression of URLs
    whose download fails; ``service_workers``: let pages register them (off by
    default, as in the other engines' sessions); ``prefs``: more preferences;
    ``also_direct``: host names reached as 127.0.0.1 is (a second origin)."""
    from marionette_driver.marionette import Marionette

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="selfcheck-ff-")))
        profile = folder / "profile"
        profile.mkdir()
        proxy = stack.enter_context(OffHostProxy())
        # A port bound and never listened on: every connection to it is refused.
        refused = stack.enter_context(socket.socket())
        refused.bind(("127.0.0.1", 0))
        proxy_host, proxy_port = proxy.args[0].removeprefix("--proxy=http://").split(":")
        pac = folder / "proxy.pac"
        pac.write_text(
            pac_script(
                f"{proxy_host}:{proxy_port}",
                f"127.0.0.1:{refused.getsockname()[1]}",
                block,
                ("127.0.0.1", *also_direct),
            ),
            encoding="utf-8",
        )
        all_prefs = {
            **QUIET_PREFS,
            "marionette.port": 0,  # Firefox picks a free one, written in MarionetteActivePort
            "network.proxy.type": 2,
            "network.proxy.autoconfig_url": pac.as_uri(),
            "network.proxy.allow_hijacking_localhost": True,  # so the PAC sees 127.0.0.1 too
            "network.proxy.autoconfig_url.include_path": True,  # the whole URL, not its host
            "network.proxy.failover_direct": False,
            "dom.serviceWorkers.enabled": service_workers,
            "devtools.console.stdout.content": True,
            "devtools.console.stdout.chrome": False,
            **(prefs or {}),
        }
        (profile / "user.js").write_text(user_js(all_prefs), encoding="utf-8")
        output = folder / "firefox.log"
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [
                    FIREFOX,
                    "--headless",
                    "--marionette",
                    "--remote-allow-system-access",
                    "--no-remote",
                    "--profile",
                    str(profile),
                    f"--window-size={viewport[0]},{viewport[1]}",
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
                # MOZ_REMOTE_SETTINGS_DEVTOOLS: a release build honours
                # services.settings.server only with it.
                env={
                    **os.environ,
                    "MOZ_HEADLESS": "1",
                    "HOME": str(folder),
                    "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1",
                },
            )
        try:
            port = _active_port(profile, process, output)
            marionette = Marionette(host="127.0.0.1", port=port)
            marionette.start_session(timeout=START_TIMEOUT)
            try:
                marionette.timeout.script = SCRIPT_TIMEOUT
                resize(marionette, viewport)
                yield Session(marionette, proxy, output)
            finally:
                with contextlib.suppress(Exception):
                    marionette.delete_session()
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            shutil.rmtree(profile, ignore_errors=True)


# The page's viewport as the other engines' sessions set it: a window cannot be
# narrower than its toolbars (500 px), so the tab's <browser> element is sized
# instead (as WebDriver BiDi's setViewport does), in a window large enough.
SET_VIEWPORT = """const [width, height] = arguments;
const browser = gBrowser.selectedBrowser;
browser.style.setProperty('width', `${width}px`, 'important');
browser.style.setProperty('height', `${height}px`, 'important');
browser.style.setProperty('flex', 'none', 'important');"""


def resize(marionette, viewport: tuple[int, int]) -> None:
    """The page's inner size set to ``viewport``."""
    width, height = viewport
    marionette.set_window_rect(width=max(width, 500) + 100, height=height + 200)
    with marionette.using_context("chrome"):
        marionette.execute_script(SET_VIEWPORT, script_args=[width, height])
