// The self-check widget (main thread). It moves the form to the engine
// (worker.js: Pyodide + selfcheck.form) and the engine's answer into the page.
// It decides nothing and formats nothing: the verdict, the amounts, every
// text, the share fragment, which questions still matter and how a typed
// number was read all come from Python. The words it needs while running
// come from the page's JSON block (#selfcheck-words), rendered at build time
// from the catalogue (selfcheck/locales/).
//
// Testing contract: see sitebuild/README.md, "Self-check widget contract".

const root = document.querySelector("[data-selfcheck-root]");
const lang = root.dataset.lang;
const $ = (selector) => root.querySelector(selector);
const words = JSON.parse($("#selfcheck-words").textContent);
const form = $("#selfcheck-form");
const questions = [...root.querySelectorAll("[data-question]")];
const result = $("#selfcheck-result");
const outcome = $(".selfcheck-outcome");
const waiting = $(".selfcheck-waiting");
const announcer = $("#selfcheck-announce");
const statusBox = $("#selfcheck-status");
const shareBox = $("#selfcheck-share");
const shareUrl = $("#selfcheck-share-url");
const showAllButton = $('[data-action="show-all"]');
const criterionTemplate = $("#selfcheck-criterion");
const sourceTemplate = $("#selfcheck-source");
const wayTemplate = $("#selfcheck-way");
const missingTemplate = $("#selfcheck-missing-item");
const recapTemplate = $("#selfcheck-recap-row");
const problemTemplate = $("#selfcheck-problem");
const summaryTemplate = $("#selfcheck-summary");
const summary = $("#selfcheck-error-summary");
const jump = $(".selfcheck-jump");
const backToRecap = $(".selfcheck-back");
const clone = (template) => template.content.firstElementChild.cloneNode(true);

// ---------------------------------------------------------------------------
// The engine, in a module worker

let worker = null;
let nextId = 0;
const pending = new Map();
let settle;
let ready;

function newReady() {
  ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {}); // failures are shown in the page; callers still see the rejection
  if (window.selfcheck) window.selfcheck.ready = ready;
}
newReady();

// The answers as JSON that Python's json module reads: a number that is not
// finite stays a number (NaN, Infinity), where JSON.stringify would write
// null ("no answer"), so that the engine answers with its own error.
const NON_FINITE = "\u0000selfcheck-non-finite:";
function toJson(payload) {
  const text = JSON.stringify(payload, (_, value) =>
    typeof value === "number" && !Number.isFinite(value) ? `${NON_FINITE}${value}` : value,
  );
  return text.replace(/"\\u0000selfcheck-non-finite:(NaN|-?Infinity)"/g, "$1");
}

// Ask the worker: kind "answers" (the JSON contract) or "form" (the form's view).
function ask(kind, payload) {
  return ready.then(
    () =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, kind, json: toJson(payload), lang });
      }),
  );
}

const evaluate = (answers) => ask("answers", answers ?? {});

// The boot gives up when its downloads stall (no byte, no step, for a while),
// not after a total time: on a slow phone link it takes minutes, and goes on.
// While no download is under way (the worker says "working": it compiles the
// runtime, starts Python), nothing can stall: a slow or busy device takes what
// it takes.
let stallTimer;
const slowTimer = setTimeout(() => {
  if (root.dataset.state === "loading") progressText.textContent = words.slow;
}, Number(root.dataset.slow));
const progressText = $(".selfcheck-status-text");

function alive() {
  clearTimeout(stallTimer);
  stallTimer = setTimeout(() => fail("stalled"), Number(root.dataset.stall));
}

// The engine's files downloaded so far, in words the build wrote (Python
// formats the sizes: "2,1 Mo sur 4,4 Mo"), for the Content-Encoding the host
// sends them with (the build wrote one list per encoding it knows, with each
// file's sizes: as the worker counts it, decompressed, and as it crosses the
// network). Each file weighs its bytes on the network times the share of it
// received; until the first response has said how the host compresses,
// the loading text stays as it is.
const engineFolder = new URL(".", import.meta.url);
function progress({ received, complete, encoding }) {
  alive();
  if (encoding === null) return;
  const { sizes, texts } = words.progress[encoding] ?? words.progress[""];
  let sent = 0;
  let total = 0;
  for (const [file, [decoded, onNetwork]] of Object.entries(sizes)) {
    const path = new URL(file, engineFolder).pathname;
    const share = complete.includes(path) ? 1 : Math.min(1, (received[path] ?? 0) / decoded);
    sent += onNetwork * share;
    total += onNetwork;
  }
  const step = Math.min(texts.length - 1, Math.floor((sent / total) * (texts.length - 1)));
  progressText.textContent = texts[Math.max(0, step)];
}

