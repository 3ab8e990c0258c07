// The self-check engine in a module Web Worker: Pyodide (self-hosted), the
// engine package and the rules bundle. It decides nothing itself: every message
// is answered by selfcheck.form.Session (Python), JSON text in and out.
//
// Boots at once from its own URL: worker.js?v=…&pyodide=…&lock=…&stdlib=…&library=…&rules=…
// (paths relative to this file), so no message round trip delays the start.
// The standard library is the build's (sitebuild/stdlib.mjs): the modules of
// Pyodide's own that the self-check imports, compiled. Any other module still
// imports: its finder (_selfcheck_stdlib, installed first) fetches Pyodide's
// whole library (`library`) the first time one is asked for.
// Pyodide boots with the engine's lock file (Pyodide's own, plus the engine
// wheel and its sha256) and installs the engine with loadPackage: the browser
// checks the wheel against that sha256 (Subresource Integrity) and refuses an
// altered one, which then never runs.
// In:  {id, kind: "answers" | "form", json, lang}
// Out: {type: "ready"} | {type: "error", reason, message}
//      {type: "progress", received, complete, encoding} (the boot files' bytes,
//      below) | {type: "working"} (no download under way)
//      {id, json} | {id, error}

const PYTHON = "from selfcheck.form import Session\nSession";

let session = null;
// Once a download has failed (and the boot reports it), Pyodide's own pending
// fetch promises still reject: expected, not errors of the page.
let bootFailed = false;
self.addEventListener("unhandledrejection", (event) => {
  if (bootFailed) event.preventDefault();
});
const queue = [];

// A blocked or failed download must end the boot at once: Pyodide's loader
// waits forever when its .wasm cannot be fetched. Every fetch of this worker
// (Pyodide's included) goes through this wrapper.
let downloadFailed;
const failedDownload = new Promise(
  (_, reject) =>
    (downloadFailed = (error) => {
      bootFailed = true;
      reject(error);
    }),
);
failedDownload.catch(() => {});
const nativeFetch = globalThis.fetch.bind(globalThis);
const downloads = (resource) =>
  nativeFetch(resource).then(
    (response) => response.ok,
    () => false,
  );
// The files this boot used (the page asks the service worker to keep them).
const used = new Set([self.location.href]);

globalThis.fetch = async (resource, options) => {
  const url = String(resource?.url ?? resource);
  used.add(new URL(url, self.location.href).href);
  downloadStarted();
  let response;
  try {
    response = await nativeFetch(resource, options);
  } catch (error) {
    downloadEnded();
    // A file fetched with its sha256 (the engine's wheel) that fails: refused by
    // the integrity check if it downloads fine without it.
    const reason = options?.integrity && (await downloads(resource)) ? "integrity" : "network";
    downloadFailed(Object.assign(new Error(`${url}: ${error?.message ?? error}`), { reason }));
    throw error;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok) {
    downloadFailed(Object.assign(new Error(`${url}: HTTP ${response.status}`), { reason: "network" }));
  } else if (/\.wasm$/.test(new URL(url, location).pathname) && !type.startsWith("application/wasm")) {
    // Pyodide cannot compile it and does not say so: the server needs
    // "Content-Type: application/wasm".
    downloadFailed(
      Object.assign(new Error(`${url}: served as "${type}", not application/wasm`), { reason: "network" }),
    );
  }
  return counted(response, new URL(url, self.location.href).pathname);
};

// A .wasm that does not compile (cut short on the way, altered): Pyodide
// warns and then waits for ever, which the page would report as a stalled
// download 30 s later; the boot ends at once, as an error of the worker.
for (const name of ["instantiateStreaming", "instantiate", "compileStreaming", "compile"]) {
  const native = WebAssembly[name];
  if (typeof native !== "function") continue;
  WebAssembly[name] = function (...args) {
    const result = native.apply(this, args);
    result.catch((error) => {
      // A TypeError is about the response (its type, its download), which
      // the download's own checks report; anything else is about the module
      // itself (Firefox reports a module cut short as an InternalError, "out
      // of memory", where other engines say CompileError).
      if (!(error instanceof TypeError)) {
        downloadFailed(
          Object.assign(new Error(`the runtime does not compile: ${error.message}`), { reason: "worker" }),
        );
      }
    });
    return result;
  };
}

// Every byte that arrives is told to the page (at most every 100 ms), by
// file: the page shows the progress, and gives up only when nothing arrives
// for a while. The bytes counted are those the browser hands over,
// decompressed; the page weighs each file's share by its sizes on the
// network, which the build wrote, for the Content-Encoding the host uses
// (said here too). A file imported as a module (Pyodide's two scripts) and
// this script itself are counted once they have arrived.
const received = {}; // path → bytes read so far
const complete = new Set([self.location.pathname]); // paths read to their end
let toldAt = 0;
// null until the first response says it; then the host's Content-Encoding
// ("" for none): some files (a zip) come as they are even where others come
// compressed, so a file without one does not undo what another said.
let encoding = null;
// Downloads under way. When none is, the worker computes (compiles the
// runtime, starts Python, installs the engine): nothing is awaited from the
// network, and however long a slow or busy device takes, the boot has not
// stalled; the page is told so ("working"), and a new download tells it again.
let downloading = 0;

