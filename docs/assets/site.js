// Keyboard access to Material for MkDocs' toggles (WCAG 2.1.1, 2.4.3, 4.1.2).
// Listed in mkdocs.yml (extra_javascript); loaded after Material's bundle.
// Material opens its menu, search and table-of-contents panels with
// <label for="checkbox">, which the keyboard cannot reach:
//
// - the header's menu and search buttons (partials/header.html) toggle the
//   hidden checkboxes with .click(), as Material's own script does, so that
//   Material sees the usual "change" event;
// - the menu button's aria-expanded follows the drawer, whoever opens it;
// - Escape closes the table of contents, else the menu, and puts the focus
//   back on the control that opened it; leaving the menu with Tab closes it;
// - the table-of-contents labels of the drawer take the focus (Material
//   itself clicks a focused label on Enter; Space is added here);
// - "Back to top" from the keyboard brings the focus back to the top;
// - the first use of each glossary term on a page (<abbr>, appended from
//   docs/includes/abbreviations.*.md) takes the focus, so that its
//   explanation, shown by Material on hover, shows on focus too, and Escape
//   closes it (WCAG 1.4.13);
// - Material's single-key shortcuts (f, s and / to search; p, n, comma and
//   full stop for the previous or next page) are turned off: a speech-input
//   user saying a word, or a reader with a tremor, would trigger them without
//   meaning to, and they could be neither changed nor turned off (WCAG 2.1.4,
//   RGAA 12.10). The search stays one Tab or click away.
(() => {
  "use strict"; // a classic script

  const drawer = document.getElementById("__drawer");
  const search = document.getElementById("__search");
  const toc = document.getElementById("__toc");
  const menuButton = document.querySelector('[data-site-toggle="drawer"]');
  const searchButton = document.querySelector('[data-site-toggle="search"]');
  const sidebar = document.querySelector(".md-sidebar--primary");

  const shown = (el) => !!el && el.getClientRects().length > 0;
  const focusIfShown = (el) => {
    if (shown(el)) el.focus();
  };

  if (drawer && menuButton) {
    if (sidebar) {
      sidebar.id = sidebar.id || "__drawer_panel";
      menuButton.setAttribute("aria-controls", sidebar.id);
    }
    const sync = () => menuButton.setAttribute("aria-expanded", String(drawer.checked));
    sync();
    drawer.addEventListener("change", sync);
    menuButton.addEventListener("click", () => drawer.click());

    // Tab out of the open menu (to the page behind the overlay) closes it.
    document.addEventListener("focusin", (event) => {
      if (drawer.checked && !event.target.closest("header, .md-sidebar--primary")) {
        drawer.click();
      }
    });
  }

  if (search && searchButton) {
    const input = document.querySelector(".md-search__input");
    searchButton.addEventListener("click", () => {
      if (!search.checked) search.click();
      if (input) input.focus();
    });
    // Material's Escape closes the search and blurs its field (or leaves the
    // focus on a result, now hidden): the focus returns to the button. Not
    // after Tab, which has moved the focus on by itself.
    search.addEventListener("change", () => {
      if (search.checked) return;
      setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body || active.closest(".md-search")) {
          focusIfShown(searchButton);
        }
      });
    });
  }

  if (toc && sidebar) {
    const opener = sidebar.querySelector('.md-nav__link[for="__toc"]');
    const back = sidebar.querySelector('.md-nav__title[for="__toc"]');
    for (const label of [opener, back]) if (label) label.tabIndex = 0;
    toc.addEventListener("change", () => {
      if (!sidebar.contains(document.activeElement)) return;
      focusIfShown(toc.checked ? back : opener);
    });
  }

  // "Back to top" from the keyboard (a click with detail 0): the focus goes
  // to the top too, not just the view (Material only hides the button,
  // so the next Tab would land in the footer). Mouse clicks are left alone.
  const top = document.querySelector(".md-top");
  const skip = document.querySelector(".md-skip");
  if (top && skip) {
    top.addEventListener("click", (event) => {
      if (event.detail === 0) skip.focus({ preventScroll: true });
    });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === " " && target instanceof HTMLLabelElement && target.tabIndex === 0) {
      event.preventDefault();
      target.click();
      return;
    }
    if (event.key === "Escape" && document.querySelector(".md-tooltip2--active")) {
      // A glossary explanation shown on focus or hover closes with Escape,
      // the focus staying where it is (WCAG 1.4.13, RGAA 10.13); the next
      // focus or hover shows explanations again.
      document.documentElement.dataset.tooltipDismissed = "";
      return;
    }
    if (event.key !== "Escape" || search?.checked) return;
    if (toc?.checked && sidebar?.contains(target)) {
      toc.click();
    } else if (drawer?.checked) {
      drawer.click();
      focusIfShown(menuButton);
    }
  });

  // Material listens on window, in the bubbling phase: a listener on window in
  // the capturing phase comes first and stops those keys there, where the
  // focus is not on a field (in a field, Material leaves them to the typing).
  const SHORTCUTS = new Set(["f", "s", "/", "p", ",", "n", "."]);
  const editable = (el) =>
    el instanceof HTMLElement && (el.isContentEditable || /^(input|textarea|select)$/i.test(el.tagName));
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (!SHORTCUTS.has(event.key) || editable(event.target)) return;
      event.stopImmediatePropagation();
    },
    true,
  );

  const showTooltipsAgain = () => delete document.documentElement.dataset.tooltipDismissed;
  document.addEventListener("focusin", showTooltipsAgain);
  document.addEventListener("pointerover", (event) => {
    if (event.target instanceof Element && event.target.closest("abbr[title]")) showTooltipsAgain();
  });

  const terms = new Set();
  for (const abbr of document.querySelectorAll(".md-content .md-typeset abbr[title]")) {
    const term = abbr.textContent.trim().toLowerCase();
    if (terms.has(term)) continue;
    terms.add(term);
    abbr.tabIndex = 0;
  }
})();
