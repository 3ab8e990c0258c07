"""A small static server for the built site, on 127.0.0.1 only, that behaves
like the production hosts (sitebuild/DEPLOYING.md).

``python -m sitebuild.serve --directory site --port 8000`` (``make serve``).

- **Headers**: the site's own ``_headers`` file (written by the build,
  sitebuild/headers.py; the format of Netlify and Cloudflare Pages): the
  Content Security Policy with ``frame-ancestors``, the worker's policy, the
  long cache of content-hashed files. Every other response gets
  ``Cache-Control: no-cache`` (what those hosts send by default: revalidate
  each time) and ``X-Content-Type-Options: nosniff``. The ``Content-Type`` is
  the server's own (``guess_type``: ``.wasm`` as ``application/wasm``, which
  ``_headers`` also names for hosts that would not), so that a test can serve
  a file with the wrong type on purpose (tests/support/servers.py).
  ``_headers`` itself is not served.
- **Precompressed files**: for a request of ``X``, when ``X.br`` or ``X.gz``
  lies next to it and the request's ``Accept-Encoding`` allows it, that file
  is sent with ``Content-Encoding`` and ``X``'s ``Content-Type``; ``Vary:
  Accept-Encoding`` whenever such a file exists (nginx's ``gzip_static`` and
  ``brotli_static``).
- **Not found**: the nearest ``404.html`` up the requested path (``/en/…`` →
  ``en/404.html``, the English one; under a sub-path, the site's own), with
  status 404. A folder without ``index.html`` is not found: no listing.

Tests reuse it: ``with serving("site") as base_url: ...`` runs it in a thread
on a free port, quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import functools
import io
import os
import socketserver
import sys
import threading
from collections.abc import Iterator, Sequence
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from sitebuild import headers as site_headers

NOT_FOUND_PAGE = "404.html"
# Files a host reads and never serves.
NOT_SERVED = {site_headers.HEADERS_FILE, "_redirects"}
# The encodings of precompressed files, in the server's order of preference.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
DEFAULT_CACHE = "no-cache"


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an ``Accept-Encoding`` header allows among ``br`` and
    ``gzip`` (``q=0`` refuses one; ``*`` stands for those not named)."""
    weights: dict[str, float] = {}
    for item in (header or "").split(","):
        token, *params = item.split(";")
        token = token.strip().lower()
        if not token:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        weights["gzip" if token == "x-gzip" else token] = weight
    default = weights.get("*", 0.0)
    return {coding for coding, _ in ENCODINGS if weights.get(coding, default) > 0}


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the base class's attribute, overridden)
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".html": "text/html; charset=utf-8",
        ".br": "application/octet-stream",
    }
    quiet = False

    # -- what a request gets ------------------------------------------------

    def send_head(self) -> BinaryIO | None:
        url_path = unquote(urlsplit(self.path).path)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not (path / "index.html").is_file():
                return self.send_not_found(url_path, path)
            if not url_path.endswith("/"):
                self.redirect_to_folder()
                return None
            path = path / "index.html"
        elif url_path.endswith("/"):  # a file asked for as a folder
            return self.send_not_found(url_path, path)
        if not path.is_file() or path.name in NOT_SERVED:
            return self.send_not_found(url_path, path)
        content_type = self.guess_type(str(path))
        coding, served, variants = self.negotiate(path)
        try:
            file = open(served, "rb")  # noqa: SIM115 (the base class closes it)
        except OSError:
            return self.send_not_found(url_path, path)
        stat = os.fstat(file.fileno())
        extra = {"Vary": "Accept-Encoding"} if variants else {}
        if coding:
            extra["Content-Encoding"] = coding
        if self.not_modified(stat.st_mtime):
            file.close()
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_site_headers(url_path, {**extra, "Content-Type": content_type})
            return None
        self.send_response(HTTPStatus.OK)
        self.send_site_headers(
            url_path,
            {
                "Content-Type": content_type,
                "Content-Length": str(stat.st_size),
                "Last-Modified": self.date_time_string(int(stat.st_mtime)),
                **extra,
            },
        )
        return file

    def negotiate(self, path: Path) -> tuple[str | None, Path, bool]:
        """(the coding sent or None, the file to send, whether any encoded copy
        of ``path`` exists)."""
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        found = [(c, path.with_name(path.name + s)) for c, s in ENCODINGS]
        found = [(coding, file) for coding, file in found if file.is_file()]
        for coding, file in found:
            if coding in accepted:
                return coding, file, True
        return None, path, bool(found)

    def not_modified(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or self.headers.get("If-None-Match"):
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return when is not None and when.timestamp() >= int(mtime)

    def redirect_to_folder(self) -> None:
        parts = urlsplit(self.path)
        location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_site_headers(parts.path, {"Location": location, "Content-Length": "0"})
        return None

    def send_not_found(self, url_path: str, path: Path) -> io.BytesIO:
        page = self.not_found_page(path)
        if page is not None:
            body, content_type = page.read_bytes(), "text/html; charset=utf-8"
        else:
            body, content_type = b"404 Not Found\n", "text/plain; charset=utf-8"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_site_headers(
            url_path,
            {"Content-Type": content_type, "Content-Length": str(len(body))},
            keep=("Cache-Control",),
        )
        return io.BytesIO(body)

    def not_found_page(self, path: Path) -> Path | None:
        """The nearest ``404.html`` from the requested path up to the served
        folder (a language's own under ``<lang>/``)."""
        root = Path(self.directory).resolve()
        folder = path if path.is_dir() else path.parent
        folder = folder.resolve()
        while folder == root or root in folder.parents:
            if (folder / NOT_FOUND_PAGE).is_file():
                return folder / NOT_FOUND_PAGE
            folder = folder.parent
        return None

    # -- headers --------------------------------------------------------------

    def site_rules(self) -> list[site_headers.Rule]:
        rules: list[site_headers.Rule] = self.server.site_rules(Path(self.directory))  # type: ignore[attr-defined]
        return rules

    def send_site_headers(
        self, url_path: str, own: dict[str, Any], keep: tuple[str, ...] = ()
    ) -> None:
        """Send ``own``, the defaults, then the site's ``_headers`` for
        ``url_path`` (a header it names replaces the same default or own one,
        except the Content-Type and those in ``keep``), and end the headers."""
        sent = {"Cache-Control": DEFAULT_CACHE, "X-Content-Type-Options": "nosniff", **own}
        lowered = {name.lower() for name in (*keep, "Content-Type")}
        for name, value in site_headers.for_path(self.site_rules(), url_path).items():
            if name.lower() in lowered:
                continue
            for existing in [k for k in sent if k.lower() == name.lower()]:
                del sent[existing]
            sent[name] = value
        for name, value in sent.items():
            self.send_header(name, value)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rules_lock = threading.Lock()
        self._rules: tuple[tuple[int, ...], list[site_headers.Rule]] = ((), [])

    def site_rules(self, directory: Path) -> list[site_headers.Rule]:
        """The rules of ``<directory>/_headers``, read again when it changes
        (a rebuild while serving)."""
        file = directory / site_headers.HEADERS_FILE
        try:
            stat = file.stat()
            key: tuple[int, ...] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return []
        with self._rules_lock:
            if self._rules[0] != key:
                rules = site_headers.parse(file.read_text(encoding="utf-8"))
                self._rules = (key, rules)
            return self._rules[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a connection mid-download is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(
    directory: str | Path, host: str = "127.0.0.1", port: int = 0, quiet: bool = False
) -> Server:
    """A threading HTTP server serving ``directory`` (port 0: a free port)."""
    handler = type("QuietHandler" if quiet else "Handler", (Handler,), {"quiet": quiet})
    return Server((host, port), functools.partial(handler, directory=str(directory)))


@contextlib.contextmanager
def serving(directory: str | Path, quiet: bool = True) -> Iterator[str]:
    """Serve ``directory`` in a thread on a free port; yields the base URL."""
    with running(make_server(directory, quiet=quiet)) as url:
        yield url


def _address(server: socketserver.TCPServer) -> tuple[str, int]:
    """The host and port a server listens on (an AF_INET server's host is a str)."""
    host, port = server.server_address[:2]
    return (host if isinstance(host, str) else bytes(host).decode()), int(port)


@contextlib.contextmanager
def running(server: socketserver.TCPServer) -> Iterator[str]:
    """Run ``server`` in a thread until the block ends; yields its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = _address(server)
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitebuild.serve")
    parser.add_argument("--directory", default="site")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    server = make_server(args.directory, args.host, args.port, args.quiet)
    host, port = _address(server)
    print(f"Serving {args.directory} on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
