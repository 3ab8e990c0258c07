// The site's service worker (sw.js at the site's root), written by
// workbox-build after each build (sitebuild/hooks.py runs this script):
//   node sitebuild/sw/generate.mjs <site folder> <engine cache name> <engine script>
//
// - The pages and the theme's files are precached when a reader first comes,
//   whichever page: after one visit, every page reads offline. Workbox names
//   each file's revision by its content and purges outdated caches, and a new
//   version waits until the old one's pages are closed: an update never
//   mixes two versions.
// - The self-check's engine (14 MB: Pyodide, the engine, the rules) is NOT
//   precached, so that readers of the information pages never download it. The
//   self-check page asks the service worker to keep the files it has just
//   used (<engine script>, imported into sw.js), in a cache named after their
//   contents; later visits boot from it, online or not.
import { generateSW } from "workbox-build";

const [site, engineCache, engineScript] = process.argv.slice(2);
if (!site || !engineCache || !engineScript) {
  console.error("usage: node sitebuild/sw/generate.mjs <site> <engine cache name> <engine script>");
  process.exit(2);
}

const { count, size, warnings } = await generateSW({
  globDirectory: site,
  globPatterns: ["**/*.{html,css,js,json,svg,ico,png,woff2,xml}"],
  globIgnores: ["assets/selfcheck/**", "api/**", "**/*.br", "**/*.gz", "sw.js"],
  swDest: `${site}/sw.js`,
  inlineWorkboxRuntime: true,
  mode: "production",
  sourcemap: false,
  cleanupOutdatedCaches: true,
  // The first version takes the open pages at once; a later one waits until
  // the pages of the version before are closed (no skipWaiting).
  clientsClaim: true,
  maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  importScripts: [engineScript],
  runtimeCaching: [
    {
      urlPattern: ({ url }) => url.pathname.includes("/assets/selfcheck/"),
      handler: "CacheFirst",
      options: { cacheName: engineCache },
    },
  ],
});
for (const warning of warnings) console.error(`workbox: ${warning}`);
console.log(JSON.stringify({ count, size }));
