"""The built site served for a test: the project's own server (sitebuild/serve.py),
recording the path of every request it answers, and able to serve the Pyodide
runtime (``.wasm``) badly on purpose.

``with serving_site(directory, wasm=None) as served:`` → ``served.base_url``
(ending in "/"), ``served.requests`` (the paths asked for, in order). ``wasm``:

- ``None``          served as ``make serve`` serves it
- ``"missing"``     404 Not Found (a deployment that forgot it)
- ``"wrong-type"``  served as ``application/octet-stream`` (a server that does not
                    know the type; browsers then refuse to compile it as a stream)
- ``"stalls"``      its headers and first bytes sent, then nothing more (a link
                    that dies mid-download) until the server stops

A recorded request reached the server; one that a browser sent elsewhere
(another host) is not here (the browser tests record those themselves).

``served.go_offline()`` makes the site unreachable, as for a reader whose
network is gone, whatever the browser: from then on every connection is cut
(reset) without an answer, a network error for the browser rather than an HTTP
error; the port stays this server's, so nothing else can answer on it.
``served.refused`` lists the paths asked for on those connections (a
connection opened in advance that asks nothing is not listed).
"""

from __future__ import annotations

import contextlib
import functools
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sitebuild.serve import Handler, Server

WASM_FAULTS = ("missing", "wrong-type", "stalls")
STALLED_AFTER = 64 * 1024  # bytes of the runtime sent before a "stalls" download stops
OFFLINE_READ_TIMEOUT = 2.0  # s: a browser sends its request line at once


@dataclass
class Served:
    base_url: str
    requests: list[str] = field(default_factory=list)
    offline: threading.Event = field(default_factory=threading.Event)
    refused: list[str] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def go_offline(self) -> None:
        """Every connection from now on cut without an answer."""
        self.offline.set()


@contextlib.contextmanager
def serving_site(directory, wasm: str | None = None) -> Iterator[Served]:
    if wasm not in (None, *WASM_FAULTS):
        raise ValueError(f"wasm={wasm!r}: expected None or one of {WASM_FAULTS}")
    served = Served(base_url="")

    class Recording(Handler):
        quiet = True

        def handle(self):
            if not served.offline.is_set():
                return super().handle()
            # Offline: note what was asked for (the request line), answer nothing,
            # and reset the connection rather than close it in order.
            self.connection.settimeout(OFFLINE_READ_TIMEOUT)
            with contextlib.suppress(OSError):
                words = self.rfile.readline(65537).split()
                if len(words) > 1:
                    served.refused.append(words[1].decode("latin-1"))
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.close_connection = True
            return None

        def _is_wasm(self) -> bool:
            return urlsplit(self.path).path.endswith(".wasm")

        def send_head(self):
            served.requests.append(self.path)
            if wasm == "missing" and self._is_wasm():
                self._content_type = None
                self.send_error(404, "Not Found")
                return None
            return super().send_head()

        def copyfile(self, source, outputfile):
            if wasm != "stalls" or not self._is_wasm():
                return super().copyfile(source, outputfile)
            outputfile.write(source.read(STALLED_AFTER))
            outputfile.flush()
            served.stopped.wait()  # the rest never comes
            return None

        def guess_type(self, path):
            kind = super().guess_type(path)
            if wasm == "wrong-type" and str(path).endswith(".wasm"):
                kind = self._content_type = "application/octet-stream"
            return kind

    server = Server(("127.0.0.1", 0), functools.partial(Recording, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        served.base_url = f"http://{host}:{port}/"
        yield served
    finally:
        served.stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Every address the site's caches (Cache Storage) hold, in the page.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""
