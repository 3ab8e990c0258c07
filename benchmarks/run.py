"""Benchmarks of the self-check: figures, not tests (``make bench``).

In one run, on one machine, against the built site served on 127.0.0.1, in
Debian Chromium (Playwright, headless):

- the baseline: the bare boot of the same self-hosted Pyodide files in a
  module worker on a blank page (benchmarks/pages/boot.html), with npm's own
  standard library (source only, as Pyodide ships it);
- the same bare boot with the build's standard library (the modules the
  self-check imports compiled, sitebuild/stdlib.mjs), which the widget boots
  with: how much of the difference is the library alone;
- the self-check's own worker (Pyodide, engine wheel, rules) alone in a blank
  page up to its first result (benchmarks/pages/engine.html): the engine's
  cost, without the page around the widget;
- the widget's time to its first verdict (the self-check page opened with
  answers in its fragment), measured the same way;
- both cold (a new browser profile each run) and warm (same profile, reload),
  medians of --runs runs; times are from navigation start;
- ``window.selfcheck.evaluate`` latency in the page (p50 / p95 over --evals calls);
- bytes transferred by the self-check page and by an information page (as
  sent: compressed when the server has a .br or .gz copy);
- the first verdict on a throttled phone link (1.6 Mbit/s down, 150 ms, by
  CDP's network emulation), cold, next to the bare boot on the same link;
- the warm first verdict with the site's service worker (after one visit it
  kept the engine's files) and without it (HTTP cache only), each against
  the bare warm boot;
- the longest main-thread task of cold loads, and the longest time the
  self-check's own scripts (boot.js, widget.js) ran inside a long animation
  frame: what the widget itself makes the main thread do.

Then in WebKitGTK, Safari's engine (Selenium, WebKitWebDriver, Xvfb: see
tests/support/webkit.py), the same four pages (both bare boots, engine alone, widget),
--webkit-runs times each (a WebKit boot takes several times Chromium's):
cold is a new browser session per load (each starts with an empty profile),
warm a reload in the session that loaded the page once; JavaScriptCore with its
defaults unless ``--webkit-jsc OPTION=VALUE`` says otherwise (e.g.
``useOMGJIT=0``). Then in Firefox, Gecko (Debian's firefox-esr, headless,
through Marionette: see tests/support/firefox.py), the same four pages
--firefox-runs times each, cold (a new session and profile per load) and warm
(a reload in the session that loaded the page once). Each engine's ratio is to
its own bare boot.

It prints the figures and the ratios to the baseline, and writes them to
benchmarks/results/latest.json. Targets: first verdict ≤ 1.10 × bare boot,
cold and warm; evaluate p95 ≤ 5 ms; information pages transfer no Pyodide byte.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

# The tests' browser launchers and paths, tests/support/ (PYTHONPATH=tests).
from support import firefox, webkit
from support.chromium import CHROMIUM
from support.chromium import CHROMIUM_ARGS as ARGS
from support.corpus import load_corpus
from support.paths import BENCHMARKS as HERE
from support.paths import REPO

from selfcheck import loader
from selfcheck.form import fragment
from sitebuild.serve import serving

RULES = loader.load(loader.default_rules())
CASES = load_corpus(RULES)
# The widget's first verdict is measured on the corpus's first eligible case
# with a settled amount, opened as a share link.
FIRST_ELIGIBLE = next(c["answers"] for c in CASES["cases"] if c["expect"]["amount"] is not None)
FRAGMENT = "#" + fragment(RULES, FIRST_ELIGIBLE, RULES["languages"][0])
# When a load is done: the element to wait for, and the performance mark the
# page sets at that moment (ms since navigation start). The pages have a strict
# CSP, so the benchmark waits on selectors and reads marks, never evaluates
# strings in the page.
DONE = {
    "baseline": ('#status[data-state="ready"]', "boot:ready"),
    "compiled": ('#status[data-state="ready"]', "boot:ready"),
    "engine": ('#status[data-state="ready"]', "boot:ready"),
    "widget": ('#selfcheck-result[data-verdict]:not([data-verdict=""])', "selfcheck:first-verdict"),
}
MARK_TIME = "name => performance.getEntriesByName(name)[0]?.startTime ?? null"


def site_with_bench_pages(site: Path) -> Path:
    """The built site plus the baseline page under /__bench__/ and npm's Pyodide
    (for its own standard library) under /__npm_pyodide__/ (a temp copy of links)."""
    root = Path(tempfile.mkdtemp(prefix="bench-site-"))
    for entry in site.resolve().iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "__bench__").symlink_to(HERE / "pages")
    (root / "__npm_pyodide__").symlink_to(REPO / "node_modules" / "pyodide")
    return root


def timed_load(page, url: str, kind: str, timeout_ms: int = 120_000) -> float:
    selector, mark = DONE[kind]
    page.goto("about:blank")  # a new document even when only the fragment differs
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    started = page.evaluate(MARK_TIME, mark)
    if started is None:
        raise RuntimeError(f"{url}: the page set no performance mark {mark!r}")
    return float(started)


def _profile(playwright, directory: str):
    return playwright.chromium.launch_persistent_context(
        directory, executable_path=CHROMIUM, headless=True, args=ARGS
    )


def cold_runs(playwright, urls: dict, runs: int, link: dict | None = None) -> dict:
    """Each run loads every page in a new profile (empty HTTP and code caches),
    on ``link`` (CDP's network conditions) when given. Pages alternate run by
    run, so that a drift of the machine's speed weighs on the baseline and the
    widget alike."""
    times: dict = {kind: [] for kind in urls}
    for _ in range(runs):
        for kind, url in urls.items():
            with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
                context = _profile(playwright, directory)
                try:
                    page = context.new_page()
                    if link:
                        cdp = context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        cdp.send("Network.emulateNetworkConditions", link)
                    timeout = 600_000 if link else 120_000
                    times[kind].append(timed_load(page, url, kind, timeout_ms=timeout))
                finally:
                    context.close()
    return times


def warm_runs(playwright, urls: dict, runs: int) -> dict:
    """One profile per page, loaded once to fill its caches, then reloaded;
    reloads alternate between the pages."""
    times: dict = {kind: [] for kind in urls}
    with contextlib.ExitStack() as stack:
        pages = {}
        for kind, url in urls.items():
            directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-profile-"))
            context = _profile(playwright, directory)
            stack.callback(context.close)
            pages[kind] = context.new_page()
            timed_load(pages[kind], url, kind)  # fills the HTTP and code caches
        for _ in range(runs):
            for kind, url in urls.items():
                times[kind].append(timed_load(pages[kind], url, kind))
    return times


# A phone on a weak link, as Lighthouse's mobile profile has it: 1.6 Mbit/s down, 750 kbit/s
# up, 150 ms of latency (Chromium applies it to the page's and its workers'
# requests).
PHONE_LINK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}


ENGINE_KEPT = """async () => {
  const names = await caches.keys();
  const engine = names.find((name) => name.startsWith('selfcheck-engine-'));
  return engine ? (await (await caches.open(engine)).keys()).length : 0;
}"""


def warm_service_worker_runs(playwright, urls: dict, runs: int) -> dict:
    """Warm reloads of the widget with the site's service worker in charge (its
    engine cache filled after the first visit) and with service workers
    blocked (the HTTP cache only); the bare boot's warm reloads alongside."""
    times: dict = {"baseline": [], "widget_sw": [], "widget_no_sw": []}
    with contextlib.ExitStack() as stack:
        pages = {}
        for name, url, workers in (
            ("baseline", urls["baseline"], "allow"),
            ("widget_sw", urls["widget"], "allow"),
            ("widget_no_sw", urls["widget"], "block"),
        ):
            directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-profile-"))
            context = playwright.chromium.launch_persistent_context(
                directory,
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
                service_workers=workers,
            )
            stack.callback(context.close)
            page = pages[name] = context.new_page()
            kind = "baseline" if name == "baseline" else "widget"
            timed_load(page, url, kind)
            if name == "widget_sw":  # the service worker controls the page and kept the engine
                for _ in range(400):
                    controlled = page.evaluate("() => !!navigator.serviceWorker.controller")
                    if controlled and page.evaluate(ENGINE_KEPT) >= 8:
                        break
                    page.wait_for_timeout(250)
                else:
                    raise RuntimeError("the service worker never kept the engine's files")
        for _ in range(runs):
            for name, page in pages.items():
                url = urls["baseline"] if name == "baseline" else urls["widget"]
                kind = "baseline" if name == "baseline" else "widget"
                times[name].append(timed_load(page, url, kind))
    return times


