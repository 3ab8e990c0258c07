// The standard library the self-check's Pyodide boots with: only the modules
// it imports, compiled to bytecode by that same Pyodide, and a finder for the
// others (sitebuild/stdlib_finder.py).
//
// Pyodide ships its standard library as source (npm's python_stdlib.zip, 2.5 MB
// deflated), so every module it imports would be compiled in the browser at
// each boot, and a phone would download 614 files of which the self-check
// imports about a fifth. This script boots Pyodide under Node with npm's zip,
// installs the engine as the worker does (the engine's lock and wheel), imports
// every module of the engine and makes Pyodide report a Python error (its
// traceback formatting), then writes a zip of exactly the modules that were
// imported from the library, compiled with the interpreter that will run them
// (a .pyc is only read by the Python that wrote it), plus the finder, compiled
// as _selfcheck_stdlib, with the names of every module left out. The worker
// installs it before the engine: a module left out still imports, from npm's
// zip, kept beside the runtime and fetched only then (the browser tests count
// such misses: none while the engine answers).
//
// Members are deflated, as in npm's zip: a host that sends neither the build's
// .br copies nor compresses a .zip itself sends it as it is.
//
// Usage: node stdlib.mjs <pyodide folder> <engine folder> <finder.py> <output zip>
// (the engine folder holds the engine's pyodide-lock.json and wheel).
// Prints one line of JSON: {"modules", "compiled", "missing", "bytes"}.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, engineDir, finder, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node stdlib.mjs <pyodide folder> <engine folder> <finder.py> <output zip>");
  process.exit(2);
}
const folder = (path) => (path.endsWith("/") ? path : `${path}/`);
const { loadPyodide } = await import(pathToFileURL(`${folder(pyodideDir)}pyodide.mjs`).href);
const py = await loadPyodide({
  indexURL: folder(pyodideDir),
  lockFileURL: `${folder(engineDir)}pyodide-lock.json`,
  packageBaseUrl: folder(engineDir),
  stdout: () => {},
  stderr: (line) => console.error(line),
});
const errors = [];
const loaded = await py.loadPackage("selfcheck", {
  messageCallback: () => {},
  errorCallback: (message) => errors.push(message),
});
if (!loaded.some((item) => item.name === "selfcheck")) {
  console.error(`the engine package was not installed: ${errors.join(" ")}`);
  process.exit(1);
}
py.runPython(`
import importlib, os, selfcheck
for name in sorted(os.listdir(os.path.dirname(selfcheck.__file__))):
    if name.endswith(".py") and name != "__init__.py":
        importlib.import_module("selfcheck." + name[:-3])
`);
// The worker reports the engine's errors: Pyodide formats their traceback.
try {
  py.runPython("from selfcheck.form import Session\nSession('not rules')");
} catch {
  // expected
}
py.FS.writeFile("/tmp/python_stdlib.zip", readFileSync(`${folder(pyodideDir)}python_stdlib.zip`));
py.FS.writeFile("/tmp/finder.py", readFileSync(finder));
const summary = py.runPython(`
import sys

# The zip's members that the running interpreter imported from it.
(library,) = [entry for entry in sys.path if entry.endswith(".zip")]
used = set()
for module in list(sys.modules.values()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    if origin.startswith(library + "/"):
        used.add(origin[len(library) + 1 :])

# Imported only now: they count above only if Pyodide or the engine did import
# them (Pyodide does import json and zipfile).
import json  # noqa: E402
import py_compile  # noqa: E402
import zipfile  # noqa: E402


def dotted(member):
    name = member[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def compiled(path, shown):
    # Hash-based and unchecked: valid without the source beside it. Named as
    # the interpreter names it when it compiles the source.
    py_compile.compile(
        path,
        cfile="/tmp/module.pyc",
        dfile=shown,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    with open("/tmp/module.pyc", "rb") as file:
        return file.read()


def add(out, name, data, date_time=(1980, 1, 1, 0, 0, 0)):
    info = zipfile.ZipInfo(name, date_time=date_time)
    # A ZipInfo carries its own compression (stored, by default).
    info.compress_type, info.compress_level = zipfile.ZIP_DEFLATED, 9
    out.writestr(info, data)


with zipfile.ZipFile("/tmp/python_stdlib.zip") as source, zipfile.ZipFile(
    "/tmp/out.zip", "w", zipfile.ZIP_DEFLATED
) as out:
    members = [m for m in source.infolist() if m.filename.endswith(".py")]
    missing = sorted(dotted(m.filename) for m in members if m.filename not in used)
    for member in members:
        if member.filename not in used:
            continue
        with open("/tmp/module.py", "wb") as file:
            file.write(source.read(member))
        data = compiled("/tmp/module.py", f"{library}/{member.filename}")
        add(out, member.filename[:-3] + ".pyc", data, member.date_time)
    with open("/tmp/finder.py", encoding="utf-8") as file:
        text = file.read()
    line = "MISSING: frozenset[str] = frozenset()"
    if text.count(line) != 1:
        raise SystemExit(f"the finder has no line {line!r} to fill")
    text = text.replace(line, f"MISSING: frozenset[str] = frozenset({missing!r})")
    with open("/tmp/finder_filled.py", "w", encoding="utf-8") as file:
        file.write(text)
    add(out, "_selfcheck_stdlib.pyc", compiled("/tmp/finder_filled.py", f"{library}/_selfcheck_stdlib.py"))
json.dumps({"modules": len(used), "compiled": len(used) + 1, "missing": len(missing)})
`);
const zip = py.FS.readFile("/tmp/out.zip");
writeFileSync(output, zip);
console.log(JSON.stringify({ ...JSON.parse(summary), bytes: zip.length }));
