"""The self-check on a phone, as Lighthouse's mobile profile has one: figures,
not a test (``make bench``).

In Debian Chromium (Playwright, headless), through the DevTools protocol: the
CPU slowed 4× (``Emulation.setCPUThrottlingRate``, which slows the page's main
thread but not its workers: Pyodide runs at the machine's speed) and the link at
1.6 Mbit/s down, 750 kbit/s up, 150 ms of latency
(``Network.emulateNetworkConditions``, which Chromium applies to the page's
and its workers' requests), service workers blocked (the HTTP cache only, and
no download of the site after the first verdict). The built site is served by
the project's own server (sitebuild/serve.py), which counts every byte it
sends, headers included, the worker's downloads with them: the bytes of a
visit are the server's, not the browser's.

For each site (``--site``, more than one to compare two builds in one run,
their loads alternating), ``--runs`` times:

- cold (a new profile): the bare boot of the site's own runtime files (Pyodide,
  the build's lock and standard library, in a module worker on a blank page:
  benchmarks/pages/boot.html), and the self-check page opened with a share
  link: its engine ready (the worker's ``ready``), its first verdict, and the
  bytes sent up to then (Material's search index and the service worker,
  which wait for the first verdict, left out);
- warm (a reload in the same profile): the same times and bytes;
- the floor: those bytes at the link's rate, with no latency and no CPU.

Then the bytes of one cold visit of the self-check (no throttling) from the
three kinds of host: one that sends the build's ``.br`` copies (nginx's
``brotli_static``, ``make serve``), one that compresses on its own (emulated
with the build's gzip copies: text and ``.wasm`` compressed, ``.zip`` and
``.whl`` as they are, as Cloudflare's list of types has it), one that sends
every file as it is.

Medians are printed, with the ratio of the widget to its bare boot; the machine
is shared with other work, so only ratios within one run mean much. Written to
benchmarks/results/mobile.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from run import (
    ARGS,
    CHROMIUM,
    FRAGMENT,
    MARK_TIME,
    PHONE_LINK,
    REPO,
    site_with_bench_pages,
    timed_load,
    write_results,
)

from sitebuild import serve

CPU_SLOWDOWN = 4
LINK_BYTES_PER_S = PHONE_LINK["downloadThroughput"]
# Fetched after the first verdict on purpose (boot.js holds them back).
AFTER_VERDICT = re.compile(r"/search/search_index\.json|/sw\.js|/register\.js")
HOSTS = {
    "sends the build's .br copies": ("br", "gzip"),
    "compresses on its own (gzip)": ("gzip",),
    "sends files as they are": (),
}


class Sent:
    """Bytes sent by the server, by path, since the last ``reset``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths: dict[str, int] = {}

    def reset(self) -> None:
        with self.lock:
            self.paths = {}

    def add(self, path: str, size: int) -> None:
        with self.lock:
            self.paths[path] = self.paths.get(path, 0) + size

    def boot(self) -> int:
        with self.lock:
            return sum(n for path, n in self.paths.items() if not AFTER_VERDICT.search(path))


@contextlib.contextmanager
def counting_server(root: Path, sent: Sent, encodings: tuple[str, ...] = ("br", "gzip")):
    """sitebuild/serve.py's server, counting what it writes (headers and
    bodies), sending only the precompressed copies of ``encodings``."""

    class Counting(serve.Handler):
        quiet = True

        def setup(self):
            super().setup()
            raw, handler = self.wfile, self

            class Writer:
                def write(self, data):
                    handler_path = getattr(handler, "path", "?")
                    sent.add(handler_path.split("?")[0], len(data))
                    return raw.write(data)

                def __getattr__(self, name):
                    return getattr(raw, name)

            self.wfile = Writer()

        def negotiate(self, path):
            accepted = serve.accepted_encodings(self.headers.get("Accept-Encoding"))
            found = [(c, path.with_name(path.name + s)) for c, s in serve.ENCODINGS]
            found = [(c, f) for c, f in found if c in encodings and f.is_file()]
            for coding, file in found:
                if coding in accepted:
                    return coding, file, True
            return None, path, bool(found)

    server = serve.Server(("127.0.0.1", 0), lambda *a: Counting(*a, directory=str(root)))
    with serve.running(server) as url:
        yield url


def phone(context, page, cpu: bool = True) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", PHONE_LINK)
    if cpu:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def profile(playwright, directory: str):
    return playwright.chromium.launch_persistent_context(
        directory, executable_path=CHROMIUM, headless=True, args=ARGS, service_workers="block"
    )


