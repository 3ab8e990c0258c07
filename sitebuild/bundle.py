"""The self-check's files, computed once per build: rules bundle, engine wheel,
Pyodide runtime, the widget's scripts and styles.

``Bundle.for_rules(rules)`` prepares them (the wheel is cached on disk in
``build/`` by a hash of its sources); ``bundle.write(site_dir)`` writes them
into ``<site>/assets/selfcheck/``::

    boot.js widget.js worker.js widget.css    from sitebuild/web/ (and md-*.js, which
                                              replace Material's inline scripts)
    rules-<version>-<sha8>.json               the rules, compiled from the YAML
    engine-<sha8>/selfcheck-…-py3-none-any.whl the engine (a real wheel)
    engine-<sha8>/pyodide-lock.json           the engine with its sha256 (``pyodide
                                              lockfile add-wheels``, from
                                              pyodide-build), alone: Pyodide's
                                              other packages are not needed
    engine-<sha8>/python_stdlib.zip           the modules of Pyodide's standard
                                              library the self-check imports,
                                              compiled, and a finder for the
                                              others (sitebuild/stdlib.mjs)
    pyodide-<version>/                        Pyodide's three other boot files,
                                              and its full standard library
                                              (python_stdlib.zip, fetched only
                                              if a module left out is imported)

The worker boots Pyodide with that lock and that standard library (the
modules it imports arrive compiled: Pyodide's own zip holds only source, which
every boot compiled again), and installs the engine with
``loadPackage``, which checks the wheel's sha256 (Subresource Integrity): a
wheel altered on the host or in a cache is refused, never run.

``check_pages(site)`` then checks the built pages: no inline script (the
Content Security Policy forbids them), and every self-check page names files
that exist.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from selfcheck.ruleset import Rules
from sitebuild.compress import ENCODINGS, sent_size

ROOT = Path(__file__).resolve().parents[1]
ENGINE_PACKAGE = ROOT / "selfcheck"
WEB = Path(__file__).resolve().parent / "web"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WHEEL_CACHE = ROOT / "build" / "selfcheck-wheel"
STDLIB_SCRIPT = Path(__file__).resolve().parent / "stdlib.mjs"
STDLIB_FINDER = Path(__file__).resolve().parent / "stdlib_finder.py"
STDLIB = "python_stdlib.zip"
ASSETS = "assets/selfcheck"  # the widget's folder, relative to the site root
# Pyodide's files the site serves as they are (the standard library it boots
# with is the build's: engine-<sha8>/python_stdlib.zip; Pyodide's own, whole, is
# served beside the runtime for the modules the build's leaves out).
PYODIDE_BOOT_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
PYODIDE_FILES = (*PYODIDE_BOOT_FILES, STDLIB)
WEB_FILES = (
    "boot.js",
    "widget.js",
    "worker.js",
    "widget.css",
    "md-head.js",
    "md-palette.js",
    "md-content.js",
    "register.js",
    "embed-frame.js",
)
# What the browser needs of the engine package: its modules, which run in
# Pyodide (standard library only), and the word catalogues — all but the loader
# and the command line (PyYAML, jsonschema).
NOT_IN_BROWSER = ("loader.py", "cli.py", "__main__.py")


class BuildError(PluginError):
    """The self-check's files cannot be prepared: stops the build with a message."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bundle:
    """Every file the self-check needs, with the names the pages use."""

    rules: Rules
    rules_name: str
    rules_bytes: bytes
    wheel_path: str  # engine-<sha8>/selfcheck-<version>-py3-none-any.whl
    wheel_bytes: bytes
    lock_path: str  # engine-<sha8>/pyodide-lock.json
    lock_bytes: bytes
    stdlib_path: str  # engine-<sha8>/python_stdlib.zip
    stdlib_file: Path  # its copy in build/
    pyodide: str  # pyodide-<version>/
    web_version: str

    @property
    def library_path(self) -> str:
        """Pyodide's full standard library (fetched only on a module the
        build's zip leaves out)."""
        return f"{self.pyodide}{STDLIB}"

    @classmethod
    def for_rules(cls, rules: Rules) -> Bundle:
        """The bundle of a rule set (computed once per process and rule set)."""
        data = json.dumps(rules, ensure_ascii=False, separators=(",", ":")).encode()
        return _bundle(data)

    def files(self) -> dict[str, Any]:
        """Where each file is, relative to ``assets/selfcheck/``."""
        return {
            "rules": self.rules_name,
            "wheel": self.wheel_path,
            "lock": self.lock_path,
            "stdlib": self.stdlib_path,
            "library": self.library_path,
            "pyodide": self.pyodide,
        }

    def engine_cache(self) -> str:
        """The name of the service worker's cache for these files: their
        contents' hash, so that each version of the engine has its own."""
        digest = hashlib.sha256(json.dumps(self.files(), sort_keys=True).encode())
        digest.update(self.web_version.encode())
        return f"selfcheck-engine-{digest.hexdigest()[:12]}"

    def boot_files(self) -> tuple[tuple[str, Path | bytes], ...]:
        """What the worker loads to boot, by path relative to
        ``assets/selfcheck/``: its own script, Pyodide's three boot files (two
        of them imported as modules, not fetched), the standard library, the
        lock, the wheel and the rules. The page's own scripts and styles are
        not among them: they have arrived when the loading text shows."""
        return (
            ("worker.js", WEB / "worker.js"),
            *((self.pyodide + name, PYODIDE_DIR / name) for name in PYODIDE_BOOT_FILES),
            (self.stdlib_path, self.stdlib_file),
            (self.lock_path, self.lock_bytes),
            (self.wheel_path, self.wheel_bytes),
            (self.rules_name, self.rules_bytes),
        )

    def boot_sizes(self, encoding: str) -> dict[str, tuple[int, int]]:
        """Each file of ``boot_files``: (its size as the browser hands it
        over, decompressed; its size as it crosses the network from a host
        that sends it with that Content-Encoding: "br", "gzip", or "" for
        none). The worker counts the first as it reads; the loading text
        says the second."""
        return _boot_sizes(self.boot_files(), self.web_version)[encoding]

    def query(self) -> str:
        """The query string that names the engine's files (relative to
        ``assets/selfcheck/``): ``boot.js`` hands it on to ``worker.js``, which
        boots from it at once."""
        params = {"v": self.web_version, **self.files()}
        return "?" + urllib.parse.urlencode(params)

    def asset(self, name: str, versioned: bool = True) -> str:
        """A web file's path from the site root, with its version query."""
        suffix = f"?v={self.web_version}" if versioned else ""
        return f"{ASSETS}/{name}{suffix}"

    def write(self, site_dir: Path) -> None:
        """Write every file into ``<site_dir>/assets/selfcheck/`` (files already
        there and identical are left alone)."""
        out = Path(site_dir) / ASSETS
        _write(out / self.rules_name, self.rules_bytes)
        _write(out / self.wheel_path, self.wheel_bytes)
        _write(out / self.lock_path, self.lock_bytes)
        _copy(self.stdlib_file, out / self.stdlib_path)
        pyodide = out / self.pyodide
        for name in PYODIDE_FILES:
            _copy(PYODIDE_DIR / name, pyodide / name)
        for name in WEB_FILES:
            _copy(WEB / name, out / name)


