"""Precompressed copies of the built site's files, for hosts that serve them.

``compress_site(site)`` writes ``X.br`` (Brotli, quality 11) and ``X.gz``
(gzip, level 9) next to every text and WebAssembly file ``X`` of the site,
when they are smaller than the file. Hosts send them with ``Content-Encoding``
(nginx ``brotli_static``/``gzip_static``, Netlify, Cloudflare Pages, and the
project's own server, sitebuild/serve.py). Pyodide's 14 MB become about
6.1 MB with Brotli (its standard library, a zip of deflated members, is sent
as it is): what a reader on a phone downloads.

Brotli at quality 11 is slow (half a minute for Pyodide's .wasm on two
cores), so every compressed copy is cached in ``build/compressed/`` by the
SHA-256 of its file: a build compresses only what changed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "compressed"
COMPRESSIBLE = {
    ".html",
    ".css",
    ".js",
    ".mjs",
    ".json",
    ".wasm",
    ".svg",
    ".xml",
    ".txt",
    ".map",
}
MIN_SIZE = 512  # smaller files gain nothing worth a second request's headers
KEEP_BELOW = 0.95  # a copy is kept when it is at most 95 % of the file


def _compressed(data: bytes, kind: str) -> bytes:
    """The file's compressed bytes, from the cache when it has them."""
    digest = hashlib.sha256(data).hexdigest()
    cached = CACHE / f"{digest}.{kind}"
    if cached.is_file():
        return cached.read_bytes()
    if kind == "br":
        out: bytes = brotli.compress(data, quality=11)
    else:
        out = gzip.compress(data, compresslevel=9, mtime=0)
    CACHE.mkdir(parents=True, exist_ok=True)
    temporary = cached.with_suffix(f".{kind}.{os.getpid()}.tmp")
    temporary.write_bytes(out)
    os.replace(temporary, cached)  # builds may run side by side
    return out


def compress_site(site: Path) -> dict[str, Any]:
    """Write the ``.br`` and ``.gz`` copies (those already there and current
    are kept); returns {"files", "bytes", "br", "gz"} for the files compressed."""
    totals = {"files": 0, "bytes": 0, "br": 0, "gz": 0}
    for path in sorted(Path(site).rglob("*")):
        if path.suffix not in COMPRESSIBLE or not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if len(data) < MIN_SIZE:
            continue
        totals["files"] += 1
        totals["bytes"] += len(data)
        for kind in ("br", "gz"):
            target = path.with_name(f"{path.name}.{kind}")
            out = _compressed(data, kind)
            if len(out) > KEEP_BELOW * len(data):
                target.unlink(missing_ok=True)
                continue
            totals[kind] += len(out)
            if not (
                target.is_file()
                and target.stat().st_size == len(out)
                and target.read_bytes() == out
            ):
                temporary = target.with_name(f".{target.name}.tmp")
                temporary.write_bytes(out)
                shutil.copystat(path, temporary)
                os.replace(temporary, target)
    return totals


ENCODINGS = {"br": "br", "gzip": "gz"}  # Content-Encoding → the copy's suffix


def sent_size(name: str, data: bytes, encoding: str) -> int:
    """The bytes a host sends for the site's file ``name`` (its ``data``) with
    that Content-Encoding: the size of the build's copy, when ``compress_site``
    keeps one, else the file's own; "" (no encoding) is the file's own. A host
    that compresses on its own, with its own settings, sends about as much."""
    kind = ENCODINGS.get(encoding)
    if kind is None or Path(name).suffix not in COMPRESSIBLE or len(data) < MIN_SIZE:
        return len(data)
    out = len(_compressed(data, kind))
    return out if out <= KEEP_BELOW * len(data) else len(data)
