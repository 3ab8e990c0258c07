// The self-check widget (main thread). It carries answers from the form to the
// engine (worker.js: Pyodide + selfcheck.engine) and shows what the engine
// returns. It decides nothing: every verdict, amount, criterion and the list of
// questions still useful come from the engine; every word comes from the HTML
// rendered at build time (selfcheck/sitebuild/widget.py).
//
// Testing contract: see README.md, "Self-check widget contract".

const root = document.querySelector("[data-selfcheck-root]");
const lang = root.dataset.lang;
const locale = lang === "en" ? "en-GB" : "fr-FR";
const $ = (selector) => root.querySelector(selector);
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

// ---------------------------------------------------------------------------
// The engine, in a module worker

let worker = null;
let nextId = 0;
const pending = new Map();
let settle;
const ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
ready.catch(() => {}); // failures are shown in the page; callers still see the rejection

function evaluate(answers) {
  return ready.then(
    () =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, answers, lang });
      }),
  );
}

const timers = [];

function fail(reason, detail) {
  if (root.dataset.state === "error") return;
  timers.forEach(clearTimeout);
  worker?.terminate();
  root.dataset.state = "error";
  statusBox.hidden = true;
  const box = $("#selfcheck-error");
  for (const p of box.querySelectorAll("[data-reason]")) p.hidden = p.dataset.reason !== reason;
  box.hidden = false;
  console.warn("selfcheck: the engine could not start:", reason, detail ?? "");
  const error = new Error(`selfcheck engine unavailable (${reason})`);
  settle.reject(error);
  pending.forEach(({ reject }) => reject(error));
  pending.clear();
}

function start() {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") return fail("nowasm");
  timers.push(setTimeout(() => fail("timeout"), Number(root.dataset.timeout)));
  timers.push(
    setTimeout(() => {
      $(".selfcheck-status-text").textContent = root.dataset.slowText;
    }, Number(root.dataset.slow)),
  );
  // boot.js (in the page's <head>) has usually started the worker already.
  const boot = globalThis.selfcheckBoot;
  try {
    worker =
      boot?.worker ??
      new Worker(new URL(root.dataset.worker, new URL(".", import.meta.url)), { type: "module" });
  } catch (error) {
    return fail("worker", error);
  }
  const onError = (message) => fail(message ? "worker" : "network", message); // no message: the script did not load
  const onMessage = (data) => {
    if (data.type === "ready") {
      timers.forEach(clearTimeout);
      root.dataset.state = "ready";
      statusBox.hidden = true;
      settle.resolve();
      refresh(true);
    } else if (data.type === "error") {
      fail(data.reason, data.message);
    } else {
      const call = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) call?.reject(new Error(data.error));
      else call?.resolve(JSON.parse(data.json));
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
// Form ⇄ answers (the keys are the engine's; "" means "I don't know")

const isChoice = (q) => q.dataset.type === "choice" || q.dataset.type === "boolean";
const textInput = (q) => q.querySelector("input[type=text]");
const unknownBox = (q) => q.querySelector("[data-unknown-for]");

function parseNumber(text) {
  let t = text.replace(/[\s\u00a0\u202f]/g, "");
  const [group, decimal] = lang === "fr" ? [".", ","] : [",", "."];
  if (new RegExp(`^-?\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`).test(t)) t = t.split(group).join("");
  t = t.replace(",", ".");
  // Anything else goes to the engine as typed: it says what is wrong.
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : text;
}

function readForm() {
  const answers = {};
  const touched = new Set();
  for (const q of questions) {
    const key = q.dataset.question;
    if (isChoice(q)) {
      const checked = q.querySelector("input[type=radio]:checked");
      if (!checked) continue;
      touched.add(key);
      if (checked.value !== "") {
        answers[key] = q.dataset.type === "boolean" ? checked.value === "oui" : checked.value;
      }
    } else if (unknownBox(q).checked) {
      touched.add(key);
    } else if (textInput(q).value.trim() !== "") {
      touched.add(key);
      answers[key] = parseNumber(textInput(q).value.trim());
    }
  }
  return { answers, touched };
}

function setUnknown(q, unknown) {
  unknownBox(q).checked = unknown;
  textInput(q).disabled = unknown;
  if (unknown) textInput(q).value = "";
}

function clearForm() {
  form.reset();
  questions.filter((q) => !isChoice(q)).forEach((q) => setUnknown(q, false));
}

function fragmentOf(answers) {
  const params = new URLSearchParams();
  for (const q of questions) {
    const value = answers[q.dataset.question];
    if (value === undefined) continue;
    params.set(q.dataset.question, value === true ? "oui" : value === false ? "non" : String(value));
  }
  return params.toString();
}

function answersInFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return questions.some((q) => params.has(q.dataset.question)) ? params : null;
}

// A number from the fragment, written the page's way ("12,5" in French). Plain
// decimals need no Intl (see warmUpIntl); other forms ("1e-7") go through it.
function localNumber(value) {
  if (/^-?\d+(\.\d+)?$/.test(value)) return lang === "fr" ? value.replace(".", ",") : value;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) return value;
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 20 }).format(number);
}

