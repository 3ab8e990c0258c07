// Writes the site's service worker (sw.js at the site's root) after each
// build (sitebuild/hooks.py runs this script):
//   node sitebuild/sw/generate.mjs <site folder>
//
// Its source is sitebuild/sw/sw.mjs (what it does and why: there). Rollup
// bundles it with the Workbox modules it imports, as workbox-build's own
// generateSW does, and workbox-build's injectManifest then writes in the list
// of files to precache: the pages and the theme's files, each with a revision
// named by its content (not the self-check's engine: see sw.mjs).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import replace from "@rollup/plugin-replace";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { injectManifest } from "workbox-build";

const [site] = process.argv.slice(2);
if (!site) {
  console.error("usage: node sitebuild/sw/generate.mjs <site>");
  process.exit(2);
}

const bundle = await rollup({
  input: fileURLToPath(new URL("sw.mjs", import.meta.url)),
  plugins: [
    nodeResolve(),
    // Workbox's production build: no development logging.
    replace({ preventAssignment: true, values: { "process.env.NODE_ENV": JSON.stringify("production") } }),
    terser(),
  ],
});
const { output } = await bundle.generate({ format: "iife" });
await bundle.close();

const folder = await mkdtemp(join(tmpdir(), "selfcheck-sw-"));
try {
  const source = join(folder, "sw.js");
  await writeFile(source, output[0].code);
  const { count, size, warnings } = await injectManifest({
    swSrc: source,
    swDest: `${site}/sw.js`,
    globDirectory: site,
    globPatterns: ["**/*.{html,css,js,json,svg,ico,png,woff2,xml}"],
    globIgnores: ["assets/selfcheck/**", "api/**", "**/*.br", "**/*.gz", "sw.js"],
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  });
  for (const warning of warnings) console.error(`workbox: ${warning}`);
  console.log(JSON.stringify({ count, size }));
} finally {
  await rm(folder, { recursive: true, force: true });
}
