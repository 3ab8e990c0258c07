// The self-check inside another site's frame (sitebuild/theme/embed.html).
// 1. Its height, posted to the page that frames it whenever it changes, so
//    that the frame grows with the result and never scrolls inside
//    (embed.js sets it; it accepts messages from this origin and this frame only).
// 2. Its links open in a new tab: the reader stays on the partner's page.
(() => {
  const framed = window.parent !== window;
  let posted = 0;

  function height() {
    let bottom = 0;
    for (const element of document.body.children) {
      const box = element.getBoundingClientRect();
      if (box.height) bottom = Math.max(bottom, box.bottom + window.scrollY);
    }
    return Math.ceil(bottom);
  }

  function post() {
    const now = height();
    if (!framed || now === posted) return;
    posted = now;
    window.parent.postMessage({ type: "selfcheck:height", height: now }, "*");
  }

  if (framed) {
    const observer = new ResizeObserver(post);
    for (const element of document.body.children) observer.observe(element);
    window.addEventListener("load", post);
    post();
  }

  // Links to this page's own parts stay in the frame; every other one opens a tab.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest?.("a[href]");
      if (!link) return;
      const url = new URL(link.href, location.href);
      if (url.origin === location.origin && url.pathname === location.pathname) return;
      link.target = "_blank";
      link.rel = `${link.rel} noopener`.trim();
    },
    true,
  );
})();
