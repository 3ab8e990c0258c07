"""The floor of the self-check's boot set: which modules of the standard
library the site ships (the build's zip, sitebuild/stdlib.mjs) a bare Pyodide
boot imports, and which the self-check adds. Figures, not a test (``make
bench``).

In Debian Chromium (no throttling: only which modules, and their bytes, are
measured here), through the debugging protocol's access to the page's worker:

- the bare boot: Pyodide booted on the site's own runtime files (its lock
  and standard library) in a module worker on a blank page
  (benchmarks/pages/boot.html), and nothing else;
- the same bare boot, then one module imported (each of ``CANDIDATES`` in a
  new boot of its own): what that module pulls in beyond the bare boot;
- the self-check page, after its first verdict (a share link).

In each, the modules imported from the zip. Their bytes are their members'
in the shipped zip (deflated, with their local and central headers): the zip
crosses the network as it is from every kind of host (a .zip is not
compressed again). Then the floor: Pyodide's three runtime files as the
build's Brotli copies, and the bare boot's members; beside it, the boot set
the site ships (every file the self-check's worker loads, as the loading text
counts them: ``Bundle.boot_sizes``), with and without the standard library
modules the bare boot does not need.

Usage: ``PYTHONPATH=tests .venv/bin/python benchmarks/stdlib_floor.py [--site
site]``. Written to benchmarks/results/stdlib_floor.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import zipfile
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from run import ARGS, CHROMIUM, FRAGMENT, REPO, site_with_bench_pages, write_results

from sitebuild.serve import serving

# Modules the engine imports, and those Pyodide's package installer
# (loadPackage) imports when it unpacks the engine's wheel, each measured alone
# on top of a bare boot.
CANDIDATES = (
    "tarfile",
    "importlib.metadata",
    "decimal",
    "datetime",
    "typing",
    "dataclasses",
    "inspect",
    "re",
    "json",
    "pathlib",
    "traceback",
)
HOSTS = {
    "sends the build's .br copies": ".br",
    "compresses on its own (the build's .gz copies)": ".gz",
    "compresses nothing": None,
}
# The members of the standard library's zip that the running interpreter
# imported from it (one per line). Imports nothing itself.
IMPORTED = """(source) => (self.selfcheckPython ?? self.benchPython).runPython(`
import sys
${source}
(library,) = [entry for entry in sys.path if entry.endswith(".zip")]
"\\\\n".join(sorted({
    origin[len(library) + 1:]
    for module in list(sys.modules.values())
    if (origin := getattr(getattr(module, "__spec__", None), "origin", None) or "")
    .startswith(library + "/")
}))
`)"""


def members_imported(browser, url: str, ready: str, source: str = "") -> set[str] | None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        with page.expect_event("worker") as started:
            page.goto(url)
        worker = started.value
        page.wait_for_selector(ready, state="attached", timeout=300_000)
        try:
            listed = worker.evaluate(IMPORTED, source)
        except PlaywrightError as error:
            if "ModuleNotFoundError" not in str(error):
                raise
            return None  # a candidate the shipped zip does not hold
        return set(filter(None, listed.split("\n")))
    finally:
        context.close()


def member_bytes(archive: zipfile.ZipFile) -> dict[str, int]:
    """Each member's bytes in the zip: its data and its two headers."""
    return {
        info.filename: info.compress_size
        + 30
        + 46
        + 2 * len(info.filename.encode())
        + len(info.extra)
        + len(info.comment)
        for info in archive.infolist()
    }