def evaluate_latency(playwright, url: str, calls: int) -> list[float]:
    """Round trips of window.selfcheck.evaluate (main thread → worker → main)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector('#selfcheck[data-state="ready"]', timeout=120_000)
        sets = [case["answers"] for case in CASES["cases"]]  # the corpus, over and over
        return page.evaluate(
            """async ([calls, sets]) => {
                await window.selfcheck.ready;
                const times = [];
                for (let i = 0; i < calls; i++) {
                    const t0 = performance.now();
                    await window.selfcheck.evaluate(sets[i % sets.length]);
                    times.push(performance.now() - t0);
                }
                return times;
            }""",
            [calls, sets],
        )
    finally:
        browser.close()


# Pyodide: its folder, and the standard library and lock file it boots with (in
# the engine's folder).
PYODIDE_FILES = re.compile(r"/pyodide-[^/]*/|/python_stdlib\.zip|/pyodide-lock\.json")


def transferred(playwright, url: str, kind: str | None) -> tuple[int, int, int]:
    """(bytes, requests, Pyodide bytes) of one cold load of a page."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS
        )
        try:
            page = context.new_page()
            responses = []
            page.on("requestfinished", lambda request: responses.append(request))
            if kind:
                timed_load(page, url, kind)
            else:
                page.goto(url, wait_until="networkidle")
            page.wait_for_timeout(500)
            total = pyodide = 0
            for request in responses:
                sizes = request.sizes()
                size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                total += size
                if PYODIDE_FILES.search(request.url):
                    pyodide += size
            return total, len(responses), pyodide
        finally:
            context.close()


