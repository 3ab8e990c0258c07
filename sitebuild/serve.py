"""A tiny static server for the built site, on 127.0.0.1 only.

``python -m sitebuild.serve --directory site --port 8000`` (``make
serve``). Serves ``.wasm`` as ``application/wasm`` (Pyodide does not start
otherwise) and ``.mjs`` as ``text/javascript``, and sends ``Cache-Control:
no-cache`` for HTML so that a page and the files it names always match.

Tests reuse it: ``with serving("site") as base_url: ...`` runs it in a thread
on a free port, quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


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
    }
    quiet = False

    def send_head(self):
        self._content_type = None  # one handler serves several requests (keep-alive)
        return super().send_head()

    def guess_type(self, path):
        self._content_type = super().guess_type(path)
        return self._content_type

    def end_headers(self):
        if getattr(self, "_content_type", "") == "text/html":
            self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that closes a connection mid-download is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(directory, host: str = "127.0.0.1", port: int = 0, quiet: bool = False):
    """A threading HTTP server serving ``directory`` (port 0: a free port)."""
    handler = type("QuietHandler" if quiet else "Handler", (Handler,), {"quiet": quiet})
    return Server((host, port), functools.partial(handler, directory=str(directory)))


@contextlib.contextmanager
def serving(directory, quiet: bool = True):
    """Serve ``directory`` in a thread on a free port; yields the base URL."""
    server = make_server(directory, quiet=quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitebuild.serve")
    parser.add_argument("--directory", default="site")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    server = make_server(args.directory, args.host, args.port, args.quiet)
    host, port = server.server_address[:2]
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
