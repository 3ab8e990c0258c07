"""The standard library the widget's Pyodide boots with (sitebuild/stdlib.mjs):
the modules of npm's python_stdlib.zip that the self-check imports, compiled by
Pyodide itself, and nothing else but the finder of the others
(sitebuild/stdlib_finder.py, as _selfcheck_stdlib), its members deflated as in
npm's.

A .pyc is only read by the Python that wrote it, and it must be the bytecode
of npm's exact source: the second test asks Pyodide itself (under Node), which
also boots with the library, installs and imports the engine, and must find
every module it imported in the zip, compiled, with no miss of the finder.
Whether a module left out still imports in the browser: the browser tests
(tests/browser/test_stdlib_on_demand.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from support.paths import REPO

from sitebuild import bundle

SITE = REPO / "site"
NPM_STDLIB = bundle.PYODIDE_DIR / "python_stdlib.zip"
FINDER = "_selfcheck_stdlib.pyc"
# What Pyodide's loadPackage imports to install a wheel, and what the engine
# imports: in the zip, compiled, or the boot would fetch the full library.
MUST_BE_COMPILED = (
    "tarfile.pyc",
    "importlib/metadata/__init__.pyc",
    "encodings/cp437.pyc",
    "decimal.pyc",
    "json/__init__.pyc",
    "asyncio/__init__.pyc",
)


def built_stdlib() -> Path:
    found = sorted((SITE / bundle.ASSETS).glob(f"engine-*/{bundle.STDLIB}"))
    if not found:
        pytest.fail(f"no {bundle.STDLIB} in {SITE / bundle.ASSETS}/engine-*: run `make build`")
    assert len(found) == 1, f"one engine folder expected, found {found}"
    return found[0]


def test_the_built_library_holds_the_imported_modules_compiled_and_names_the_others():
    with zipfile.ZipFile(NPM_STDLIB) as npm, zipfile.ZipFile(built_stdlib()) as ours:
        names = ours.namelist()
        npm_modules = {n for n in npm.namelist() if n.endswith(".py")}
        # Compiled modules of npm's library, and the finder: nothing else.
        assert FINDER in names
        strays = [n for n in names if n != FINDER and n[:-1] not in npm_modules]
        assert not strays, f"not a compiled module of npm's library: {strays[:5]}"
        # Deflated: a host that does not send the build's .br copies (and does
        # not compress a .zip itself) would otherwise send it at full size.
        stored = [i.filename for i in ours.infolist() if i.compress_type != zipfile.ZIP_DEFLATED]
        assert not stored, f"members not deflated: {stored[:5]}"
        missing = [n for n in MUST_BE_COMPILED if n not in names]
        assert not missing, f"left out: {missing}"
        # What nothing imports is left out: far fewer than npm's modules.
        assert "antigravity.pyc" not in names and "fractions.pyc" not in names
        assert len(names) < len(npm_modules) / 2
    # The finder's list of the modules left out: the Node test below.


CHECK = r"""
import { pathToFileURL } from "node:url";
const [pyodide, stdlib, npm, engine] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodide + "/pyodide.mjs").href);
const py = await loadPyodide({
  indexURL: pyodide + "/",
  stdLibURL: stdlib,
  lockFileURL: engine + "/pyodide-lock.json",
  packageBaseUrl: engine + "/",
});
// The finder, as the worker installs it (the full library at an address
// Node cannot fetch: a miss fails, and shows in its count).
py.pyimport("_selfcheck_stdlib").install("http://127.0.0.1:9/python_stdlib.zip");
await py.loadPackage("selfcheck", { messageCallback: () => {} });
py.runPython("import selfcheck.form");
py.FS.writeFile("/tmp/npm.zip", (await import("node:fs")).readFileSync(npm));
console.log(py.runPython(`
import importlib.util, json, marshal, sys, tarfile, zipfile
import _selfcheck_stdlib
(library,) = [entry for entry in sys.path if entry.endswith(".zip")]
# What the boot, loadPackage and the engine imported from the zip as source.
from_source = sorted(
    m.__spec__.origin for m in list(sys.modules.values())
    if (getattr(getattr(m, "__spec__", None), "origin", None) or "").startswith(library + "/")
    and not m.__spec__.origin.endswith(".pyc")
)
wrong = []
count = 0
with zipfile.ZipFile("/tmp/npm.zip") as npm, zipfile.ZipFile(library) as ours:
    for name in ours.namelist():
        if name == "_selfcheck_stdlib.pyc":
            continue
        count += 1
        pyc = ours.read(name)
        source = npm.read(name[:-1])
        path = library + "/" + name[:-1]
        flags = int.from_bytes(pyc[4:8], "little")
        code = marshal.loads(pyc[16:])
        if pyc[:4] != importlib.util.MAGIC_NUMBER or flags != 0b01:
            wrong.append(name + ": not this Python's unchecked hash-based bytecode")
        elif pyc[8:16] != importlib.util.source_hash(source):
            wrong.append(name + ": its source hash is not npm's source's")
        elif code != compile(source, path, "exec", dont_inherit=True):
            wrong.append(name + ": not the code of npm's source")
        elif code.co_filename != path:
            wrong.append(name + ": named " + code.co_filename)
def dotted(member):
    name = member.rsplit(".", 1)[0].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name
with zipfile.ZipFile("/tmp/npm.zip") as npm, zipfile.ZipFile(library) as ours:
    left_out = {dotted(n) for n in npm.namelist() if n.endswith(".py")} - {
        dotted(n) for n in ours.namelist() if n != "_selfcheck_stdlib.pyc"
    }
json.dumps({"zip": library, "compiled": count, "wrong": wrong, "from_source": from_source,
            "misses": _selfcheck_stdlib.misses,
            "finder_lists_the_left_out": set(_selfcheck_stdlib.MISSING) == left_out,
            "left_out": len(left_out),
            "tarfile": tarfile.__spec__.origin, "works": hasattr(tarfile, "TarFile")})
`));
"""


def test_pyodide_boots_with_it_misses_nothing_every_pyc_its_bytecode_of_npms_source(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed (it installs Pyodide with npm)"
    script = tmp_path / "check.mjs"
    script.write_text(CHECK, encoding="utf-8")
    library = built_stdlib()
    arguments = (bundle.PYODIDE_DIR, library, NPM_STDLIB, library.parent)
    run = subprocess.run(
        [node, str(script), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["compiled"] >= len(MUST_BE_COMPILED)
    assert result["wrong"] == []
    assert result["from_source"] == [], "imported from source: compile them in the build"
    assert result["misses"] == [], "imported from outside the zip: trace them in the build"
    assert result["left_out"] > 0 and result["finder_lists_the_left_out"]
    # The module came from its bytecode, not from source.
    assert result["tarfile"].endswith("tarfile.pyc"), result["tarfile"]
    assert result["works"]