LONG_TASKS = """
window.__longTasks = [];
window.__longScripts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
// Long animation frames name the scripts that ran in them and for how long.
new PerformanceObserver((list) => {
  for (const frame of list.getEntries())
    for (const script of frame.scripts)
      window.__longScripts.push({ url: script.sourceURL, ms: script.duration });
}).observe({ type: "long-animation-frame", buffered: true });
"""
# The self-check's own main-thread scripts (md-*.js are Material's inline
# scripts moved to files: Material's).
WIDGET_SCRIPTS = re.compile(r"/assets/selfcheck/(boot|widget)\.js")


def longest_tasks(playwright, url: str, kind: str | None, runs: int) -> tuple[list, list]:
    """Of each of `runs` cold loads, up to the first verdict and 1 s more: the
    longest main-thread task (ms; 0 when none passed 50 ms), and the longest
    run of the self-check's own scripts inside a long animation frame (0 when
    they never were in one)."""
    longest, widget = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
            context = _profile(playwright, directory)
            try:
                page = context.new_page()
                page.add_init_script(LONG_TASKS)  # injected by the browser: not subject to the CSP
                if kind:
                    timed_load(page, url, kind)
                else:
                    page.goto(url, wait_until="load")
                page.wait_for_timeout(1000)
                longest.append(max(page.evaluate("() => window.__longTasks"), default=0.0))
                scripts = page.evaluate("() => window.__longScripts")
                mine = [s["ms"] for s in scripts if WIDGET_SCRIPTS.search(s["url"] or "")]
                widget.append(max(mine, default=0.0))
            finally:
                context.close()
    return longest, widget


WEBKIT_KINDS = ("baseline", "compiled", "engine", "widget")


