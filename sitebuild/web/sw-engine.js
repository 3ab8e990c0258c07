// Imported into the site's service worker (sw.js, written by workbox-build:
// sitebuild/sw/generate.mjs). The self-check page, once its engine has given
// a first result, sends the files it used and the name of their cache (named
// after their contents, the same name as in sw.js's cache-first route); they
// are kept there (those it lacks), and the engine caches of other versions
// are deleted.
self.addEventListener("message", (event) => {
  const message = event.data;
  if (message?.type !== "keep-engine" || !Array.isArray(message.urls)) return;
  const name = String(message.cache ?? "");
  if (!name.startsWith("selfcheck-engine-")) return;
  const scope = new URL(self.registration.scope);
  const urls = message.urls.filter((url) => new URL(url, scope).origin === scope.origin);
  // Only the files the cache lacks are fetched: on a later visit, everything
  // is there already and nothing is downloaded again.
  const keep = async (cache) => {
    const kept = await Promise.all(urls.map((url) => cache.match(url)));
    await cache.addAll(urls.filter((_, index) => !kept[index]));
  };
  event.waitUntil(
    caches
      .open(name)
      .then(keep)
      .then(() => caches.keys())
      .then((names) =>
        Promise.all(
          names.filter((old) => old.startsWith("selfcheck-engine-") && old !== name).map((old) => caches.delete(old)),
        ),
      )
      .then(() => event.source?.postMessage({ type: "engine-kept", count: urls.length }))
      .catch((error) => event.source?.postMessage({ type: "engine-not-kept", error: String(error) })),
  );
});
