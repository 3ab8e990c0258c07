// The bare boot: Pyodide's own files, with the lock file the self-check uses
// (its folder and the lock come in the query string), and no package loaded.
const params = new URL(self.location.href).searchParams;
const indexURL = params.get("pyodide");
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const py = await loadPyodide({ indexURL, lockFileURL: params.get("lock") });
postMessage(`Python says ${py.runPython("1 + 1")}`);