def webkit_load(driver, url: str, kind: str, timeout: float = 180) -> float:
    """One load in a WebKit session, as ``timed_load`` does in Chromium."""
    from selenium.webdriver.common.by import By

    selector, mark = DONE[kind]
    driver.get("about:blank")  # a new document even when only the fragment differs
    driver.get(url)
    deadline = time.monotonic() + timeout
    while not driver.find_elements(By.CSS_SELECTOR, selector):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: {selector} not there after {timeout:.0f} s")
        time.sleep(0.02)
    started = driver.execute_script(
        "return performance.getEntriesByName(arguments[0])[0]?.startTime ?? null", mark
    )
    if started is None:
        raise RuntimeError(f"{url}: the page set no performance mark {mark!r}")
    return float(started)


def webkit_runs(urls: dict, runs: int, jsc: dict[str, str]) -> dict:
    """First verdicts in WebKitGTK: cold (a new session, so an empty profile, per
    load) and warm (one session per page, loaded once, then reloaded), the pages
    alternating run by run; the browser's version."""
    env = {f"JSC_{name}": value for name, value in jsc.items()}
    times: dict = {f"{kind}_{mode}_ms": [] for kind in urls for mode in ("cold", "warm")}
    with webkit.xvfb() as display:
        for _ in range(runs):
            for kind, url in urls.items():
                with webkit.webkit(display, env=env) as driver:
                    version = driver.capabilities.get("browserVersion", "?")
                    times[f"{kind}_cold_ms"].append(webkit_load(driver, url, kind))
        with contextlib.ExitStack() as stack:
            drivers = {}
            for kind, url in urls.items():
                drivers[kind] = stack.enter_context(webkit.webkit(display, env=env))
                webkit_load(drivers[kind], url, kind)  # fills the session's caches
            for _ in range(runs):
                for kind, url in urls.items():
                    times[f"{kind}_warm_ms"].append(webkit_load(drivers[kind], url, kind))
    return {"version": version, "jsc": jsc, "runs": runs, **times}


def firefox_load(marionette, url: str, kind: str, timeout: float = 180) -> float:
    """One load in a Firefox session, as ``timed_load`` does in Chromium."""
    from marionette_driver.by import By

    selector, mark = DONE[kind]
    marionette.navigate("about:blank")  # a new document even when only the fragment differs
    marionette.navigate(url)
    deadline = time.monotonic() + timeout
    while not marionette.find_elements(By.CSS_SELECTOR, selector):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: {selector} not there after {timeout:.0f} s")
        time.sleep(0.02)
    started = marionette.execute_script(
        "return performance.getEntriesByName(arguments[0])[0]?.startTime ?? null",
        script_args=[mark],
        sandbox=None,
    )
    if started is None:
        raise RuntimeError(f"{url}: the page set no performance mark {mark!r}")
    return float(started)


def firefox_runs(urls: dict, runs: int) -> dict:
    """First verdicts in Firefox: cold (a new session, so a new profile, per
    load) and warm (one session per page, loaded once, then loaded again), the
    pages alternating run by run, service workers on as in a reader's Firefox;
    the browser's version."""
    times: dict = {f"{kind}_{mode}_ms": [] for kind in urls for mode in ("cold", "warm")}
    version = "?"
    for _ in range(runs):
        for kind, url in urls.items():
            with firefox.firefox(service_workers=True) as session:
                version = session.marionette.session_capabilities.get("browserVersion", "?")
                times[f"{kind}_cold_ms"].append(firefox_load(session.marionette, url, kind))
    with contextlib.ExitStack() as stack:
        sessions = {}
        for kind, url in urls.items():
            sessions[kind] = stack.enter_context(firefox.firefox(service_workers=True))
            firefox_load(sessions[kind].marionette, url, kind)  # fills the profile's caches
        for _ in range(runs):
            for kind, url in urls.items():
                times[f"{kind}_warm_ms"].append(firefox_load(sessions[kind].marionette, url, kind))
    return {"version": version, "runs": runs, **times}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarize_webkit(figures: dict, labels: dict) -> None:
    """WebKit's medians and ratio to its own bare boot, printed and kept in ``figures``."""
    wk = figures["webkit"]
    settings = ", ".join(f"{k}={v}" for k, v in wk["jsc"].items()) or "defaults"
    print()
    print(
        f"WebKitGTK {wk['version']} (JavaScriptCore {settings}); {wk['runs']} runs; "
        "cold = new session, warm = reload in the same session"
    )
    print(f"{'':28}{'cold':>10}{'warm':>10}")
    for kind in WEBKIT_KINDS:
        medians = {m: statistics.median(wk[f"{kind}_{m}_ms"]) for m in ("cold", "warm")}
        wk[f"{kind}_median_ms"] = medians
        label = f"{labels[kind]} (median ms)"
        print(f"{label:34}{medians['cold']:>10.0f}{medians['warm']:>10.0f}")
    wk["ratios"] = {}
    for kind in ("engine", "widget"):
        ratio = {
            mode: wk[f"{kind}_median_ms"][mode] / wk["baseline_median_ms"][mode]
            for mode in ("cold", "warm")
        }
        wk["ratios"][kind] = ratio
        label = f"ratio {kind} / baseline"
        print(f"{label:34}{ratio['cold']:>10.2f}{ratio['warm']:>10.2f}")
    slower = {
        mode: wk["baseline_median_ms"][mode] / figures["baseline_median_ms"][mode]
        for mode in ("cold", "warm")
    }
    wk["boot_vs_chromium"] = slower
    print(f"{'bare boot, WebKit / Chromium':34}{slower['cold']:>10.2f}{slower['warm']:>10.2f}")


