/* A copied command that still holds a placeholder (`[project]`, `[username]`) fails or
 * does harm as pasted: when the copy button copies one, say what to replace, in the
 * button's tooltip and in a line under the block that a screen reader announces.
 * Only the lines the button copies are read (no output, no line typed into another
 * program: the classes copybutton_exclude names). (hpccourse.html.styles)
 */
(function () {
  "use strict";
  var PLACEHOLDER = /\[[a-z][a-z0-9_-]*\]/g;
  var NOT_COPIED = ".go, .gp-Inner, .n-Inner, .linenos, style";

  function copiedText(pre) {
    var clone = pre.cloneNode(true);
    clone.querySelectorAll(NOT_COPIED).forEach(function (node) {
      node.remove();
    });
    return clone.textContent;
  }

  function hintAfter(block) {
    var next = block.nextElementSibling;
    if (next && next.classList.contains("hpccourse-copy-hint")) return next;
    var hint = document.createElement("p");
    hint.className = "hpccourse-copy-hint";
    hint.setAttribute("role", "status");
    hint.hidden = true;
    block.insertAdjacentElement("afterend", hint);
    return hint;
  }

  // Capture phase: sphinx-copybutton swaps the button's icon on success, detaching the
  // clicked <svg> before a bubbling listener would see it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copybtn");
    if (!button) return;
    var pre = button.parentElement && button.parentElement.querySelector("pre");
    var block = button.closest("div[class^='highlight-'], div.highlight");
    if (!pre || !block) return;
    var found = copiedText(pre).match(PLACEHOLDER) || [];
    var names = found.filter(function (name, i) {
      return found.indexOf(name) === i;
    });
    var hint = hintAfter(block);
    if (!names.length) {
      hint.hidden = true;
      return;
    }
    var message = "Copied. Replace " + names.join(" and ") + " before you run it.";
    hint.textContent = message;
    hint.hidden = false;
    // After sphinx-copybutton's own "Copied!" (set in the same click).
    window.setTimeout(function () {
      button.setAttribute("data-tooltip", message);
    }, 0);
  }, true);
})();