@functools.cache
def _boot_sizes(
    files: tuple[tuple[str, Path | bytes], ...], web_version: str
) -> dict[str, dict[str, tuple[int, int]]]:
    """``Bundle.boot_sizes`` for every Content-Encoding (``web_version``
    follows the web files' contents, which a path alone does not)."""
    sizes: dict[str, dict[str, tuple[int, int]]] = {encoding: {} for encoding in ("", *ENCODINGS)}
    for path, source in files:
        data = source.read_bytes() if isinstance(source, Path) else source
        for encoding, of_host in sizes.items():
            of_host[path] = (len(data), sent_size(path, data, encoding))
    return sizes


@functools.cache
def _bundle(rules_bytes: bytes) -> Bundle:
    wheel_dir, wheel_name, wheel_bytes, lock_bytes, stdlib = engine_wheel()
    return Bundle(
        rules=json.loads(rules_bytes),
        rules_name=f"rules-{json.loads(rules_bytes)['version']}-{_sha(rules_bytes)[:8]}.json",
        rules_bytes=rules_bytes,
        wheel_path=f"{wheel_dir}/{wheel_name}",
        wheel_bytes=wheel_bytes,
        lock_path=f"{wheel_dir}/pyodide-lock.json",
        lock_bytes=lock_bytes,
        stdlib_path=f"{wheel_dir}/{STDLIB}",
        stdlib_file=stdlib,
        pyodide=f"pyodide-{pyodide_version()}/",
        web_version=_web_version(),
    )


# ---------------------------------------------------------------------------
# The engine wheel


def _engine_sources() -> list[Path]:
    modules = [p for p in sorted(ENGINE_PACKAGE.glob("*.py")) if p.name not in NOT_IN_BROWSER]
    return modules + sorted((ENGINE_PACKAGE / "locales").glob("*.json"))


