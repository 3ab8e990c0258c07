// The site's service worker: the source of sw.js, bundled with Workbox's
// modules and given the list of files to precache by sitebuild/sw/generate.mjs
// after each build. Every release must leave a reader able to use the site:
//
// - Pages come from the network first, so that a page always names engine
//   files the host still has: a page kept from an older release would ask for
//   an engine folder a new deployment has removed (the host keeps one release).
//   Offline, the page comes from the precache: every page and theme file is
//   precached on a first visit, whichever page, so that after one visit every
//   page reads offline.
// - A new release takes over at once (skipWaiting): with pages from the network,
//   an older service worker would only keep serving the previous release's
//   pages offline, naming an engine that is no longer kept. Workbox then drops
//   the previous release's precached files.
// - The self-check's engine (14 MB: Pyodide, the engine, the rules) is NOT
//   precached, so that readers of the information pages never download it.
//   Its files are answered from any engine cache that holds them (their
//   addresses name their contents), else from the network, a copy going to an
//   incoming cache. Once the engine has booted, the page sends the files it
//   used and the name of their cache (named after their contents): they are
//   gathered there (from the incoming cache; the network for any missing),
//   then a last entry marks the cache complete, and only then are the other
//   engine caches deleted. A boot that failed leaves files in the incoming
//   cache, never served from there and never a complete cache: an older
//   complete one stays until a newer one is complete.
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { registerRoute } from "workbox-routing";

const ENGINE = "selfcheck-engine-";
const incoming = new Set(); // copies being written to the incoming cache
const INCOMING = `${ENGINE}incoming`;
const ASSETS = "/assets/selfcheck/";
// The last entry of a complete engine cache (never a file of the site).
const completeMark = () => new URL("assets/selfcheck/.complete", self.registration.scope).href;

self.skipWaiting();
clientsClaim();

// The page a navigation names, as the precache lists it (a folder's index.html).
const pageFile = (url) => {
  const file = new URL(url);
  file.search = "";
  file.hash = "";
  if (file.pathname.endsWith("/")) file.pathname += "index.html";
  return file.href;
};

// Registered first: Workbox's precache route would otherwise answer
// navigations from the cache.
registerRoute(
  ({ request }) => request.mode === "navigate",
  async ({ request }) => {
    try {
      return await fetch(request);
    } catch {
      // A network error for the page, as without a service worker (not an
      // error thrown into the console).
      return (await matchPrecache(pageFile(request.url))) ?? Response.error();
    }
  },
);

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// A file some boot has used (not one of the incoming cache, which holds what
// failed boots downloaded too: a file the page refused is never served again).
// Each cache is read through caches.match and never opened: opening a cache a
// "keep-engine" deletes meanwhile (another tab's, or the next release's
// service worker's) would create it again, empty, and leave it for good.
async function keptFile(request) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(ENGINE) || name === INCOMING) continue;
    const kept = await caches.match(request, { cacheName: name });
    if (kept) return kept;
  }
  return undefined;
}

// The engine's files: from the engine caches, else the network (a copy kept in
// the incoming cache, for the page's "keep-engine" below).
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.includes(ASSETS),
  async ({ request, event }) => {
    const kept = await keptFile(request);
    if (kept) return kept;
    // Fetched as asked, but for its integrity, which the page checks on what
    // it receives (a refused file, or an HTTP error, then fails there, as
    // without a service worker, and not as an error thrown here). Offline: a
    // network error for the page, which reports it.
    const response = await fetch(new Request(request, { integrity: "" })).catch(() => Response.error());
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      const put = caches
        .open(INCOMING)
        .then((cache) => cache.put(request, copy))
        .catch(() => {}) // no room: the page's "keep-engine" fetches it again
        .finally(() => incoming.delete(put));
      incoming.add(put);
      event.waitUntil(put);
    }
    return response;
  },
);

// The page's "keep-engine": gather the files in their cache, mark it
// complete, then delete every other engine cache.
async function keepEngine(name, urls) {
  await Promise.all(incoming);
  const cache = await caches.open(name);
  for (const url of urls) {
    if (await cache.match(url)) continue;
    const response = (await caches.match(url)) ?? (await fetch(url));
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await cache.put(url, response);
  }
  await cache.put(completeMark(), new Response(""));
  const others = (await caches.keys()).filter((old) => old.startsWith(ENGINE) && old !== name);
  await Promise.all(others.map((old) => caches.delete(old)));
}

self.addEventListener("message", (event) => {
  const message = event.data;
  if (message?.type !== "keep-engine" || !Array.isArray(message.urls)) return;
  const name = String(message.cache ?? "");
  if (!name.startsWith(ENGINE) || name === INCOMING) return;
  const scope = new URL(self.registration.scope);
  const urls = message.urls.map(String).filter((url) => new URL(url, scope).origin === scope.origin);
  event.waitUntil(
    keepEngine(name, urls)
      .then(() => event.source?.postMessage({ type: "engine-kept", count: urls.length }))
      .catch((error) => event.source?.postMessage({ type: "engine-not-kept", error: String(error) })),
  );
});
