"""How the project's browser tests and benchmarks start WebKitGTK (Safari's engine).

Debian's ``webkit2gtk-driver`` gives ``/usr/bin/WebKitWebDriver``, which Selenium
drives. The browser it starts is ``webkit_browser.py`` (next to this file): a
minimal WebKitGTK window that, unlike MiniBrowser's automation sessions, writes
every console message to the driver's log, keeps its profile in a fresh
temporary folder, and has no toolbar. It needs an X display and has no headless
mode, so ``xvfb()`` starts a private Xvfb first; without a display the session's
creation would hang forever: ``xvfb()`` checks that the X socket answers, and
every WebDriver command has an HTTP timeout.

- ``xvfb()``             a private X display (``":N"``), for as long as the ``with`` lasts
- ``webkit(display)``    a Selenium WebDriver session of WebKitGTK on that display;
                         ``console_errors(driver)`` the console errors it logged so far
- ``block_args(file)``   browser arguments that apply a WebKit content-blocker list
- ``OffHostProxy``       an HTTP proxy on 127.0.0.1 that answers 403 to everything
  and records what it was asked: the browser reaches 127.0.0.1 directly and every
  other host through it, so a request off 127.0.0.1 is recorded, never sent

Each session starts with an empty profile (cold caches); a reload in the same
session finds its caches.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
XVFB = "/usr/bin/Xvfb"
BROWSER = Path(__file__).resolve().with_name("webkit_browser.py")
BROWSER_NAME = "selfcheck-webkit"  # as webkit_browser.py names itself to the driver
SYSTEM_PYTHON = "/usr/bin/python3"  # the one with python3-gi (Debian's)
# What .ci/run installs when something is missing.
APT_PACKAGES = ("webkit2gtk-driver", "xvfb", "xauth", "python3-gi", "gir1.2-webkit2-4.1")
WINDOW = (1280, 800)
# JavaScriptCore's defaults (every tier on), as Safari runs it. A benchmark may
# pass other settings as environment variables of the driver (JSC_<option>).
JSC_ENV: dict[str, str] = {}
# The browser's console lines in the driver's log (WebKit's own format).
CONSOLE_ERROR = re.compile(r"^(?:(?P<where>\S+): )?CONSOLE (?:JS )?ERROR (?P<text>.*)$")


@functools.cache
def missing() -> list[str]:
    """What is not installed, as apt package names (empty when all is there)."""
    needed = []
    if not Path(WEBKIT_DRIVER).exists():
        needed.append("webkit2gtk-driver")
    if not Path(XVFB).exists():
        needed += ["xvfb", "xauth"]
    probe = "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1')"
    try:
        subprocess.run([SYSTEM_PYTHON, "-c", probe], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        needed += ["python3-gi", "gir1.2-webkit2-4.1"]
    return needed


@contextlib.contextmanager
def xvfb(size: str = "1920x1200x24", timeout: float = 10) -> Iterator[str]:
    """A private Xvfb display for the ``with`` block: yields ``":N"``.

    ``-displayfd`` lets Xvfb pick a free display number and say which; the X
    socket is then connected to, so that a display that does not answer fails
    here rather than hanging the browser's start."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start (exit code {proc.poll()})")
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(timeout)
            probe.connect(f"/tmp/.X11-unix/X{number}")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def webkit(
    display: str,
    *,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    http_timeout: float = 150,
    script_timeout: float = 120,
):
    """A Selenium WebDriver session of WebKitGTK (``webkit_browser.py``) on ``display``.

    ``args``: the browser's arguments; ``env``: added to the driver's (and so the
    browser's) environment. The driver's log (the browser's console included) is
    ``driver.log_path`` while the session lasts."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.proxy import Proxy
    from selenium.webdriver.remote.client_config import ClientConfig
    from selenium.webdriver.remote.remote_connection import RemoteConnection
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = str(BROWSER)
    options.set_capability("browserName", BROWSER_NAME)
    for arg in ("--automation", *args):
        options.add_argument(arg)
    # WebKit's network process can outlive the session by a moment and still
    # write its disk cache while the folder is removed: what it writes late is
    # left behind in the temporary folder rather than failing the test after it passed.
    with tempfile.TemporaryDirectory(
        prefix="selfcheck-webkit-log-", ignore_cleanup_errors=True
    ) as folder:
        log_path = Path(folder) / "driver.log"
        service = Service(
            executable_path=WEBKIT_DRIVER,
            log_output=str(log_path),
            # TMPDIR: the browser's profile goes in this session's folder, removed after
            env={**os.environ, "DISPLAY": display, "TMPDIR": folder, **JSC_ENV, **(env or {})},
        )
        service.start()
        try:
            # Straight to the local driver, whatever http_proxy says.
            config = ClientConfig(
                remote_server_addr=service.service_url,
                timeout=http_timeout,
                proxy=Proxy({"proxyType": "direct"}),
            )
            try:
                driver = webdriver.Remote(
                    command_executor=RemoteConnection(client_config=config), options=options
                )
            except WebDriverException as error:
                log = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise RuntimeError(f"no WebKit session: {error.msg}; its log:\n{log}") from None
            driver.log_path = log_path
            try:
                driver.set_script_timeout(script_timeout)
                driver.set_window_size(*WINDOW)
                yield driver
            finally:
                driver.quit()
        finally:
            service.stop()


def console_errors(driver) -> list[str]:
    """The console errors (and uncaught errors) the session's pages and workers
    logged so far, from the driver's log: ``text (where)``."""
    try:
        lines = driver.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    errors = []
    for line in lines:
        match = CONSOLE_ERROR.match(line)
        if match:
            where = match["where"]
            errors.append(f"{match['text']} ({where})" if where else match["text"])
    return errors


def block_args(folder: Path, url_filter: str) -> tuple[str, ...]:
    """Browser arguments that block every download whose URL matches
    ``url_filter`` (a regular expression, WebKit content-blocker syntax), as a
    content blocker of Safari does; the list is written in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rules = folder / "content-filter.json"
    rules.write_text(
        json.dumps([{"trigger": {"url-filter": url_filter}, "action": {"type": "block"}}]),
        encoding="utf-8",
    )
    return (f"--content-filter={rules}",)


class OffHostProxy:
    """An HTTP proxy on 127.0.0.1 that forwards nothing: it answers 403 to every
    request (CONNECT included) and records the URL asked for.

    ``args`` are the browser arguments that send every host but 127.0.0.1
    through it. Use as a context manager; ``requests`` is the list of URLs."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _refuse(self) -> None:
                proxy.requests.append(self.path)
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_CONNECT = _refuse

            def log_message(self, format, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def args(self) -> tuple[str, ...]:
        host, port = self._server.server_address[:2]
        return (f"--proxy=http://{host}:{port}", "--ignore-host=127.0.0.1")

    def __enter__(self) -> OffHostProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
