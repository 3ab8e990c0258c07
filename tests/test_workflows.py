"""The GitHub workflows (.github/workflows/): each action pinned to a commit,
its release named in a comment (a tag can be moved; a commit cannot), and the
Pages workflow building with `make build`. actionlint checks the rest
(`make lint`); it cannot check an action's inputs when the action is pinned
to a commit, which is why this test exists.
"""

from __future__ import annotations

import re

import pytest
import yaml
from support.paths import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_every_action_is_pinned_to_a_commit(workflow):
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in workflow.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(- )?uses:", line)
    ]
    assert uses, f"{workflow.name} uses no action"
    loose = [use for use in uses if not PINNED.match(use)]
    assert not loose, f"{workflow.name}: not pinned as owner/name@<commit> # vX.Y.Z: {loose}"


def test_pages_builds_with_make_build_and_deploys_the_site():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if step.get("run") == "make build")
    assert set(build["env"]) >= {"SITE_URL", "SITE_PUBLISHER", "SITE_HOST"}
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"].rstrip("/") == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
