// Accessibility: a code block or table that scrolls (wider or taller than its
// box) must be reachable by keyboard (axe: scrollable-region-focusable).
// Blocks in hidden tabs are measured when shown (ResizeObserver); tables are
// wrapped in .wy-table-responsive by the theme's script, whenever that runs
// (MutationObserver).
(function () {
  "use strict";
  var SELECTOR = ".rst-content pre, .rst-content .wy-table-responsive";
  var seen = new WeakSet();
  function markIfScrolling(element) {
    var scrolls =
      element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
    if (scrolls && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "0");
    }
  }
  var sizes = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { markIfScrolling(entry.target); });
  });
  function scan() {
    document.querySelectorAll(SELECTOR).forEach(function (region) {
      if (seen.has(region)) return;
      seen.add(region);
      markIfScrolling(region);
      sizes.observe(region);
    });
  }
  // The phone's menu button says whether the menu is open (the theme's theme.js opens it).
  function syncMenuButton() {
    var button = document.querySelector(".hpccourse-menu-button");
    var side = document.querySelector(".wy-nav-side");
    if (button && side) {
      button.setAttribute("aria-expanded", side.classList.contains("shift") ? "true" : "false");
    }
  }
  function start() {
    scan();
    document.addEventListener("click", function () {
      window.setTimeout(syncMenuButton, 0);
    });
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