function fill(params) {
  clearForm();
  for (const q of questions) {
    const value = params.get(q.dataset.question);
    if (value === null) continue;
    if (isChoice(q)) {
      const radio = [...q.querySelectorAll("input[type=radio]")].find((r) => r.value === value);
      if (radio) radio.checked = true;
    } else {
      textInput(q).value = localNumber(value);
    }
  }
}

// ---------------------------------------------------------------------------
// Showing the engine's result

// The browser's first Intl formatter loads its locale data: about 25 ms of
// main thread. Done once in an idle moment while the engine boots, so that it
// neither lengthens another task nor delays the first result's amounts and dates.
function warmUpIntl() {
  new Intl.NumberFormat(locale).format(0);
}

const dateFormat = (iso) => {
  const [year, month, day] = String(iso).split("-").map(Number);
  if (!month) return String(iso);
  const options = { year: "numeric", month: "long", timeZone: "UTC", ...(day ? { day: "numeric" } : {}) };
  return new Intl.DateTimeFormat(locale, options).format(Date.UTC(year, month - 1, day || 1));
};

const capital = (word) => word[0].toUpperCase() + word.slice(1);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function criterionItem(criterion, words, verdict) {
  const item = element("li", "selfcheck-criterion");
  item.dataset.criterion = criterion.id;
  item.dataset.status = criterion.status;
  const head = element("p", "selfcheck-criterion-title");
  const mark = element("span", "selfcheck-mark", words[`mark${capital(criterion.status)}`]);
  mark.setAttribute("aria-hidden", "true");
  head.append(mark, element("span", "visually-hidden", `${words[criterion.status]} `));
  head.append(element("strong", "", criterion.title));
  item.append(head, element("p", "selfcheck-reason", criterion.reason));
  if (verdict === "ineligible" && criterion.status === "unknown") {
    item.append(element("p", "selfcheck-moot", words.moot));
  }
  const sources = element("p", "selfcheck-sources", `${words.sources} `);
  criterion.sources.forEach((source, index) => {
    if (index) sources.append(" · ");
    const link = element("a", "", `${source.outlet}, ${dateFormat(source.date)}`);
    link.href = source.url;
    link.title = source.title;
    link.rel = "noopener noreferrer";
    sources.append(link);
  });
  const level = words[`level${capital(criterion.confidence)}`];
  item.append(sources, element("p", "selfcheck-confidence", words.confidence.replace("{level}", level)));
  return item;
}

function amountText(res) {
  const node = $(".selfcheck-amount");
  if (res.verdict === "ineligible" || res.amount_options.length === 0) return "";
  const money = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: res.currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  });
  const amounts = res.amount_options.map((a) => money.format(a));
  const text = amounts.length === 1 ? amounts[0] : node.dataset.depends.replace("{amounts}", amounts.join(node.dataset.or));
  return node.dataset[res.verdict].replace("{amount}", text);
}