def _version() -> str:
    text = (ENGINE_PACKAGE / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise BuildError("selfcheck/__init__.py has no __version__")
    return match.group(1)


_WHEEL_PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "selfcheck"
version = "{version}"
description = "The self-check engine, as the browser runs it (standard library only)"
requires-python = ">=3.12"

[tool.setuptools]
packages = ["selfcheck"]

[tool.setuptools.package-data]
selfcheck = ["locales/*.json"]
"""


def _wheel_key() -> str:
    digest = hashlib.sha256(_WHEEL_PYPROJECT.encode() + _version().encode())
    digest.update(pyodide_version().encode())  # the lock is Pyodide's own, plus the engine
    digest.update(STDLIB_SCRIPT.read_bytes())  # and the standard library, compiled by it
    digest.update(STDLIB_FINDER.read_bytes())  # with its finder of the modules left out
    for path in _engine_sources():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def engine_wheel() -> tuple[str, str, bytes, bytes, Path]:
    """(folder, file name, wheel bytes, lock bytes, standard library) of the
    engine, built once per process and cached on disk in build/ by a hash of
    its sources: the wheel, then its lock (the two always together, the lock
    naming the wheel's sha256), then the standard library compiled for them."""
    key = _wheel_key()
    folder = WHEEL_CACHE / key[:16]
    cached = sorted(folder.glob("selfcheck-*-py3-none-any.whl"))
    lock = folder / "pyodide-lock.json"
    stdlib = folder / STDLIB
    if not cached or not lock.is_file() or not stdlib.is_file():
        _build_engine_files(folder)
        cached = sorted(folder.glob("selfcheck-*-py3-none-any.whl"))
    wheel = cached[0]
    return f"engine-{key[:8]}", wheel.name, wheel.read_bytes(), lock.read_bytes(), stdlib


def lock_command(wheel: Path, output: Path) -> list[str]:
    """The command that writes the engine's lock: Pyodide's own lock file plus
    the engine wheel with its sha256 (pyodide-build's CLI, offline)."""
    pyodide = Path(sys.executable).with_name("pyodide")
    return [
        str(pyodide),
        "lockfile",
        "add-wheels",
        "--input",
        str(PYODIDE_DIR / "pyodide-lock.json"),
        "--output",
        str(output),
        str(wheel),
    ]


def _build_engine_files(dest: Path) -> None:
    """The wheel (``pip wheel``), then its lock (``pyodide lockfile add-wheels``),
    then the standard library (``node sitebuild/stdlib.mjs``), moved into
    ``dest`` together (builds may run side by side)."""
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmp-", dir=WHEEL_CACHE) as tmp:
        wheel = _build_wheel(Path(tmp) / "wheel")
        lock = Path(tmp) / "wheel" / "pyodide-lock.json"
        command = lock_command(wheel, lock)
        if not Path(command[0]).is_file():
            raise BuildError("pyodide-build is missing from the build environment: `make setup`")
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode or not lock.is_file():
            raise BuildError(f"pyodide lockfile add-wheels failed:\n{run.stdout}{run.stderr}")
        written = json.loads(lock.read_text(encoding="utf-8"))
        entry = written["packages"].get("selfcheck", {})
        if entry.get("sha256") != _sha(wheel.read_bytes()) or entry.get("depends"):
            raise BuildError(f"the lock's selfcheck entry is not the wheel's: {entry}")
        # The engine alone: it depends on nothing, and Pyodide's 350 other
        # packages (119 KB of lock) would be downloaded for nothing.
        alone = {"info": written["info"], "packages": {"selfcheck": entry}}
        lock.write_text(json.dumps(alone, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        stdlib = _build_stdlib(wheel.parent)
        dest.mkdir(parents=True, exist_ok=True)
        os.replace(lock, dest / lock.name)  # the wheel last: a folder without it is rebuilt
        os.replace(stdlib, dest / stdlib.name)
        os.replace(wheel, dest / wheel.name)


def _build_stdlib(engine: Path) -> Path:
    """The modules of Pyodide's standard library that the self-check imports,
    compiled by Pyodide itself, under Node, and the finder of the others
    (``sitebuild/stdlib.mjs``), written into ``engine`` (the folder of the
    engine's wheel and lock)."""
    output = engine / STDLIB
    command = ["node", str(STDLIB_SCRIPT), str(PYODIDE_DIR), str(engine)]
    command += [str(STDLIB_FINDER), str(output)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    except FileNotFoundError:
        raise BuildError("node is missing: it compiles the standard library (Pyodide)") from None
    except subprocess.TimeoutExpired:
        raise BuildError("sitebuild/stdlib.mjs did not finish within 300 s") from None
    if run.returncode or not output.is_file():
        raise BuildError(f"the standard library could not be compiled:\n{run.stdout}{run.stderr}")
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    if not summary["compiled"]:
        raise BuildError(f"sitebuild/stdlib.mjs compiled no module: {summary}")
    return output


def _build_wheel(dest: Path) -> Path:
    """``pip wheel`` on a copy of the engine's files with a pyproject of its own
    (no dependencies: the browser has none), written into ``dest``."""
    if importlib.util.find_spec("setuptools") is None:
        raise BuildError("setuptools is missing from the build environment: run `make setup`")
    with tempfile.TemporaryDirectory(prefix="tmp-", dir=dest.parent) as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        for path in _engine_sources():
            target = src / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        (src / "pyproject.toml").write_text(
            _WHEEL_PYPROJECT.format(version=_version()), encoding="utf-8"
        )
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        command += ["--no-build-isolation", "--no-index", "-w", str(dist), str(src)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode:
            raise BuildError(f"pip wheel failed:\n{run.stdout}{run.stderr}")
        wheels = sorted(dist.glob("selfcheck-*-py3-none-any.whl"))
        if not wheels:
            raise BuildError("pip wheel wrote no selfcheck-*-py3-none-any.whl")
        dest.mkdir(parents=True, exist_ok=True)
        os.replace(wheels[0], dest / wheels[0].name)
    return dest / wheels[0].name


# ---------------------------------------------------------------------------
# Pyodide and the web files


@functools.cache
def pyodide_version() -> str:
    """The installed Pyodide version; it must be the one package.json pins."""
    try:
        installed = json.loads((PYODIDE_DIR / "package.json").read_text(encoding="utf-8"))
    except OSError:
        raise BuildError(
            f"Pyodide is not installed in {PYODIDE_DIR}: run `npm ci` (or `make setup`)"
        ) from None
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    wanted = pinned.get("dependencies", {}).get("pyodide")
    if installed["version"] != wanted:
        raise BuildError(
            f"node_modules has Pyodide {installed['version']} but package.json pins "
            f"{wanted}: run `npm ci`"
        )
    missing = [f for f in (*PYODIDE_BOOT_FILES, STDLIB) if not (PYODIDE_DIR / f).is_file()]
    if missing:
        raise BuildError(f"Pyodide files missing from {PYODIDE_DIR}: {', '.join(missing)}")
    return str(installed["version"])


def _web_version() -> str:
    digest = hashlib.sha256()
    for name in WEB_FILES:
        digest.update((WEB / name).read_bytes())
    return digest.hexdigest()[:8]


def _write(path: Path, data: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy(source: Path, target: Path) -> None:
    old, new = (target.stat() if target.is_file() else None), source.stat()
    if old and (old.st_size, old.st_mtime_ns) == (new.st_size, new.st_mtime_ns):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


# ---------------------------------------------------------------------------
# The service worker

SW_SCRIPT = Path(__file__).resolve().parent / "sw" / "generate.mjs"


def write_service_worker(site: Path) -> dict[str, Any]:
    """``sw.js`` at the site's root: sitebuild/sw/sw.mjs bundled with Workbox,
    its precache list written by workbox-build (sitebuild/sw/generate.mjs)."""
    command = ["node", str(SW_SCRIPT), str(site)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    except FileNotFoundError:
        raise BuildError("node is missing: workbox-build writes the service worker") from None
    if run.returncode:
        raise BuildError(f"the service worker could not be written:\n{run.stdout}{run.stderr}")
    summary: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return summary


# ---------------------------------------------------------------------------
# Checking the built pages

_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_WIDGET_JS = re.compile(r'<script type="module" async src="([^"]*widget\.js)(?:\?[^"]*)?"')


def check_pages(site: Path) -> None:
    """Every page: no inline script; every self-check page: its files exist."""
    problems = []
    for page in sorted(Path(site).rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        where = page.relative_to(site).as_posix()
        for match in _SCRIPT.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                problems.append(f"{where}: inline <script{attrs}> (the CSP forbids it)")
        if "data-selfcheck-root" not in text:
            continue
        found = _WIDGET_JS.search(text)
        script = (page.parent / found.group(1)).resolve() if found else None
        if script is None or not script.is_file():
            problems.append(f"{where}: the widget's script does not resolve to a file")
            continue
        folder = script.parent
        for attr in ("data-rules", "data-wheel", "data-lock", "data-stdlib", "data-pyodide"):
            value = re.search(rf'{attr}="([^"]*)"', text)
            if value is None or not (folder / html.unescape(value.group(1))).exists():
                problems.append(f"{where}: {attr} does not name a file of the build")
    if problems:
        raise BuildError("\n".join(problems))
