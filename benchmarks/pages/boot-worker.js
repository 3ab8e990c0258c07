const indexURL = new URL(self.location.href).searchParams.get("pyodide");
const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const py = await loadPyodide({ indexURL });
postMessage(`Python says ${py.runPython("1 + 1")}`);