function fail(reason, detail) {
  if (root.dataset.state === "error") return;
  clearTimeout(stallTimer);
  clearTimeout(slowTimer);
  worker?.terminate();
  root.dataset.state = "error";
  statusBox.hidden = true;
  const box = $("#selfcheck-error");
  for (const p of box.querySelectorAll("[data-reason]")) p.hidden = p.dataset.reason !== reason;
  box.hidden = false;
  console.warn("selfcheck: the engine could not start:", reason, detail ?? "");
  const error = new Error(`selfcheck engine unavailable (${reason})`);
  settle.reject(error);
  for (const { reject } of pending.values()) reject(error);
  pending.clear();
}

// Once the engine has booted, the site's service worker (if any) keeps the
// files it used, for the next visits, online or offline.
function keepEngine(files) {
  const page = [...document.querySelectorAll('script[src*="assets/selfcheck/"], link[href*="assets/selfcheck/"]')].map(
    (node) => new URL(node.src || node.href, location.href).href,
  );
  if (!("serviceWorker" in navigator)) return;
  const message = { type: "keep-engine", cache: root.dataset.engineCache, urls: [...files, ...page] };
  navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage(message)).catch(() => {});
  // A new release's service worker takes over at once, perhaps while the one
  // before was still keeping the files: the new one is asked too (it fetches
  // only what its cache lacks).
  navigator.serviceWorker.addEventListener("controllerchange", () =>
    navigator.serviceWorker.controller?.postMessage(message),
  );
}

// "Try again": a new worker. The files it already downloaded come from the
// browser's cache (they are named by their content, cached for good).
function retry() {
  $("#selfcheck-error").hidden = true;
  statusBox.hidden = false;
  root.dataset.state = "loading";
  newReady();
  start(false);
}

function start(fromHead = true) {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") return fail("nowasm");
  alive();
  // boot.js (in the page's <head>) has usually started the worker already.
  const boot = fromHead ? globalThis.selfcheckBoot : null;
  try {
    worker = boot?.worker ?? new Worker(new URL(root.dataset.worker, engineFolder), { type: "module" });
  } catch (error) {
    return fail("worker", error);
  }
  const onError = (message) => fail(message ? "worker" : "network", message); // no message: the script did not load
  const onMessage = (data) => {
    if (data.type === "progress") {
      progress(data);
    } else if (data.type === "working") {
      clearTimeout(stallTimer);
    } else if (data.type === "ready") {
      clearTimeout(stallTimer);
      clearTimeout(slowTimer);
      root.dataset.state = "ready";
      statusBox.hidden = true;
      const early = readForm();
      keepUntilNextAnswer = Object.keys(early.form).length + early.unknown.length > 0;
      settle.resolve();
      refresh(true);
      keepEngine(data.files ?? []);
    } else if (data.type === "error") {
      fail(data.reason, data.message);
    } else {
      const call = pending.get(data.id);
      pending.delete(data.id);
      try {
        if (data.error) throw new Error(data.error);
        call?.resolve(JSON.parse(data.json));
      } catch (error) {
        call?.reject(error); // the caller's to show; never an uncaught error
      }
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    onError(event.message);
  };
  worker.onmessage = ({ data }) => onMessage(data);
  for (const said of boot?.early.splice(0) ?? []) {
    if ("error" in said) onError(said.error);
    else onMessage(said.data);
  }
}

// ---------------------------------------------------------------------------
// The form as it stands: each field's raw value (the keys are the engine's)

const isChoice = (q) => q.dataset.type === "choice" || q.dataset.type === "boolean";
const textInput = (q) => q.querySelector("input[type=text]");
const unknownBox = (q) => q.querySelector("[data-unknown-for]");

function readForm() {
  const values = {};
  const unknown = [];
  for (const q of questions) {
    const key = q.dataset.question;
    if (isChoice(q)) {
      const checked = q.querySelector("input[type=radio]:checked");
      if (!checked) continue;
      if (checked.value === "") unknown.push(key);
      else values[key] = checked.value;
    } else if (unknownBox(q).checked) {
      unknown.push(key);
    } else if (textInput(q).value.trim() !== "") {
      values[key] = textInput(q).value.trim();
    }
  }
  return { form: values, unknown };
}

function setUnknown(q, unknown) {
  unknownBox(q).checked = unknown;
  textInput(q).disabled = unknown;
  if (unknown) textInput(q).value = "";
}

function clearForm() {
  form.reset();
  for (const q of questions) if (!isChoice(q)) setUnknown(q, false);
}

// The answers kept in this tab only (sessionStorage: this site, this tab,
// until it closes), so that a reload, the Back button or the other language's
// page finds them. "Clear my answers" removes them. Nothing is sent.
// Stored as {version, form, unknown, link}: `link` is the share link's
// fragment that seeded the form, so that the same link, met again (a reload,
// Back after an in-page anchor), does not bring back answers the reader has
// changed since. Whatever else lies under the key (another version, another
// shape, not JSON) is ignored, never thrown.
const storageKey = `selfcheck:${root.dataset.rulesId}`;
const STORED_VERSION = 1;
const fieldNames = new Set(questions.map((q) => q.dataset.question));
let seededBy = ""; // the share link's fragment that last filled the form

function remember(state) {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify({ version: STORED_VERSION, ...state, link: seededBy }));
  } catch {
    // storage refused (private mode, quota): the answers stay in the page only
  }
}

