// Every page registers the site's service worker (sw.js, at the site's root,
// named in this script's data-sw): after one visit, pages read offline, and
// the self-check boots from the files it kept. Nothing is sent anywhere.
(() => {
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script?.dataset.sw) return;
  addEventListener("load", () => {
    navigator.serviceWorker.register(script.dataset.sw).catch(() => {
      // no service worker (private mode, file://): the site works online as before
    });
  });
})();
