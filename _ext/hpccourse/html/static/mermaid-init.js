/* Render the page's mermaid diagrams with the site's own copy of mermaid.
 *
 * A classic script (not an ES module), so the site also works opened from
 * disk (file://). Diagrams that are hidden when the page loads (in a closed
 * tab) are rendered when they first become visible: mermaid measures text in
 * the page and draws a broken diagram while its container is hidden.
 */
(function () {
  "use strict";

  var queue = Promise.resolve();

  function isShown(el) {
    return el.offsetParent !== null || el.getClientRects().length > 0;
  }

  // mermaid.run must not run twice at once: chain every call.
  function render(nodes) {
    if (nodes.length === 0) {
      return;
    }
    queue = queue
      .then(function () {
        return window.mermaid.run({ nodes: nodes });
      })
      .catch(function (err) {
        console.error("mermaid could not render a diagram:", err);
      });
  }

  function start() {
    if (!window.mermaid) {
      console.error("mermaid.min.js did not load: no diagrams");
      return;
    }
    window.mermaid.initialize(
      Object.assign({}, window.hpccourseMermaidConfig || {}, { startOnLoad: false })
    );
    var all = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
    render(all.filter(isShown));
    var hidden = all.filter(function (el) {
      return !isShown(el);
    });
    if (hidden.length === 0 || !("IntersectionObserver" in window)) {
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          render([entry.target]);
        }
      });
    });
    hidden.forEach(function (el) {
      observer.observe(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
