"""A new deployment never strands a reader who came before it (each engine tested).

A reader opens the self-check of a first release, whose service worker keeps
the pages and the engine. The site is then deployed again with a changed
engine, as static hosts do: a new ``engine-<sha8>`` folder, the old one gone,
every page naming the new files, a new ``sw.js``. The reader comes back,
online, in the same browser: the self-check page comes from the new release
and boots its engine (nothing asks for the removed folder); once the new
engine's cache is complete, the old one is deleted. A boot that fails halfway
(a third release whose wheel is missing) leaves the older complete cache alone
and no other counted complete; « Réessayer » then boots. Offline, the
self-check still answers.

The second release is the built site, copied, with what a new engine changes
and nothing else: the engine's wheel differs (its zip comment: same modules,
another sha256), so its folder, its lock's sha256, the pages that name them
and their engine cache's name change, and the service worker is written again
by the build's own code (``write_service_worker``). A whole second build would
take a minute or more for the same files.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import urljoin

from contract import RULES
from support.corpus import first, load_corpus, settled_eligible
from support.driver import READY_TIMEOUT
from support.servers import serving_site

from selfcheck.form import fragment
from sitebuild.bundle import write_service_worker

ROOT = "#selfcheck"
RESULT = "#selfcheck-result"
PAGE = "autodiagnostic/"
KEEP_TIMEOUT = 90.0  # s: the service worker installs (precaching the pages), then keeps
ENGINE_FOLDER = re.compile(r"engine-[0-9a-f]{8}")

# The engine caches: name → whether complete (its last entry, the mark, written).
# Read through caches.match, never caches.open: opening a cache the service
# worker is deleting would create it again, and the test would see its own
# doing.
ENGINE_CACHES = """async () => {
  const mark = new URL('assets/selfcheck/.complete', (await navigator.serviceWorker.ready).scope);
  const found = {};
  for (const name of await caches.keys()) {
    if (!name.startsWith('selfcheck-engine-')) continue;
    found[name] = (await caches.match(mark.href, { cacheName: name })) !== undefined;
  }
  return found;
}"""
# The named cache, once complete and this page controlled; else null.
COMPLETE = """async (name) => {
  if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return null;
  if (!(await caches.keys()).includes(name)) return null;
  const urls = (await (await caches.open(name)).keys()).map((request) => request.url);
  return urls.some((url) => url.endsWith('/assets/selfcheck/.complete')) ? urls : null;
}"""
# The engine caches, once they are exactly {name: complete}; else null (the
# others are deleted just after the mark is written).
ONLY = f"""async (name) => {{
  const found = await ({ENGINE_CACHES})();
  return Object.keys(found).length === 1 && found[name] === true ? found : null;
}}"""
REASONS_SHOWN = """() => [...document.querySelectorAll('#selfcheck-error [data-reason]')]
  .filter((node) => !node.hidden).map((node) => node.dataset.reason)"""


def only_kept(page, name: str) -> None:
    """Wait until the engine caches are exactly {name: complete}; if they never
    are, fail naming the caches there are."""
    try:
        page.wait_until(ONLY, name)
    except TimeoutError:
        found = page.call(ENGINE_CACHES)
        raise AssertionError(f"engine caches: {found}, wanted only {name}") from None


def deploy_new_engine(site: Path, release: str) -> dict:
    """Turn the copy of a built site into the next release with a changed
    engine, in place: what a host holds after the new deployment."""
    assets = site / "assets" / "selfcheck"
    (old,) = sorted(assets.glob("engine-*"))
    (wheel,) = sorted(old.glob("selfcheck-*.whl"))
    with zipfile.ZipFile(wheel, "a") as changed:
        changed.comment = release.encode()
    data = wheel.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    new = assets / f"engine-{digest[:8]}"
    new.mkdir()
    (new / wheel.name).write_bytes(data)
    lock = json.loads((old / "pyodide-lock.json").read_text(encoding="utf-8"))
    lock["packages"]["selfcheck"]["sha256"] = digest
    (new / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    shutil.copy2(old / "python_stdlib.zip", new / "python_stdlib.zip")
    shutil.rmtree(old)
    caches = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if old.name not in text:
            continue
        caches.update(re.findall(r'data-engine-cache="([^"]+)"', text))
        for name in re.findall(r'data-engine-cache="([^"]+)"', text):
            text = text.replace(name, f"selfcheck-engine-{digest[:12]}")
        page.write_text(text.replace(old.name, new.name), encoding="utf-8")
        for copy in (page.with_name(page.name + ".br"), page.with_name(page.name + ".gz")):
            copy.unlink(missing_ok=True)  # served uncompressed: the same page
    for copy in (site / "sw.js.br", site / "sw.js.gz"):
        copy.unlink(missing_ok=True)
    write_service_worker(site)
    (old_cache,) = caches
    return {
        "old": old.name,
        "new": new.name,
        "wheel": f"assets/selfcheck/{new.name}/{wheel.name}",
        "old_cache": old_cache,
        "new_cache": f"selfcheck-engine-{digest[:12]}",
    }


def test_a_new_deployment_never_strands_a_returning_reader(
    new_driver, built_site, tmp_path, engine_name
):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    answers = first(load_corpus(RULES)["cases"], settled_eligible, "eligible")["answers"]
    shared = fragment(RULES, answers, "fr")
    with serving_site(site) as served:
        page = new_driver(service_workers=True)
        # The first release: the reader's visit, the engine kept.
        page.open(urljoin(served.base_url, PAGE) + "#" + shared)
        page.wait_attribute(RESULT, "data-verdict", "eligible")
        first_cache = page.attribute(ROOT, "data-engine-cache")
        page.wait_until(COMPLETE, first_cache, timeout=KEEP_TIMEOUT)

        # The second release. The reader comes back, online: the page names the
        # new engine, which boots (nothing asks for the removed folder) and
        # gives the answers kept in the tab their verdict; once its cache is
        # complete, the first one is deleted.
        second = deploy_new_engine(site, "release 2")
        assert second["old_cache"] == first_cache
        before = len(served.requests)
        page.open(urljoin(served.base_url, PAGE))
        assert page.attribute(ROOT, "data-engine-cache") == second["new_cache"]
        page.wait_attribute(RESULT, "data-answers", shared)
        page.wait_attribute(RESULT, "data-verdict", "eligible")
        page.wait_until(COMPLETE, second["new_cache"], timeout=KEEP_TIMEOUT)
        only_kept(page, second["new_cache"])
        asked = served.requests[before:]
        assert any(second["new"] in path for path in asked), asked
        assert not any(second["old"] in path for path in asked), asked

        # A third release whose wheel is not there yet (a deployment halfway,
        # or a download cut): the boot fails; the second release's complete
        # cache stays, and no other counts as complete. The wheel arrives;
        # « Réessayer » boots the third engine, and only once its cache is
        # complete is the second one deleted.
        third = deploy_new_engine(site, "release 3")
        hidden = site / (third["wheel"] + ".later")
        (site / third["wheel"]).rename(hidden)
        page.open(urljoin(served.base_url, PAGE), state="error")
        assert page.call(REASONS_SHOWN) == ["network"]
        caches = page.call(ENGINE_CACHES)
        assert caches.pop(second["new_cache"]) is True, caches
        assert not any(caches.values()), caches
        hidden.rename(site / third["wheel"])
        page.click('[data-action="retry"]')
        page.wait_for(f'{ROOT}[data-state="ready"]', timeout=READY_TIMEOUT)  # a whole boot
        page.wait_attribute(RESULT, "data-verdict", "eligible")
        page.wait_until(COMPLETE, third["new_cache"], timeout=KEEP_TIMEOUT)
        only_kept(page, third["new_cache"])

        # Offline: the last release's page and engine, from the caches.
        served.go_offline()
        page.reload()
        page.wait_attribute(RESULT, "data-answers", shared)
        page.wait_attribute(RESULT, "data-verdict", "eligible")
        assert page.attribute(ROOT, "data-engine-cache") == third["new_cache"]
        # Only the wheel held back may have left a trace (its failed download).
        problems = [p for p in page.problems() if ".whl" not in p]
        assert not problems, f"{page.engine}:\n  " + "\n  ".join(problems)
