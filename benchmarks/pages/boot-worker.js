// The bare boot: Pyodide's own files, with the lock file the self-check uses
// and a standard library (npm's own, or the build's compiled one): the folder,
// the lock and the library come in the query string. No package is loaded.
const params = new URL(self.location.href).searchParams;
const indexURL = params.get("pyodide");
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const py = await loadPyodide({ indexURL, lockFileURL: params.get("lock"), stdLibURL: params.get("stdlib") });
// benchmarks/stdlib_floor.py reads its modules through the debugging protocol.
globalThis.benchPython = py;
postMessage(`Python says ${py.runPython("1 + 1")}`);
