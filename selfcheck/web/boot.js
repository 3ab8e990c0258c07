// Starts the engine's worker as early as possible. Loaded from the <head> of
// the self-check page only (theme main.html), before the body is parsed; its
// query string names the engine's files and goes on to worker.js, which boots
// from it at once. widget.js takes the worker over (globalThis.selfcheckBoot)
// and replays what the worker said before it was there.

const early = [];
let worker = null;
if (typeof WebAssembly === "object" && typeof Worker === "function") {
  try {
    worker = new Worker(new URL(`worker.js${new URL(import.meta.url).search}`, import.meta.url), {
      type: "module",
    });
    worker.onmessage = ({ data }) => early.push({ data });
    worker.onerror = (event) => {
      event.preventDefault();
      early.push({ error: event.message ?? "" });
    };
  } catch {
    worker = null; // widget.js tries again and reports the failure
  }
}
globalThis.selfcheckBoot = { worker, early };
