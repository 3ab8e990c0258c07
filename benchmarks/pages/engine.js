// The self-check's own worker (Pyodide + engine wheel + rules) in a blank page,
// up to its first result: what the engine costs over the bare boot, without
// the cost of the Material page around the widget. The worker's query string
// (the files the built self-check page names) comes in this page's query.
const worker = new Worker(`/assets/selfcheck/worker.js${location.search}`, { type: "module" });
worker.onmessage = ({ data }) => {
  if (data.type === "ready") {
    // No answer yet: the engine's widest evaluation (every question open).
    worker.postMessage({ id: 1, kind: "answers", json: "{}", lang: document.documentElement.lang });
  } else if (data.id === 1) {
    performance.mark("boot:ready");
    const status = document.getElementById("status");
    status.textContent = JSON.parse(data.json).verdict;
    status.dataset.state = "ready";
  }
};
