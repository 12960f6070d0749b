/* The reader's cluster choice, on every page and after the browser closes.
 *
 * sphinx-tabs (tabs.js, loaded before this file) switches every group tab of a
 * page together and remembers the choice in sessionStorage only. This script:
 * - stores the chosen cluster's label in localStorage and restores it on load;
 * - honours ?cluster=NAME: a cluster's key, label or machine name, any case;
 * - only ever selects the tab of a cluster of the data table (window.hpccourseClusters),
 *   never another group tab ("Task", "For teachers"), from a link or from storage;
 * - drives every tab set from the "Your cluster" chooser after the title, and keeps
 *   the chooser showing the chosen cluster;
 * - switches tabs with the arrow keys, Home and End (sphinx-tabs only moves
 *   focus), keeping the selected tab the one that Tab reaches;
 * - builds the tab buttons of the generated tab sets, whose HTML holds only the panels,
 *   each naming its tab (data-tab) and group (name): run as a deferred script, before
 *   sphinx-tabs' own script starts (on DOMContentLoaded);
 * - applies a ?cluster= link once: the address then follows the reader's choice;
 * - puts each hand-written tab's label at the top of its panel, shown only in print
 *   (generated panels print their data-tab: see print.css).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "hpccourse-cluster";
  var SESSION_KEY = "sphinx-tabs-last-selected"; // sphinx-tabs' own key
  var clusters = Array.isArray(window.hpccourseClusters) ? window.hpccourseClusters : [];

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

  function fold(text) {
    return String(text).trim().toLowerCase();
  }

  /* The cluster that `name` names (key, label or machine name, any case), or null. */
  function clusterNamed(name) {
    if (!name) return null;
    var want = fold(name);
    return (
      clusters.find(function (cluster) {
        return cluster.names.concat([cluster.label]).some(function (n) {
          return fold(n) === want;
        });
      }) || null
    );
  }

  function clusterOfTab(tab) {
    var label = labelOf(tab);
    return (
      clusters.find(function (cluster) {
        return cluster.label === label;
      }) || null
    );
  }

  /* The first group tab of `cluster`, or null. */
  function tabOf(cluster) {
    if (!cluster) return null;
    return (
      Array.prototype.slice
        .call(document.querySelectorAll(".sphinx-tabs-tab.group-tab"))
        .find(function (tab) {
          return labelOf(tab) === cluster.label;
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

  function chooser() {
    return document.getElementById("hpccourse-cluster");
  }

  function showInChooser(cluster) {
    var select = chooser();
    if (select && cluster) select.value = cluster.key;
  }

  function remember(cluster, tab) {
    showInAddress(cluster);
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    try {
      if (local) local.setItem(STORAGE_KEY, cluster.label);
      if (session && tab) session.setItem(SESSION_KEY, tab.getAttribute("name"));
    } catch (e) {
      /* quota or privacy mode: the choice lasts for this page only */
    }
  }

  /* Show `cluster`'s tab in every tab set of the page that has one. */
  function choose(cluster) {
    var tab = tabOf(cluster);
    if (tab && typeof window.selectNamedTabs === "function") {
      window.selectNamedTabs(tab.getAttribute("name"));
    }
    showInChooser(cluster);
    syncTabindex();
    return tab;
  }

  function restore() {
    var wanted = clusterNamed(new URLSearchParams(window.location.search).get("cluster"));
    if (wanted) {
      remember(wanted, choose(wanted));
      return;
    }
    var local = storage("localStorage");
    var stored = clusterNamed(local && local.getItem(STORAGE_KEY));
    if (stored) {
      choose(stored);
      return;
    }
    /* No choice yet: nothing for sphinx-tabs to restore on the next page either. */
    forgetSessionTab();
    syncTabindex();
  }

  function forgetSessionTab() {
    var session = storage("sessionStorage");
    try {
      if (session) session.removeItem(SESSION_KEY);
    } catch (e) {
      /* nothing stored */
    }
  }

  /* The buttons and ARIA attributes of the generated tab sets (what sphinx-tabs writes). */
  function buildTabs() {
    document.querySelectorAll(".sphinx-tabs").forEach(function (set, index) {
      var list = set.querySelector(':scope > [role="tablist"]');
      var panels = set.querySelectorAll(":scope > .sphinx-tabs-panel[data-tab]");
      if (!list || !panels.length || list.children.length) return;
      panels.forEach(function (panel) {
        var name = panel.getAttribute("name");
        var tabId = "tab-g" + index + "-" + name;
        var panelId = "panel-g" + index + "-" + name;
        var tab = document.createElement("button");
        var shown = !panel.hidden;
        tab.className = "sphinx-tabs-tab group-tab";
        tab.id = tabId;
        tab.setAttribute("name", name);
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-controls", panelId);
        tab.setAttribute("aria-selected", shown ? "true" : "false");
        tab.setAttribute("tabindex", shown ? "0" : "-1");
        tab.textContent = panel.getAttribute("data-tab");
        list.appendChild(tab);
        panel.id = panelId;
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tabId);
        panel.setAttribute("tabindex", "0");
      });
    });
  }

  /* The address names the reader's cluster (a reload or a shared link shows it), or
   * none when the choice came from storage. */
  function showInAddress(cluster) {
    if (!cluster || !window.history || !window.history.replaceState) return;
    var url = new URL(window.location.href);
    if (!url.searchParams.has("cluster")) return;
    url.searchParams.set("cluster", cluster.key);
    try {
      window.history.replaceState(window.history.state, "", url.toString());
    } catch (e) {
      /* a file: page may refuse: the address stays */
    }
  }

  function labelPanelsForPrint() {
    document.querySelectorAll(".sphinx-tabs-panel:not([data-tab])").forEach(function (panel) {
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
    var group = tab.classList.contains("group-tab");
    var cluster = group ? clusterOfTab(tab) : null;
    if (cluster) {
      remember(cluster, tab);
      showInChooser(cluster);
    } else if (group) {
      forgetSessionTab(); // sphinx-tabs stored a non-cluster tab: never restore it
    }
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

  /* The chooser: applied on change; its submit button is for readers without scripts. */
  function wireChooser() {
    var select = chooser();
    if (!select) return;
    var form = select.form;
    var button = form && form.querySelector("button");
    if (button) button.hidden = true;
    select.addEventListener("change", function () {
      var cluster = clusterNamed(select.value);
      if (cluster) remember(cluster, choose(cluster));
    });
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var cluster = clusterNamed(select.value);
        if (cluster) remember(cluster, choose(cluster));
      });
    }
  }

  buildTabs(); // now: this script is deferred, sphinx-tabs starts on DOMContentLoaded

  window.addEventListener("DOMContentLoaded", function () {
    labelPanelsForPrint();
    document.addEventListener("click", onClick);
    document.querySelectorAll('.sphinx-tabs [role="tablist"]').forEach(function (list) {
      list.addEventListener("keydown", onKeydown);
    });
    wireChooser();
    restore();
  });
})();
