"""The design's promises that a reading of the code can check.

- The fund is data: no code file (Python, JavaScript, templates, CSS, the
  word catalogues), comments included, names the fund — its organisations,
  its sources' outlets, its URLs, its thresholds or amounts. The names and
  values are read from the rules file, not typed here.
- Imports point one way: the engine's modules import the standard library and
  each other only (they run in Pyodide); the loader and the command line add
  PyYAML and jsonschema; the site build may import the product, never the
  reverse; no import cycle anywhere.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from contract import RULES
from support.paths import REPO

CODE_DIRS = ("selfcheck", "sitebuild")
CODE_SUFFIXES = {".py", ".js", ".mjs", ".html", ".css", ".j2", ".json", ".md"}
# The engine's modules: every module of selfcheck/ but the loader and the
# command line. They run in Pyodide, with the standard library only.
ENGINE_LAYER = {"selfcheck"} | {
    f"selfcheck.{p.stem}"
    for p in (REPO / "selfcheck").glob("*.py")
    if p.stem not in ("loader", "cli", "__main__", "__init__")
}
THIRD_PARTY = {
    "selfcheck.loader": {"yaml", "jsonschema"},
    "selfcheck.cli": {"yaml"},
}


def code_files() -> list[Path]:
    files = []
    for folder in CODE_DIRS:
        files += [
            p
            for p in sorted((REPO / folder).rglob("*"))
            if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
        ]
    return files


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def fund_words(rules: dict) -> set[str]:
    """Names that identify the fund: organisations, outlets, the rule set's id,
    every URL and host name of the rules file."""
    words = {rules["id"]}
    for section in ("funder", "operator"):
        if section in rules:
            words.add(rules[section]["name"])
    words |= {s["outlet"].split(" (")[0] for s in rules["sources"]}
    for node in _walk(rules):
        url = node.get("url")
        if isinstance(url, str):
            words |= {url, urlsplit(url).hostname.removeprefix("www.")}
    return {w for w in words if len(w) >= 4}


def _number_pattern(value: float) -> re.Pattern:
    """A number however grouped (15000, 15 000, 15,000, 15_000), not glued to
    other digits."""
    digits = str(int(value))
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    grouped = r"[\s,._\u00a0\u202f]?".join(groups)
    return re.compile(rf"(?<![\d.,]){grouped}(?![\d])")


def fund_values(rules: dict) -> dict[str, re.Pattern]:
    """Thresholds, amounts and dates of the rules file, as patterns."""
    patterns = {}
    for name, param in rules["parameters"].items():
        value = param["value"]
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) and value >= 100:
            patterns[name] = _number_pattern(value)
        elif isinstance(value, (int, float)):
            # A small threshold: only where it reads as one (">= 12", "12 jours").
            number = re.escape(str(value))
            patterns[name] = re.compile(
                rf"[<>]=?\s*{number}(?!\d)|(?<!\d){number}\s*(?:jours|days|cachets)\b"
            )
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
            patterns[name] = re.compile(re.escape(value))
    return patterns


def test_the_checks_know_the_fund():
    words, values = fund_words(RULES), fund_values(RULES)
    assert len(words) >= 5 and len(values) >= 3
    assert any(_number_pattern(15000).search(t) for t in ("15 000 €", "15,000", "15_000"))
    assert not _number_pattern(15000).search("115000 and 150000")


@pytest.mark.parametrize("path", code_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_code_file_names_the_fund(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [f"name {w!r}" for w in sorted(fund_words(RULES)) if w.lower() in text.lower()]
    for name, pattern in fund_values(RULES).items():
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"parameter {name} ({match.group(0)!r}, line {line})")
    assert not found, f"{path.relative_to(REPO)} names the fund: " + "; ".join(found)


# ---------------------------------------------------------------------------
# Imports


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The modules a file imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module
            found.add(target)
            # "from selfcheck import words" imports the module selfcheck.words
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def project_graph() -> dict[str, set[str]]:
    files = [p for folder in CODE_DIRS for p in sorted((REPO / folder).rglob("*.py"))]
    modules = {module_name(p): p for p in files}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_no_import_cycle():
    graph = project_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n  " + "\n  ".join(cycles)


def test_imports_point_one_way():
    graph = project_graph()
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    problems = []
    for name, path in ((module_name(p), p) for p in sorted((REPO / "selfcheck").rglob("*.py"))):
        outside = {m.split(".")[0] for m in imports_of(path)} - stdlib - {"selfcheck"}
        allowed = THIRD_PARTY.get(name, set()) if name not in ENGINE_LAYER else set()
        if outside - allowed:
            problems.append(f"{name} imports {sorted(outside - allowed)}")
        if name in ENGINE_LAYER and graph[name] - ENGINE_LAYER:
            problems.append(f"{name} (engine) imports {sorted(graph[name] - ENGINE_LAYER)}")
        if any(m.startswith("sitebuild") for m in graph[name]):
            problems.append(f"{name} imports the site build")
    assert not problems, "\n".join(problems)
    assert graph["sitebuild.hooks"] & ENGINE_LAYER, "the site build reads the engine's words"