function forget() {
  seededBy = "";
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // nothing was kept
  }
}

// What the tab kept, if it is this version's shape; else null.
function kept() {
  let state;
  try {
    state = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
  } catch {
    return null;
  }
  if (state === null || typeof state !== "object" || state.version !== STORED_VERSION) return null;
  const { form, unknown, link } = state;
  if (form === null || typeof form !== "object" || Array.isArray(form) || !Array.isArray(unknown)) return null;
  const values = Object.entries(form).filter(([key, value]) => fieldNames.has(key) && typeof value === "string");
  return {
    form: Object.fromEntries(values),
    unknown: unknown.filter((key) => fieldNames.has(key)),
    link: typeof link === "string" ? link : "",
  };
}

function restore(state) {
  clearForm();
  seededBy = state.link;
  for (const q of questions) {
    const key = q.dataset.question;
    const value = state.form[key];
    const unknown = state.unknown.includes(key);
    if (isChoice(q)) {
      const wanted = unknown ? "" : value;
      const radio = [...q.querySelectorAll("input[type=radio]")].find((r) => r.value === wanted);
      if (radio) radio.checked = true;
    } else if (unknown) {
      setUnknown(q, true);
    } else if (typeof value === "string") {
      textInput(q).value = value;
    }
  }
}

function answersInFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return questions.some((q) => params.has(q.dataset.question)) ? params : null;
}

// A share link fills the form once; after that the tab's answers are the
// reader's, whatever the link still in the address bar says.
function seed() {
  const params = answersInFragment();
  const link = location.hash.slice(1);
  if (!params || link === seededBy) return false;
  fill(params);
  seededBy = link;
  remember(readForm());
  return true;
}

// A share fragment back into the form: option values and numbers as written
// (the engine wrote them so that they read back exactly).
function fill(params) {
  clearForm();
  for (const q of questions) {
    const value = params.get(q.dataset.question);
    if (value === null) continue;
    if (isChoice(q)) {
      const radio = [...q.querySelectorAll("input[type=radio]")].find((r) => r.value === value);
      if (radio) radio.checked = true;
    } else {
      textInput(q).value = value;
    }
  }
}

// ---------------------------------------------------------------------------
// The engine's answer into the page

function slots(node) {
  return Object.fromEntries([...node.querySelectorAll("[data-slot]")].map((n) => [n.dataset.slot, n]));
}

function criterionItem(criterion, shown) {
  const item = clone(criterionTemplate);
  item.dataset.criterion = criterion.id;
  item.dataset.status = criterion.status;
  const slot = slots(item);
  slot.mark.textContent = shown.mark;
  slot.status.textContent = `${shown.status} `;
  slot.title.textContent = criterion.title;
  slot.reason.textContent = shown.reason;
  slot.confidence.textContent = shown.confidence;
  slot.sources.append(...shown.sources.map(sourceLink));
  return item;
}

function sourceLink(source) {
  const entry = clone(sourceTemplate);
  const link = entry.querySelector("a");
  link.href = source.url;
  link.title = source.title;
  link.textContent = source.label;
  return entry;
}

