"""The lock file (requirements-dev.txt, written by ``make lock``) follows
pyproject.toml: every dependency and dev tool is in it at the version
pyproject.toml pins, and every package in it is pinned with its sha256, so that
``pip install --require-hashes`` (``make setup``) installs exactly that.

A change to pyproject.toml without ``make lock`` fails here, naming the package.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support.paths import REPO

LOCK = REPO / "requirements-dev.txt"


def project() -> dict:
    with open(REPO / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def locked() -> dict[str, tuple[str, list[str]]]:
    """{name: (version, [sha256, …])} from the lock file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = LOCK.read_text(encoding="utf-8")
    # One requirement per logical line (continued with a backslash).
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --hash=")
        spec = Requirement(requirement.strip())
        pins = [s for s in spec.specifier if s.operator == "=="]
        assert len(pins) == 1 and len(spec.specifier) == 1, f"not pinned with ==: {line[:80]}"
        hashes = [re.sub(r"^sha256:", "", option.strip()) for option in options]
        entries[canonicalize_name(spec.name)] = (pins[0].version, hashes)
    return entries


def test_every_locked_package_has_its_sha256():
    entries = locked()
    assert entries, f"{LOCK.name} holds no package"
    for name, (_, hashes) in entries.items():
        assert hashes, f"{name} has no --hash in {LOCK.name}"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), (name, hashes)


def test_the_lock_pins_what_pyproject_pins():
    entries = locked()
    problems = []
    dev = project()["optional-dependencies"]["dev"]
    for text in dev:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        (wanted,) = [s.version for s in requirement.specifier if s.operator == "=="]
        got = entries.get(name, (None,))[0]
        if got != wanted:
            problems.append(f"{name}: pyproject.toml pins {wanted}, the lock has {got}")
    for text in project()["dependencies"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in entries:
            problems.append(f"{name}: a dependency missing from the lock")
        elif entries[name][0] not in requirement.specifier:
            problems.append(f"{name}: the lock's {entries[name][0]} is not {requirement.specifier}")
    assert not problems, "run `make lock`:\n  " + "\n  ".join(problems)
