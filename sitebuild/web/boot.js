// The first script of the self-check page: a classic script, run from the
// <head> (theme main.html) before the body is parsed. Only that page loads it.
//
// 1. It starts the engine's worker at once. Its query string names the
//    engine's files and goes on to worker.js, which boots from it without
//    waiting for a message. widget.js takes the worker over
//    (globalThis.selfcheckBoot) and replays what the worker said before.
// 2. It holds back Material's search index until the engine has given its
//    first result (or has failed), or until the reader opens the search, or
//    20 s have passed; register.js waits for the same moment
//    (selfcheckBoot.booted) before the service worker downloads the site.
//    Material downloads that index as soon as a page opens and builds it in
//    its own worker: about 0.2 s of work which, on a two-core machine, slows
//    the engine's boot (20 cold loads: first verdict 2,188 ms with the index
//    built at once, 2,039 ms with it held back and no spinning animation).
(() => {
  const script = document.currentScript;
  const early = [];
  let worker = null;

  const openRequest = XMLHttpRequest.prototype.open;
  const sendRequest = XMLHttpRequest.prototype.send;
  const searchIndex = new WeakSet();
  const held = [];
  let holding = true;
  let booted;
  const boot = new Promise((resolve) => (booted = resolve));
  const release = () => {
    if (!holding) return;
    holding = false;
    for (const send of held.splice(0)) send();
    booted();
  };
  const isSearchIndex = (url) => {
    try {
      return /\/search\/search_index\.json$/.test(new URL(url, location.href).pathname);
    } catch {
      return false; // not a URL: XMLHttpRequest itself will say so
    }
  };
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (isSearchIndex(url)) searchIndex.add(this);
    return openRequest.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (holding && searchIndex.has(this)) held.push(() => sendRequest.apply(this, body));
    else sendRequest.apply(this, body);
  };
  document.addEventListener("focusin", (event) => {
    if (event.target.closest?.('[data-md-component="search-query"]')) release();
  });
  document.addEventListener("change", (event) => {
    if (event.target.id === "__search") release();
  });
  setTimeout(release, 20000);

  if (typeof WebAssembly === "object" && typeof Worker === "function") {
    try {
      const query = new URL(script.src).search;
      worker = new Worker(new URL(`worker.js${query}`, script.src), { type: "module" });
      worker.onmessage = ({ data }) => early.push({ data });
      worker.onerror = (event) => {
        event.preventDefault();
        early.push({ error: event.message ?? "" });
      };
      // The first result (widget.js has shown it by now: its handler runs
      // first) or an error: the boot is over, the search may build its index.
      worker.addEventListener("message", ({ data }) => {
        if (data?.type === "ready") performance.mark("selfcheck:engine-ready"); // read by tests
        if (data?.type === "error" || data?.id !== undefined) release();
      });
      worker.addEventListener("error", release);
    } catch {
      worker = null; // widget.js tries again and reports the failure
    }
  }
  if (!worker) release();
  globalThis.selfcheckBoot = { worker, early, booted: boot };
})();
