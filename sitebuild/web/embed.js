// One line on a partner's page puts the self-check where the line stands:
//   <script src="https://SITE/embed.js" data-lang="fr" async></script>
// It adds an <iframe> of SITE's /embed/ page (/<lang>/embed/) with a title,
// and sets the frame's height from the messages that page posts — accepted
// from SITE's origin and from that frame's window only. No cookie, no other
// request. Its address is the contract: never renamed, cached briefly.
// The build fills `pages` (sitebuild/embed.py): each language's page and title.
(() => {
  const pages = /* pages */ {};
  const script = document.currentScript;
  if (!script) return;
  const languages = Object.keys(pages);
  const lang = languages.includes(script.dataset.lang) ? script.dataset.lang : languages[0];
  const src = new URL(pages[lang].path, script.src);
  const frame = document.createElement("iframe");
  frame.src = src.href;
  frame.title = pages[lang].title;
  frame.style.cssText = "display:block;width:100%;height:40rem;border:0";
  script.after(frame);
  window.addEventListener("message", (event) => {
    if (event.origin !== src.origin || event.source !== frame.contentWindow) return;
    const height = Number(event.data?.type === "selfcheck:height" && event.data.height);
    if (height > 0 && height < 100000) frame.style.height = `${Math.ceil(height)}px`;
  });
})();
