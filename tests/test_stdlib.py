"""The standard library the widget's Pyodide boots with (sitebuild/stdlib.mjs):
npm's own python_stdlib.zip, every module in it, with those the self-check
imports compiled by Pyodide itself, its members deflated as in npm's.

A .pyc is only read by the Python that wrote it, and it must be the bytecode
of npm's exact source: the second test asks Pyodide itself (under Node), which
also boots with the library, installs and imports the engine, and must find
every module it imported from the zip compiled.
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
# What Pyodide's loadPackage imports to install a wheel, and what the engine
# imports: compiled, or every boot compiles them again.
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


def source_name(member: str) -> str:
    return member[:-1] if member.endswith(".pyc") else member


def test_the_built_library_holds_every_module_of_npms_the_used_ones_compiled():
    with zipfile.ZipFile(NPM_STDLIB) as npm, zipfile.ZipFile(built_stdlib()) as ours:
        assert sorted(source_name(n) for n in ours.namelist()) == sorted(npm.namelist())
        # Deflated: a host that does not send the build's .br copies (and does
        # not compress a .zip itself) would otherwise send it at full size.
        stored = [i.filename for i in ours.infolist() if i.compress_type != zipfile.ZIP_DEFLATED]
        assert not stored, f"members not deflated: {stored[:5]}"
        compiled = {n for n in ours.namelist() if n.endswith(".pyc")}
        missing = [n for n in MUST_BE_COMPILED if n not in compiled]
        assert not missing, f"left as source: {missing}"
        # What nothing imports stays source (compiled when imported, if ever).
        assert "antigravity.py" in ours.namelist()
        assert len(compiled) < len(ours.namelist()) / 2
        for name in ours.namelist():
            if not name.endswith(".pyc"):
                assert ours.read(name) == npm.read(name), f"{name} differs from npm's"


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
await py.loadPackage("selfcheck", { messageCallback: () => {} });
py.runPython("import selfcheck.form");
py.FS.writeFile("/tmp/npm.zip", (await import("node:fs")).readFileSync(npm));
console.log(py.runPython(`
import importlib.util, json, marshal, sys, tarfile, zipfile
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
        if not name.endswith(".pyc"):
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
json.dumps({"zip": library, "compiled": count, "wrong": wrong, "from_source": from_source,
            "tarfile": tarfile.__spec__.origin, "works": hasattr(tarfile, "TarFile")})
`));
"""


def test_pyodide_boots_with_it_and_every_pyc_is_its_own_bytecode_of_npms_source(tmp_path):
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
    # The module came from its bytecode, not from source.
    assert result["tarfile"].endswith("tarfile.pyc"), result["tarfile"]
    assert result["works"]