def urls_of(site: Path, base: str) -> dict:
    """The bare boot on the site's own runtime files, and the self-check."""
    pyodide = next(site.glob("assets/**/pyodide.asm.wasm")).parent.relative_to(site)
    lock = next(site.glob("assets/**/engine-*/pyodide-lock.json")).relative_to(site)
    return {
        "baseline": f"{base}__bench__/boot.html?pyodide=/{pyodide}/&lock=/{lock}"
        f"&stdlib=/{lock.parent}/python_stdlib.zip",
        "widget": f"{base}autodiagnostic/{FRAGMENT}",
    }


def load(page, url: str, kind: str, sent: Sent) -> dict:
    sent.reset()
    done = timed_load(page, url, kind, timeout_ms=900_000)
    out = {"ms": done, "bytes": sent.boot()}
    if kind == "widget":
        out["ready_ms"] = page.evaluate(MARK_TIME, "selfcheck:engine-ready")
    return out


def runs_on_phone(playwright, sites: dict, runs: int) -> dict:
    """Cold then warm loads of each page of each site, alternating."""
    figures: dict = {name: {"cold": {}, "warm": {}} for name in sites}
    for _ in range(runs):
        for name, (_base, urls, sent) in sites.items():
            for kind, url in urls.items():
                with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
                    context = profile(playwright, directory)
                    try:
                        page = context.new_page()
                        phone(context, page)
                        for mode in ("cold", "warm"):
                            got = load(page, url, kind, sent)
                            figures[name][mode].setdefault(kind, []).append(got)
                            print(f"{name} {kind} {mode}: {got}", flush=True)
                    finally:
                        context.close()
    return figures


def host_bytes(playwright, root: Path, url_path: str) -> dict:
    """The bytes of one cold visit of the self-check (no throttling) from each kind of host."""
    out = {}
    for host, encodings in HOSTS.items():
        sent = Sent()
        with (
            counting_server(root, sent, encodings) as base,
            tempfile.TemporaryDirectory(prefix="bench-profile-") as directory,
        ):
            context = profile(playwright, directory)
            try:
                page = context.new_page()
                sent.reset()
                timed_load(page, base + url_path, "widget")
                out[host] = sent.boot()
            finally:
                context.close()
    return out


def median(values: list) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", help="a built site (default: site)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sites_dirs = [Path(s).resolve() for s in (args.site or [str(REPO / "site")])]
    for site in sites_dirs:
        if not (site / "autodiagnostic" / "index.html").exists():
            print(f"no built site with a self-check page in {site}", file=sys.stderr)
            return 2
    figures: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start (shared with other work)",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "runs": args.runs,
        "profile": {"cpu_slowdown": CPU_SLOWDOWN, **PHONE_LINK},
        "sites": {},
    }
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        sites = {}
        for site in sites_dirs:
            root = site_with_bench_pages(site)
            sent = Sent()
            base = stack.enter_context(counting_server(root, sent))
            sites[str(site)] = (base, urls_of(site, base), sent)
        runs = runs_on_phone(playwright, sites, args.runs)
        for site in sites_dirs:
            root = site_with_bench_pages(site)
            figures["sites"][str(site)] = {
                "phone": runs[str(site)],
                "hosts_bytes": host_bytes(playwright, root, f"autodiagnostic/{FRAGMENT}"),
            }
    print()
    print(
        f"{figures['machine']}; Chromium, CPU {CPU_SLOWDOWN}× slower, 1.6 Mbit/s down, "
        f"750 kbit/s up, 150 ms; {args.runs} runs; medians"
    )
    for name, site in figures["sites"].items():
        print(f"\n{name}")
        for mode in ("cold", "warm"):
            loads = site["phone"][mode]
            bare = median([x["ms"] for x in loads["baseline"]])
            verdict = median([x["ms"] for x in loads["widget"]])
            ready = median([x["ready_ms"] for x in loads["widget"]])
            sent = median([x["bytes"] for x in loads["widget"]])
            floor = sent / LINK_BYTES_PER_S * 1000
            site[f"{mode}_median"] = {
                "bare_boot_ms": bare,
                "engine_ready_ms": ready,
                "first_verdict_ms": verdict,
                "bytes": sent,
                "floor_ms": floor,
            }
            against_floor = f" ({ready / floor:.2f}× the floor)" if mode == "cold" else ""
            print(
                f"  {mode}: {sent / 1e6:.2f} MB sent (floor {floor / 1000:.1f} s); engine ready "
                f"{ready / 1000:.1f} s{against_floor}, first verdict {verdict / 1000:.1f} s; "
                f"bare boot on the same runtime files {bare / 1000:.1f} s "
                f"(first verdict / bare boot {verdict / bare:.2f})"
            )
        for host, size in site["hosts_bytes"].items():
            print(f"  a cold visit from a host that {host}: {size / 1e6:.2f} MB")
    write_results("mobile.json", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