def mb(size: float) -> str:
    return f"{size / 1e6:.2f} MB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(REPO / "site"), help="a built site")
    args = parser.parse_args(argv)
    site = Path(args.site).resolve()
    if not (site / "autodiagnostic" / "index.html").exists():
        print(f"no built site with a self-check page in {site}", file=sys.stderr)
        return 2
    from sitebuild.bundle import ASSETS

    assets = site / ASSETS
    pyodide = next(assets.glob("pyodide-*/pyodide.asm.wasm")).parent
    lock = next(assets.glob("engine-*/pyodide-lock.json"))
    stdlib = lock.with_name("python_stdlib.zip")
    wheel = next(lock.parent.glob("selfcheck-*.whl"))
    rules = next(assets.glob("rules-*.json"))
    with zipfile.ZipFile(stdlib) as archive:
        sizes = member_bytes(archive)
    zip_end = stdlib.stat().st_size - sum(sizes.values())  # the end of the central directory

    root = site_with_bench_pages(site)
    figures: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start (shared with other work)",
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    with serving(root) as base, sync_playwright() as playwright:
        folder = lambda path: "/" + path.relative_to(site).as_posix()  # noqa: E731
        bare_url = (
            f"{base}__bench__/boot.html?pyodide={folder(pyodide)}/&lock={folder(lock)}"
            f"&stdlib={folder(stdlib)}"
        )
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            bare_ready = '#status[data-state="ready"]'
            bare = members_imported(browser, bare_url, bare_ready)
            candidates = {
                name: members_imported(browser, bare_url, bare_ready, f"import {name}")
                for name in CANDIDATES
            }
            widget = members_imported(
                browser,
                f"{base}autodiagnostic/{FRAGMENT}",
                '#selfcheck-result[data-verdict]:not([data-verdict=""])',
            )
        finally:
            browser.close()

    shipped = set(sizes)
    if bare is None or widget is None or (bare | widget) - shipped:
        print("a boot imported from the zip what it does not hold", file=sys.stderr)
        return 1

    def weigh(members) -> int:
        return sum(sizes[m] for m in members)

    runtime = [pyodide / name for name in ("pyodide.asm.wasm", "pyodide.asm.mjs", "pyodide.mjs")]
    engine_files = [assets / "worker.js", wheel, lock, rules]
    added = shipped - bare
    pulled = {name: None if got is None else got - bare for name, got in candidates.items()}
    hosts = {}
    for host, copy in HOSTS.items():
        runtime_bytes = sum(sent(path, copy) for path in runtime)
        engine_bytes = sum(sent(path, copy) for path in engine_files)
        hosts[host] = {
            "runtime": runtime_bytes,
            "floor": runtime_bytes + weigh(bare) + zip_end,
            "floor_and_engine": runtime_bytes + weigh(bare) + zip_end + engine_bytes,
            "shipped": runtime_bytes + engine_bytes + stdlib.stat().st_size,
        }
    figures.update(
        bare=sorted(bare),
        widget=sorted(widget),
        shipped=sorted(shipped),
        pulled={name: None if got is None else sorted(got) for name, got in pulled.items()},
        bytes={
            "zip": stdlib.stat().st_size,
            "bare": weigh(bare) + zip_end,
            "widget": weigh(widget) + zip_end,
            "added": weigh(added),
            "pulled": {name: None if got is None else weigh(got) for name, got in pulled.items()},
            "files_br": {path.name: sent(path, ".br") for path in runtime + engine_files},
            "hosts": hosts,
        },
    )

    print(figures["machine"])
    print(
        f"\nThe shipped standard library ({stdlib.relative_to(site)}): {len(shipped)} members, "
        f"{mb(stdlib.stat().st_size)} (sent as it is)"
    )
    print(f"  a bare boot imports {len(bare)} of them: {mb(weigh(bare) + zip_end)}")
    print(f"  the self-check, to its first verdict: {len(widget)}: {mb(weigh(widget) + zip_end)}")
    print(f"  not imported by a bare boot: {len(added)}: {mb(weigh(added))}")
    for member in sorted(added, key=lambda m: -sizes[m]):
        print(f"    {member:40} {sizes[member] / 1e3:6.1f} kB")
    print("\nWhat one import pulls in beyond a bare boot (members, their bytes in the zip):")
    for name, got in pulled.items():
        if got is None:
            print(f"  {name:20} not in the shipped zip")
            continue
        names = sorted(member.rsplit(".", 1)[0] for member in got)
        more = " …" if len(names) > 8 else ""
        print(f"  {name:20} {len(got):3} {weigh(got) / 1e3:6.1f} kB  {', '.join(names[:8])}{more}")
    print("\nThe boot set, from a host that sends the build's .br copies:")
    for name, size in figures["bytes"]["files_br"].items():
        print(f"  {name:40} {mb(size)}")
    for host, got in hosts.items():
        print(
            f"\nFrom a host that {host}: Pyodide's runtime {mb(got['runtime'])}; with the bare "
            f"boot's modules (the floor) {mb(got['floor'])}; and the engine's own files "
            f"{mb(got['floor_and_engine'])}; as shipped (the whole zip) {mb(got['shipped'])}"
        )
    write_results("stdlib_floor.json", figures)
    return 0


def sent(path: Path, copy: str | None) -> int:
    """The file as a host sends it: the build's compressed copy where it has one."""
    if copy and path.with_name(path.name + copy).is_file():
        return path.with_name(path.name + copy).stat().st_size
    return path.stat().st_size


if __name__ == "__main__":
    raise SystemExit(main())