// A question still open: a link to it, and where to find its answer.
function missingItem(missing) {
  const item = clone(missingTemplate);
  item.dataset.missing = missing.question;
  const slot = slots(item);
  slot.answer.textContent = missing.answer;
  slot.answer.href = `#selfcheck-${missing.question}`;
  slot.answer.dataset.edit = missing.question;
  slot.where.textContent = missing.where;
  slot.sources.append(...missing.sources.map(sourceLink));
  slot.confidence.textContent = missing.confidence;
  slot["sources-line"].hidden = missing.sources.length === 0;
  return item;
}

// The problems at the top of the form (GOV.UK's error summary), each a link
// to its field; the field's own message below it.
let summarised = "[]"; // no problem yet: the summary starts empty

function showSummary(errors) {
  // An alert speaks when its content changes: touch it only when the problems do.
  const key = JSON.stringify(errors);
  if (key === summarised) return;
  summarised = key;
  if (errors.length === 0) {
    summary.replaceChildren();
    return;
  }
  // Built apart, then put in at once: the alert speaks once.
  const content = clone(summaryTemplate);
  const list = content.querySelector("[data-slot=problems]");
  list.replaceChildren(
    ...errors.map((error) => {
      const item = clone(problemTemplate);
      const link = item.querySelector("a");
      const q = questions.find((each) => each.dataset.question === error.question);
      link.href = `#${(q?.querySelector("input[type=text]") ?? q)?.id ?? ""}`;
      link.dataset.problem = error.question;
      link.textContent = error.text;
      return item;
    }),
  );
  summary.replaceChildren(...content.childNodes);
}

// Numbers above a bound a source gives: a warning the reader can confirm.
const confirmed = new Map();

function showWarnings(warnings) {
  const texts = new Map(warnings.map((w) => [w.question, w.text]));
  for (const q of questions) {
    const box = q.querySelector(".selfcheck-warning");
    if (!box) continue;
    const text = texts.get(q.dataset.question);
    const typed = textInput(q).value.trim();
    box.hidden = text === undefined || confirmed.get(q.dataset.question) === typed;
    box.querySelector("[data-slot=text]").textContent = box.hidden ? "" : text;
  }
}

