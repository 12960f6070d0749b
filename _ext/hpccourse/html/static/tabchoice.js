/* The reader's cluster choice, on every page and after the browser closes.
 *
 * sphinx-tabs (tabs.js, loaded before this file) switches every group tab of a
 * page together and remembers the choice in sessionStorage only. This script:
 * - stores the chosen group label in localStorage and restores it on load;
 * - honours ?cluster=KEY (a data-table key, or a tab label, any case);
 * - switches tabs with the arrow keys, Home and End (sphinx-tabs only moves
 *   focus), keeping the selected tab the one that Tab reaches;
 * - puts each tab's label at the top of its panel, shown only in print, so a
 *   printed page labels every cluster's commands (see print.css).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "hpccourse-cluster";
  var SESSION_KEY = "sphinx-tabs-last-selected"; // sphinx-tabs' own key
  var clusters = window.hpccourseClusters || {};

  function storage(name) {
    try {
      return window[name] || null;
    } catch (e) {
      return null; // storage switched off by the browser
    }
  }

  function labelOf(tab) {
    return tab.textContent.trim();
  }

  function groupTabs() {
    return Array.prototype.slice.call(
      document.querySelectorAll(".sphinx-tabs-tab.group-tab")
    );
  }

  /* The first group tab whose label is `wanted`, or the label of cluster key
   * `wanted`, compared without regard to case. */
  function findTab(wanted) {
    if (!wanted) return null;
    var want = String(wanted).trim().toLowerCase();
    var names = [want];
    Object.keys(clusters).forEach(function (key) {
      if (key.toLowerCase() === want) names.push(String(clusters[key]).toLowerCase());
    });
    return (
      groupTabs().find(function (tab) {
        return names.indexOf(labelOf(tab).toLowerCase()) !== -1;
      }) || null
    );
  }

  /* Roving tabindex: in each tab list only the selected tab is in the Tab order. */
  function syncTabindex() {
    document.querySelectorAll('.sphinx-tabs [role="tablist"]').forEach(function (list) {
      var tabs = list.querySelectorAll('[role="tab"]');
      var selected = list.querySelector('[role="tab"][aria-selected="true"]') || tabs[0];
      tabs.forEach(function (tab) {
        tab.setAttribute("tabindex", tab === selected ? "0" : "-1");
      });
    });
  }

  function remember(tab) {
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    try {
      if (local) local.setItem(STORAGE_KEY, labelOf(tab));
      if (session) session.setItem(SESSION_KEY, tab.getAttribute("name"));
    } catch (e) {
      /* quota or privacy mode: the choice lasts for this page only */
    }
  }

  /* Show `tab`'s group in every tab set of the page. */
  function choose(tab) {
    if (typeof window.selectNamedTabs === "function") {
      window.selectNamedTabs(tab.getAttribute("name"));
    }
    syncTabindex();
  }

  function restore() {
    var wanted = new URLSearchParams(window.location.search).get("cluster");
    var tab = findTab(wanted);
    if (tab) {
      choose(tab);
      remember(tab);
      return;
    }
    var local = storage("localStorage");
    tab = findTab(local && local.getItem(STORAGE_KEY));
    if (tab) choose(tab);
    else syncTabindex();
  }

  function labelPanelsForPrint() {
    document.querySelectorAll(".sphinx-tabs-panel").forEach(function (panel) {
      var tab = document.getElementById(panel.getAttribute("aria-labelledby"));
      if (!tab || panel.querySelector(":scope > .hpccourse-print-label")) return;
      var label = document.createElement("p");
      label.className = "hpccourse-print-label";
      label.hidden = true; // print.css shows it
      label.textContent = labelOf(tab);
      panel.insertBefore(label, panel.firstChild);
    });
  }

  function onClick(event) {
    var tab = event.target.closest && event.target.closest(".sphinx-tabs-tab");
    if (!tab) return;
    if (tab.classList.contains("group-tab")) remember(tab);
    syncTabindex();
  }

  /* Runs after sphinx-tabs' own keydown handler, which moves focus on Left
   * and Right: select the focused tab, and add Home and End. */
  function onKeydown(event) {
    var list = event.currentTarget;
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    if (event.key === "Home" || event.key === "End") {
      var target = event.key === "Home" ? tabs[0] : tabs[tabs.length - 1];
      target.focus();
      event.preventDefault();
    } else if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") {
      return;
    }
    var focused = document.activeElement;
    if (tabs.indexOf(focused) !== -1 && focused.getAttribute("aria-selected") !== "true") {
      focused.click();
    }
  }

  window.addEventListener("DOMContentLoaded", function () {
    labelPanelsForPrint();
    document.addEventListener("click", onClick);
    document.querySelectorAll('.sphinx-tabs [role="tablist"]').forEach(function (list) {
      list.addEventListener("keydown", onKeydown);
    });
    restore();
  });
})();