def summarize_firefox(figures: dict, labels: dict) -> None:
    """Firefox's medians and ratio to its own bare boot, printed and kept in ``figures``."""
    ff = figures["firefox"]
    print()
    print(
        f"Firefox {ff['version']} (Gecko); {ff['runs']} runs; "
        "cold = new session and profile, warm = loaded again in the same session"
    )
    print(f"{'':28}{'cold':>10}{'warm':>10}")
    for kind in WEBKIT_KINDS:
        medians = {m: statistics.median(ff[f"{kind}_{m}_ms"]) for m in ("cold", "warm")}
        ff[f"{kind}_median_ms"] = medians
        label = f"{labels[kind]} (median ms)"
        print(f"{label:34}{medians['cold']:>10.0f}{medians['warm']:>10.0f}")
    ff["ratios"] = {}
    for kind in ("engine", "widget"):
        ratio = {
            mode: ff[f"{kind}_median_ms"][mode] / ff["baseline_median_ms"][mode]
            for mode in ("cold", "warm")
        }
        ff["ratios"][kind] = ratio
        label = f"ratio {kind} / baseline"
        print(f"{label:34}{ratio['cold']:>10.2f}{ratio['warm']:>10.2f}")
    slower = {
        mode: ff["baseline_median_ms"][mode] / figures["baseline_median_ms"][mode]
        for mode in ("cold", "warm")
    }
    ff["boot_vs_chromium"] = slower
    print(f"{'bare boot, Firefox / Chromium':34}{slower['cold']:>10.2f}{slower['warm']:>10.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(REPO / "site"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--evals", type=int, default=300)
    parser.add_argument(
        "--webkit-runs", type=int, default=7, help="loads of each page in WebKit, cold and warm"
    )
    parser.add_argument(
        "--webkit-jsc",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a JavaScriptCore option for the WebKit runs (default: none, as Safari)",
    )
    parser.add_argument(
        "--throttled-runs", type=int, default=3, help="cold loads on the 1.6 Mbit/s link"
    )
    parser.add_argument("--no-webkit", action="store_true", help="no WebKit runs")
    parser.add_argument(
        "--firefox-runs", type=int, default=7, help="loads of each page in Firefox, cold and warm"
    )
    parser.add_argument("--no-firefox", action="store_true", help="no Firefox runs")
    args = parser.parse_args(argv)
    jsc = dict(option.split("=", 1) for option in args.webkit_jsc)
    site = Path(args.site)
    if not (site / "autodiagnostic" / "index.html").exists():
        print(f"no built site with a self-check page in {site}: run `make build`", file=sys.stderr)
        return 2

    root = site_with_bench_pages(site)
    figures: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
    }
    with serving(root) as base, sync_playwright() as playwright:
        probe = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        figures["chromium"] = probe.version
        probe.close()
        pyodide = next(site.glob("assets/**/pyodide.asm.wasm")).parent.relative_to(site)
        figures["pyodide_dir"] = str(pyodide)
        widget_url = f"{base}autodiagnostic/{FRAGMENT}"
        page = (site / "autodiagnostic" / "index.html").read_text(encoding="utf-8")
        query = html.unescape(re.search(r'src="[^"]*boot\.js(\?[^"]*)"', page).group(1))
        lock = next(site.glob("assets/**/engine-*/pyodide-lock.json")).relative_to(site)
        bare = f"{base}__bench__/boot.html?pyodide=/{pyodide}/&lock=/{lock}"
        baseline_url = f"{bare}&stdlib=/__npm_pyodide__/python_stdlib.zip"
        compiled_url = f"{bare}&stdlib=/{lock.parent}/python_stdlib.zip"
        engine_url = f"{base}__bench__/engine.html{query}"
        urls = {
            "baseline": baseline_url,
            "compiled": compiled_url,
            "engine": engine_url,
            "widget": widget_url,
        }
        for mode, measure in (("cold", cold_runs), ("warm", warm_runs)):
            for kind, times in measure(playwright, urls, args.runs).items():
                figures[f"{kind}_{mode}_ms"] = times
                print(f"{kind:8} {mode}: " + ", ".join(f"{t:.0f}" for t in times) + " ms")
        throttled = cold_runs(
            playwright,
            {"baseline": baseline_url, "widget": widget_url},
            args.throttled_runs,
            link=PHONE_LINK,
        )
        figures["phone_link"] = {
            "conditions": PHONE_LINK,
            **{f"{k}_ms": v for k, v in throttled.items()},
        }
        for kind, times in throttled.items():
            print(f"{kind:8} 1.6 Mbit/s: " + ", ".join(f"{t:.0f}" for t in times) + " ms")
        service = warm_service_worker_runs(playwright, urls, args.runs)
        figures["service_worker"] = {f"{k}_ms": v for k, v in service.items()}
        for name, times in service.items():
            print(f"{name:12} warm: " + ", ".join(f"{t:.0f}" for t in times) + " ms")
        latencies = evaluate_latency(playwright, f"{base}autodiagnostic/", args.evals)
        figures["evaluate_ms"] = {
            "calls": len(latencies),
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "max": max(latencies),
        }
        for name, url, kind in (
            ("selfcheck_page", widget_url, "widget"),
            ("info_page", f"{base}fonds/", None),
        ):
            total, count, pyodide = transferred(playwright, url, kind)
            longest, widget = longest_tasks(playwright, url, kind, args.runs)
            figures[name] = {
                "bytes": total,
                "requests": count,
                "pyodide_bytes": pyodide,
                "longest_task_ms": longest,
                "widget_script_in_long_frame_ms": widget,
            }
        missing = webkit.missing()
        if args.no_webkit or missing:
            if missing:
                print(f"WebKit skipped: apt-get install {' '.join(missing)}", file=sys.stderr)
        else:
            figures["webkit"] = webkit_runs(urls, args.webkit_runs, jsc)
            for kind in WEBKIT_KINDS:
                for mode in ("cold", "warm"):
                    times = figures["webkit"][f"{kind}_{mode}_ms"]
                    print(
                        f"webkit {kind:8} {mode}: " + ", ".join(f"{t:.0f}" for t in times) + " ms"
                    )
        missing = firefox.missing()
        if args.no_firefox or missing:
            if missing:
                print(f"Firefox skipped: apt-get install {' '.join(missing)}", file=sys.stderr)
        else:
            figures["firefox"] = firefox_runs(urls, args.firefox_runs)
            for kind in WEBKIT_KINDS:
                for mode in ("cold", "warm"):
                    times = figures["firefox"][f"{kind}_{mode}_ms"]
                    print(
                        f"firefox {kind:8} {mode}: " + ", ".join(f"{t:.0f}" for t in times) + " ms"
                    )

    print()
    print(f"Machine: {figures['machine']}; Chromium {figures['chromium']}; {args.runs} runs")
    print(f"{'':28}{'cold':>10}{'warm':>10}")
    ratios = {}
    labels = {
        "baseline": "bare Pyodide boot",
        "compiled": "bare boot, compiled stdlib",
        "engine": "engine alone, 1st result",
        "widget": "widget first verdict",
    }
    for kind, label in labels.items():
        cold = statistics.median(figures[f"{kind}_cold_ms"])
        warm = statistics.median(figures[f"{kind}_warm_ms"])
        figures[f"{kind}_median_ms"] = {"cold": cold, "warm": warm}
        print(f"{label + ' (median ms)':34}{cold:>10.0f}{warm:>10.0f}")
    for kind in ("engine", "widget"):
        ratios[kind] = {
            mode: figures[f"{kind}_median_ms"][mode] / figures["baseline_median_ms"][mode]
            for mode in ("cold", "warm")
        }
        print(
            f"{'ratio ' + kind + ' / baseline':34}{ratios[kind]['cold']:>10.2f}"
            f"{ratios[kind]['warm']:>10.2f}" + ("   (target ≤ 1.10)" if kind == "widget" else "")
        )
    ratios["widget_to_compiled"] = {
        mode: figures["widget_median_ms"][mode] / figures["compiled_median_ms"][mode]
        for mode in ("cold", "warm")
    }
    print(
        f"{'ratio widget / compiled boot':34}{ratios['widget_to_compiled']['cold']:>10.2f}"
        f"{ratios['widget_to_compiled']['warm']:>10.2f}   (target ≤ 1.10)"
    )
    figures["ratios"] = ratios
    ev = figures["evaluate_ms"]
    print(
        f"evaluate: p50 {ev['p50']:.2f} ms, p95 {ev['p95']:.2f} ms, max {ev['max']:.2f} ms "
        f"over {ev['calls']} calls   (target p95 ≤ 5 ms)"
    )
    for name, label in (("selfcheck_page", "self-check page"), ("info_page", "information page")):
        f = figures[name]
        print(
            f"{label}: {f['bytes'] / 1e6:.2f} MB in {f['requests']} requests, "
            f"of which Pyodide {f['pyodide_bytes'] / 1e6:.2f} MB; longest main-thread task "
            f"(cold loads) median {statistics.median(f['longest_task_ms']):.0f} ms, "
            f"max {max(f['longest_task_ms']):.0f} ms; the self-check's scripts in a long frame: "
            f"max {max(f['widget_script_in_long_frame_ms']):.0f} ms"
        )
    link = figures["phone_link"]
    link["median_ms"] = {k: statistics.median(link[f"{k}_ms"]) for k in ("baseline", "widget")}
    link["ratio"] = link["median_ms"]["widget"] / link["median_ms"]["baseline"]
    print(
        f"1.6 Mbit/s, 150 ms (cold, {args.throttled_runs} runs): widget first verdict "
        f"median {link['median_ms']['widget'] / 1000:.1f} s, "
        f"bare boot {link['median_ms']['baseline'] / 1000:.1f} s, ratio {link['ratio']:.2f}"
    )
    sw = figures["service_worker"]
    sw["median_ms"] = {
        k: statistics.median(sw[f"{k}_ms"]) for k in ("baseline", "widget_sw", "widget_no_sw")
    }
    sw["ratios"] = {
        k: sw["median_ms"][k] / sw["median_ms"]["baseline"] for k in ("widget_sw", "widget_no_sw")
    }
    print(
        "warm first verdict / bare warm boot: with the service worker "
        f"{sw['ratios']['widget_sw']:.2f} ({sw['median_ms']['widget_sw']:.0f} ms), "
        f"without {sw['ratios']['widget_no_sw']:.2f} ({sw['median_ms']['widget_no_sw']:.0f} ms); "
        f"bare warm boot {sw['median_ms']['baseline']:.0f} ms"
    )
    if "webkit" in figures:
        summarize_webkit(figures, labels)
    if "firefox" in figures:
        summarize_firefox(figures, labels)
    write_results("latest.json", figures)
    return 0


def write_results(name: str, figures: dict) -> None:
    """Keep a run's figures in benchmarks/results/ (not tracked), to compare runs."""
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / name).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
