// The standard library the self-check's Pyodide boots with: Pyodide's own
// python_stdlib.zip (from npm), in which the modules the self-check imports are
// compiled to bytecode by that same Pyodide.
//
// Pyodide ships its standard library as source, so every module it imports
// is compiled in the browser at each boot: a bare warm boot took 1,786 ms in
// Chromium with npm's zip and 690 ms with this one (make bench, 2026-12-01).
// Compiled here once, with the interpreter that will
// run them (a .pyc is only read by the Python that wrote it): what Pyodide's
// boot imports, what loadPackage imports to install a wheel, and what the
// engine imports. Every other module stays source, compiled when imported.
//
// Members are deflated, as in npm's zip: 3.2 MB (npm's: 2.5 MB). Stored, the
// zip's Brotli copy would be 2.1 MB, but only a host that serves the build's
// .br copies sends that. Netlify, Cloudflare and GitHub Pages compress on
// their own, by content type: Cloudflare's documented list has
// application/wasm and not application/zip, and for the other two no list was
// found. A stored zip could reach a reader at its full 10.2 MB.
//
// Usage: node stdlib.mjs <pyodide folder> <engine folder> <output zip>
// (the engine folder holds the engine's pyodide-lock.json and wheel).
// Prints one line of JSON: {"modules", "compiled", "bytes"}.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, engineDir, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node stdlib.mjs <pyodide folder> <engine folder> <output zip>");
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
py.runPython("import selfcheck.form");
py.FS.writeFile("/tmp/python_stdlib.zip", readFileSync(`${folder(pyodideDir)}python_stdlib.zip`));
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

compiled = 0
with zipfile.ZipFile("/tmp/python_stdlib.zip") as source, zipfile.ZipFile(
    "/tmp/out.zip", "w", zipfile.ZIP_DEFLATED
) as out:
    for member in source.infolist():
        data = source.read(member)
        name = member.filename
        if name in used and name.endswith(".py"):
            with open("/tmp/module.py", "wb") as file:
                file.write(data)
            # Hash-based and unchecked: valid without the source beside it.
            # Named as the interpreter names it when it compiles the source.
            py_compile.compile(
                "/tmp/module.py",
                cfile="/tmp/module.pyc",
                dfile=f"{library}/{name}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            with open("/tmp/module.pyc", "rb") as file:
                data = file.read()
            name = name[:-3] + ".pyc"
            compiled += 1
        info = zipfile.ZipInfo(name, date_time=member.date_time)
        info.external_attr = member.external_attr
        # A ZipInfo carries its own compression (stored, by default).
        info.compress_type, info.compress_level = zipfile.ZIP_DEFLATED, 9
        out.writestr(info, bytes(data))
json.dumps({"modules": len(used), "compiled": compiled})
`);
const zip = py.FS.readFile("/tmp/out.zip");
writeFileSync(output, zip);
console.log(JSON.stringify({ ...JSON.parse(summary), bytes: zip.length }));