function showFieldErrors(errors) {
  const messages = new Map(errors.map((e) => [e.question, e.text]));
  for (const q of questions) {
    const message = messages.get(q.dataset.question);
    const box = q.querySelector(".selfcheck-field-error");
    box.textContent = message ?? "";
    box.hidden = message === undefined;
    // Only the field that holds the answer is invalid, not its "I don't know".
    for (const input of q.querySelectorAll("input[type=text], input[type=radio]")) {
      if (message !== undefined) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
}

// Which questions show: the engine's `visible` (answered, "I don't know", or
// still able to change the result), unless the reader asked to see every
// question. The focused one never hides.
let showAll = false;
let visible = null;
// Answers given while the engine loaded are evaluated once it is ready, but the
// questions they make moot stay in place until the reader answers again: they
// are not snatched from under the reader by a download finishing.
let keepUntilNextAnswer = false;

function showQuestions() {
  if (!visible) return;
  for (const q of questions) {
    const needed = visible.includes(q.dataset.question) || q.contains(document.activeElement);
    q.hidden = !(showAll || needed || (keepUntilNextAnswer && !q.hidden));
  }
}

let firstVerdict = true;
let lastAnnounced = "";

function announce(text) {
  if (text === lastAnnounced) return;
  lastAnnounced = text;
  announcer.textContent = text;
}

// No verdict to show (no answer yet, or an answer to correct): say why.
function showNoResult(message) {
  result.dataset.verdict = "";
  result.dataset.amount = "";
  jump.hidden = true;
  $(".selfcheck-criteria").replaceChildren();
  for (const name of ["ways", "reliability", "reading", "recap", "missing"]) slots(outcome)[name].replaceChildren();
  outcome.hidden = true;
  waiting.textContent = message;
  waiting.hidden = false;
}

function render(view, touched, speak) {
  const res = view.result;
  const shown = res.display;
  // The answers this result reflects, as in a share link (tests wait on it).
  result.dataset.answers = view.fragment;
  showFieldErrors(shown.errors);
  showSummary(shown.errors);
  showWarnings(shown.warnings ?? []);
  if (res.errors.length) return showNoResult(words.result_fix);
  visible = view.visible;
  showQuestions();
  if (!touched) return showNoResult(words.result_empty);
  result.dataset.verdict = res.verdict;
  result.dataset.amount = res.amount === null ? "" : String(res.amount);
  const slot = slots(outcome);
  slot.verdict.textContent = shown.verdict;
  slot.hint.textContent = shown.hint;
  slot.amount.textContent = shown.amount;
  slot.amount.hidden = shown.amount === "";
  slot.rules.textContent = shown.rules;
  $(".selfcheck-criteria").replaceChildren(
    ...res.criteria.map((criterion, index) => criterionItem(criterion, shown.criteria[index])),
  );
  // What would make it yes, or what would have changed it: the engine's sentences.
  const ways = [...res.eligible_if, ...res.would_change].map((way, index) => {
    const item = clone(wayTemplate);
    item.querySelector(".selfcheck-or").textContent = index ? `${words.or} ` : "";
    slots(item).text.textContent = way.text;
    return item;
  });
  slot.ways.replaceChildren(...ways);
  slot.ways.hidden = ways.length === 0;
  slot.missing.replaceChildren(...shown.missing.map(missingItem));
  slot["missing-box"].hidden = shown.missing.length === 0;
  slot.reliability.textContent = shown.confidence;
  slot.reliability.hidden = shown.confidence === "";
  // What another reading of the sources would have answered, and why not it.
  slot.reading.textContent = shown.reading;
  slot.reading.hidden = shown.reading === "";
  slot.recap.replaceChildren(
    ...view.recap.map((row) => {
      const item = clone(recapTemplate);
      const cell = slots(item);
      cell.label.textContent = row.label;
      cell.value.textContent = row.value;
      cell.edit.href = `#selfcheck-${row.question}`;
      cell.edit.dataset.edit = row.question;
      cell.edit.setAttribute("aria-label", row.edit);
      return item;
    }),
  );
  for (const block of root.querySelectorAll("[data-show-for]")) {
    block.hidden = !block.dataset.showFor.split(" ").includes(res.verdict);
  }
  waiting.hidden = true;
  outcome.hidden = false;
  // Once the answers settle the verdict, a link takes the reader to it.
  jump.hidden = res.verdict === "undetermined";
  slots(jump).jump.textContent = shown.verdict;
  // The amount too: a change from one amount to another happens in view.
  slots(jump)["jump-amount"].textContent = shown.amount;
  uncover(lastUsed);
  if (firstVerdict) {
    firstVerdict = false;
    performance.mark("selfcheck:first-verdict"); // read by benchmarks/run.py
  }
  if (speak) announce(shown.announcement);
}

// The "see my result" bar stays at the bottom of the screen: it must never
// cover the focused control, nor the one just tapped (focus not obscured,
// WCAG 2.4.11). The page's scroll-padding asks browsers to scroll past it;
// where a control still ends under it, the page scrolls by the overlap.
let lastUsed = null;

function uncover(element) {
  if (!element?.isConnected || jump.hidden || !root.contains(element)) return;
  const bar = jump.getBoundingClientRect();
  const box = element.getBoundingClientRect();
  if (box.bottom > bar.top && box.top < bar.bottom && bar.height > 0) {
    window.scrollBy({ top: box.bottom - bar.top + 8, behavior: "instant" });
  }
}

root.addEventListener("focusin", (event) => {
  if (jump.contains(event.target)) return;
  lastUsed = event.target;
  // after the browser's own scrolling to the focused element
  requestAnimationFrame(() => uncover(event.target));
});

let sequence = 0;

async function refresh(speak) {
  if (root.dataset.state !== "ready") return;
  const state = readForm();
  const mine = ++sequence;
  let view;
  try {
    view = await ask("form", state);
  } catch {
    return;
  }
  const touched = Object.keys(state.form).length + state.unknown.length > 0;
  if (mine === sequence) render(view, touched, speak);
  return view;
}

// ---------------------------------------------------------------------------
// Events: an answer is evaluated once it has settled — a number when the
// reader leaves the field, presses Enter or stops typing for a while; a choice
// at once when clicked or tapped, after a moment when arrow keys move it (each
// arrow selects an option) — so that nothing appears, vanishes or is announced
// under the reader's fingers.

const TYPING_PAUSE_MS = 2000; // typing "12" at a relaxed pace leaves 0.5–1 s between keys
const ARROWS_STILL_MS = 800; // a choice held still, after arrow keys
let settleTimer;
let pointerAt = -Infinity;

function settleAnswers(after = 0) {
  clearTimeout(settleTimer);
  if (after) settleTimer = setTimeout(() => refresh(true), after);
  else refresh(true);
}

form.addEventListener("submit", (event) => event.preventDefault());
form.addEventListener("pointerdown", () => {
  pointerAt = performance.now();
});
form.addEventListener("input", (event) => {
  remember(readForm()); // kept at once, whatever the engine's state
  if (event.target.type === "text") settleAnswers(TYPING_PAUSE_MS);
});
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.type === "text") {
    event.preventDefault();
    settleAnswers();
  }
});
form.addEventListener("change", (event) => {
  keepUntilNextAnswer = false;
  lastUsed = event.target.closest("label") ?? event.target;
  const box = event.target.closest("[data-unknown-for]");
  if (box) {
    const q = box.closest("[data-question]");
    setUnknown(q, box.checked);
    if (!box.checked) textInput(q).focus();
  }
  remember(readForm());
  const byPointer = performance.now() - pointerAt < 1000;
  settleAnswers(event.target.type === "radio" && !byPointer ? ARROWS_STILL_MS : 0);
});