function downloadStarted() {
  downloading += 1;
  tell(true);
}

function downloadEnded() {
  downloading -= 1;
  if (downloading === 0) postMessage({ type: "working" });
}

function tell(force = false) {
  const now = performance.now();
  if (force || now - toldAt > 100) {
    toldAt = now;
    postMessage({ type: "progress", received, complete: [...complete], encoding });
  }
}

function counted(response, path) {
  if (!response.ok || !response.body) {
    downloadEnded();
    return response;
  }
  encoding = response.headers.get("content-encoding") || encoding || "";
  // The bytes are counted on a copy, read alongside: the response itself goes
  // on untouched, so that the browser can still stream the .wasm into its
  // compiler and keep the compiled code for the next visit (a Response built
  // from a script's stream has neither).
  const reader = response.clone().body.getReader();
  const count = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received[path] = (received[path] ?? 0) + value.byteLength;
      tell();
    }
    complete.add(path);
    tell(true);
  };
  count()
    .catch(() => {})
    .finally(downloadEnded);
  return response;
}

// A module imported (not fetched): counted whole once it has arrived.
async function imported(url) {
  downloadStarted();
  try {
    const module = await import(url);
    complete.add(new URL(url).pathname);
    return module;
  } finally {
    downloadEnded();
  }
}

async function download(url, kind) {
  const response = await fetch(url);
  if (!response.ok) throw Object.assign(new Error(`${url}: HTTP ${response.status}`), { reason: "network" });
  return kind === "text" ? response.text() : response.arrayBuffer();
}

function boot(urls) {
  return Promise.race([start(urls), failedDownload]);
}

async function start({ pyodide: indexURL, lock, stdlib, library, rules }) {
  // Start the rules' download while Pyodide boots.
  const rulesText = download(rules, "text");
  rulesText.catch(() => {});
  let loadPyodide;
  used.add(`${indexURL}pyodide.mjs`).add(`${indexURL}pyodide.asm.mjs`);
  // pyodide.mjs imports pyodide.asm.mjs by the same URL: a module is
  // fetched once per worker, and this import tells when it has arrived.
  imported(`${indexURL}pyodide.asm.mjs`).catch(() => {});
  try {
    ({ loadPyodide } = await imported(`${indexURL}pyodide.mjs`));
  } catch (error) {
    throw Object.assign(error, { reason: "network" });
  }
  const py = await loadPyodide({
    indexURL,
    lockFileURL: lock,
    stdLibURL: stdlib,
    stdout: () => {},
    stderr: () => {},
  });
  if (library) py.pyimport("_selfcheck_stdlib").install(library);
  // The tests and benchmarks reach the interpreter through the browser's
  // debugging protocol (no page script can reach a worker's globals).
  globalThis.selfcheckPython = py;
  // loadPackage does not throw when a package is refused: it leaves it out.
  const problems = [];
  const loaded = await py.loadPackage("selfcheck", {
    messageCallback: () => {},
    errorCallback: (message) => problems.push(message),
  });
  if (!loaded.some((item) => item.name === "selfcheck")) {
    // (A wheel refused by its sha256 has already ended the boot, in fetch.)
    throw Object.assign(new Error(`the engine package was not installed: ${problems.join(" ")}`), {
      reason: "worker",
    });
  }
  const Session = py.runPython(PYTHON);
  const instance = Session(await rulesText);
  Session.destroy();
  session = { answers: instance.evaluate, form: instance.form };
}

function answer({ id, kind, json, lang }) {
  try {
    postMessage({ id, json: session[kind](json, lang) });
  } catch (error) {
    postMessage({ id, error: String(error?.message ?? error) });
  }
}

const params = new URL(self.location.href).searchParams;
const here = (name) => new URL(params.get(name) ?? "", self.location.href).href;
// (Without a standard library named, Pyodide's own, beside it: the page always names one.)
const stdlib = params.has("stdlib") ? here("stdlib") : undefined;
const library = params.has("library") ? here("library") : undefined;
boot({ pyodide: here("pyodide"), lock: here("lock"), stdlib, library, rules: here("rules") }).then(
  () => {
    postMessage({ type: "ready", files: [...used] });
    queue.splice(0).forEach(answer);
  },
  (error) => {
    bootFailed = true;
    const message = String(error?.message ?? error);
    const reason = error?.reason ?? "worker";
    postMessage({ type: "error", reason, message });
  },
);

self.onmessage = ({ data }) => {
  if (session) answer(data);
  else queue.push(data);
};
