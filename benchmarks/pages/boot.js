// Baseline: the same self-hosted Pyodide files booted in a module Web Worker,
// with nothing else (no engine, no rules, no form). The Pyodide folder, the
// lock file and the standard library come in the query string:
// boot.html?pyodide=/assets/…/&lock=/assets/…/pyodide-lock.json&stdlib=/…/python_stdlib.zip
const worker = new Worker(new URL(`boot-worker.js${location.search}`, import.meta.url), {
  type: "module",
});
worker.onmessage = (event) => {
  performance.mark("boot:ready");
  const status = document.getElementById("status");
  status.textContent = event.data;
  status.dataset.state = "ready";
};
