// Every page registers the site's service worker (sw.js, at the site's root,
// named in this script's data-sw): after one visit, pages read offline, and
// the self-check boots from the files it kept. Nothing is sent anywhere.
(() => {
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script?.dataset.sw) return;
  const register = () =>
    navigator.serviceWorker.register(script.dataset.sw).catch(() => {
      // no service worker (private mode, file://): the site works online as before
    });
  // On the self-check page, not before the engine's boot is over (boot.js):
  // the worker's first download of the site would share the cores with it.
  addEventListener("load", () => (globalThis.selfcheckBoot?.booted ?? Promise.resolve()).then(register));
})();