function showFieldErrors(errors) {
  const messages = new Map(errors.map((e) => [e.question, e]));
  for (const q of questions) {
    const error = messages.get(q.dataset.question);
    const box = q.querySelector(".selfcheck-field-error");
    const code = error?.code.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    box.textContent = error ? (form.dataset[code] ?? error.message[lang]) : "";
    box.hidden = !error;
    for (const input of q.querySelectorAll("input")) {
      if (error) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
}

// Which questions show: the ones answered (or "I don't know") and the ones the
// engine still needs (its `missing`); the others no longer matter and hide,
// unless the reader asked to see every question. The focused one never hides.
let showAll = false;
let shown = null; // {touched, missing} of the last result rendered

function showQuestions() {
  if (!shown) return;
  for (const q of questions) {
    const key = q.dataset.question;
    q.hidden = !(
      showAll ||
      shown.touched.has(key) ||
      shown.missing.includes(key) ||
      q.contains(document.activeElement)
    );
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
  $(".selfcheck-criteria").replaceChildren();
  outcome.hidden = true;
  waiting.textContent = message;
  waiting.hidden = false;
}

function render(res, answers, touched, speak) {
  // The answers this result reflects, as in a share link (tests wait on it).
  result.dataset.answers = fragmentOf(answers);
  showFieldErrors(res.errors);
  if (res.errors.length) return showNoResult(waiting.dataset.fix);
  shown = { touched, missing: res.missing };
  showQuestions();
  if (touched.size === 0) return showNoResult(waiting.dataset.empty);
  result.dataset.verdict = res.verdict;
  result.dataset.amount = res.amount === null ? "" : String(res.amount);
  const verdict = $(".selfcheck-verdict");
  verdict.textContent = verdict.dataset[res.verdict];
  const hint = $(".selfcheck-hint");
  hint.textContent = hint.dataset[res.verdict];
  const amount = $(".selfcheck-amount");
  amount.textContent = amountText(res);
  amount.hidden = amount.textContent === "";
  const list = $(".selfcheck-criteria");
  list.replaceChildren(...res.criteria.map((c) => criterionItem(c, list.dataset, res.verdict)));
  for (const block of root.querySelectorAll("[data-show-for]")) {
    block.hidden = !block.dataset.showFor.split(" ").includes(res.verdict);
  }
  const rules = $(".selfcheck-rules");
  rules.textContent = rules.dataset.template
    .replace("{version}", res.rules.version)
    .replace("{checked_on}", dateFormat(res.rules.checked_on));
  waiting.hidden = true;
  outcome.hidden = false;
  if (firstVerdict) {
    firstVerdict = false;
    performance.mark("selfcheck:first-verdict"); // read by benchmarks/run.py
  }
  if (speak) announce(`${verdict.textContent} ${amount.textContent}`.trim());
}

let sequence = 0;

async function refresh(speak) {
  if (root.dataset.state !== "ready") return;
  const { answers, touched } = readForm();
  const mine = ++sequence;
  let res;
  try {
    res = await evaluate(answers);
  } catch {
    return;
  }
  if (mine === sequence) render(res, answers, touched, speak);
}

// ---------------------------------------------------------------------------
// Events

let debounce;

form.addEventListener("submit", (event) => event.preventDefault());
form.addEventListener("input", (event) => {
  if (event.target.type !== "text") return;
  clearTimeout(debounce);
  debounce = setTimeout(() => refresh(true), 300);
});
form.addEventListener("change", (event) => {
  const box = event.target.closest("[data-unknown-for]");
  if (box) {
    const q = box.closest("[data-question]");
    setUnknown(q, box.checked);
    if (!box.checked) textInput(q).focus();
  }
  clearTimeout(debounce);
  refresh(true);
});

root.addEventListener("click", (event) => {
  const action = event.target.closest("[data-action]")?.dataset.action;
  if (action === "show-all") {
    showAll = !showAll;
    showAllButton.setAttribute("aria-pressed", String(showAll));
    showQuestions();
  } else if (action === "share") {
    const fragment = fragmentOf(readForm().answers);
    history.replaceState(history.state, "", fragment ? `#${fragment}` : location.pathname + location.search);
    shareUrl.value = location.href;
    shareBox.hidden = false;
    shareUrl.focus();
    shareUrl.select();
  } else if (action === "copy") {
    const button = event.target.closest("button");
    const copied = navigator.clipboard?.writeText(shareUrl.value) ?? Promise.reject();
    copied.then(
      () => announce(button.dataset.copied),
      () => {
        shareUrl.focus();
        shareUrl.select();
        announce(button.dataset.failed);
      },
    );
  } else if (action === "clear") {
    clearForm();
    showFieldErrors([]);
    shareBox.hidden = true;
    shareUrl.value = "";
    if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
    announce(announcer.dataset.cleared);
    refresh(false);
    questions[0].querySelector("input").focus();
  }
});

addEventListener("hashchange", () => {
  const params = answersInFragment();
  if (params) {
    fill(params);
    refresh(true);
  }
});

const initial = answersInFragment();
if (initial) fill(initial);
window.selfcheck = { ready, evaluate, lang };
start();
if (typeof requestIdleCallback === "function") requestIdleCallback(warmUpIntl, { timeout: 1000 });
else setTimeout(warmUpIntl, 0);