root.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-edit], [data-problem], [data-action]");
  if (!target) return;
  if (target.dataset.edit || target.dataset.problem) {
    // "Modifier", or a problem of the summary: to the question's field, shown
    // even if it no longer matters.
    event.preventDefault();
    const key = target.dataset.edit ?? target.dataset.problem;
    const q = questions.find((item) => item.dataset.question === key);
    q.hidden = false;
    // "Check your answers": a change made from the recap leads back to it.
    if (target.dataset.edit && target.closest("[data-slot=recap]")) {
      q.append(backToRecap);
      backToRecap.hidden = false;
    }
    (q.querySelector("input:checked, input:not([type=radio])") ?? q.querySelector("input")).focus();
    return;
  }
  const action = target.dataset.action;
  if (action === "retry") {
    retry();
  } else if (action === "show-all") {
    showAll = !showAll;
    showAllButton.setAttribute("aria-pressed", String(showAll));
    showQuestions();
  } else if (action === "back-to-recap") {
    event.preventDefault();
    backToRecap.hidden = true;
    form.append(backToRecap);
    const heading = $("#selfcheck-recap-title");
    heading.scrollIntoView({ block: "start" });
    heading.focus();
  } else if (action === "see-result") {
    // The result comes to the reader when asked: focus on its heading.
    event.preventDefault();
    const heading = $("#selfcheck-result-title");
    heading.scrollIntoView({ block: "start" });
    heading.focus();
  } else if (action === "confirm") {
    // "This number is right": the warning goes, the number stays.
    const q = target.closest("[data-question]");
    confirmed.set(q.dataset.question, textInput(q).value.trim());
    const box = q.querySelector(".selfcheck-warning");
    box.hidden = true;
    box.querySelector("[data-slot=text]").textContent = "";
    textInput(q).focus();
  } else if (action === "share") {
    await ready.catch(() => {});
    const view = await refresh(false);
    if (!view) return;
    const fragment = view.fragment;
    history.replaceState(history.state, "", fragment ? `#${fragment}` : location.pathname + location.search);
    // The link now says what the form holds: it seeded nothing the reader has not seen.
    seededBy = fragment;
    remember(readForm());
    shareUrl.value = location.href;
    shareBox.hidden = false;
    shareUrl.focus();
    shareUrl.select();
  } else if (action === "copy") {
    const copied = navigator.clipboard?.writeText(shareUrl.value) ?? Promise.reject();
    copied.then(
      () => announce(words.copied),
      () => {
        shareUrl.focus();
        shareUrl.select();
        announce(words.copy_failed);
      },
    );
  } else if (action === "clear") {
    // A number still waiting for its typing pause would come back as an answer.
    clearTimeout(settleTimer);
    keepUntilNextAnswer = false;
    backToRecap.hidden = true;
    form.append(backToRecap);
    clearForm();
    forget();
    showFieldErrors([]);
    shareBox.hidden = true;
    shareUrl.value = "";
    if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
    announce(words.cleared);
    refresh(false);
    questions[0].querySelector("input").focus();
  }
});

addEventListener("hashchange", () => {
  if (seed()) {
    keepUntilNextAnswer = false; // other answers: the questions they need
    refresh(true);
  }
});

// The answers kept in this tab (a reload, the Back button, the other
// language's page), unless a share link the tab has not met yet fills the form.
const stored = kept();
if (stored) restore(stored);
seed();
window.selfcheck = { ready, evaluate, lang };
start();
