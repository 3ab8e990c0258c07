"""The standard library's modules left out of the self-check's zip, imported
on demand (runs in Pyodide, in the engine's worker; never in the build).

The zip the worker boots with holds only the modules that Pyodide's boot, its
package installer and the engine import (sitebuild/stdlib.mjs traces them):
a third of the library, so a phone downloads a third of it. Any other module
of the library still imports: this finder, last on ``sys.meta_path``, is asked
only when no module of that name was found, and answers for a module of the
full library (``MISSING``, written in by the build). The first time, it
downloads the full library (Pyodide's own zip, kept beside the runtime and
never downloaded otherwise) with a synchronous request, which a worker may
make and which an import, itself synchronous, needs. ``misses`` names the
modules it found: the tests expect none while the engine answers.

The build compiles this file into the zip as ``_selfcheck_stdlib`` and the
worker calls ``install(url)`` before it installs the engine.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec, PathFinder

# Every module of the full library that the zip leaves out (dotted names);
# replaced by the build.
MISSING: frozenset[str] = frozenset()
LIBRARY = "/lib/python_stdlib_full.zip"  # where the full library is written once fetched

misses: list[str] = []
_url = ""


class OnDemand:
    """A meta path finder for the modules in ``MISSING``."""

    @classmethod
    def find_spec(cls, name: str, path=None, target=None) -> ModuleSpec | None:
        if name not in MISSING:
            return None
        if not misses:
            _download()
        misses.append(name)
        parent = name.rpartition(".")[0]
        # A submodule whose package is in the zip: looked for in the same
        # package's folder of the full library.
        where = f"{LIBRARY}/{parent.replace('.', '/')}" if parent else LIBRARY
        return PathFinder.find_spec(name, [where])


def _download() -> None:
    from js import XMLHttpRequest  # type: ignore[import-not-found]  # Pyodide's own module

    request = XMLHttpRequest.new()
    request.open("GET", _url, False)
    request.responseType = "arraybuffer"
    request.send()
    if request.status != 200:
        raise ImportError(f"the full standard library ({_url}): HTTP {request.status}")
    with open(LIBRARY, "wb") as file:
        file.write(request.response.to_bytes())


def install(url: str) -> None:
    """Finds the missing modules in the full library at ``url``, fetched on the first miss."""
    global _url
    _url = url
    if not any(finder is OnDemand for finder in sys.meta_path):
        sys.meta_path.append(OnDemand)
