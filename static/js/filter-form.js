// Filter forms (<form data-filter-form>) load their results with HTMX and push the URL.
// - The URL they push carries only the fields that have a value other than the default
//   (a select's first choice): ?q=kit&sort=price.
// - After Back or Forward, htmx restores a snapshot of the page whose form fields still show
//   what the page was first rendered with; the fields are set from the URL instead, so the
//   form always says what the results show.
// - On phones the filters fold behind their "Filters" button (<details data-filter-panel>,
//   open in the HTML so that they show without JS); the button counts the filters in use.
(function () {
  "use strict";

  var wide = window.matchMedia("(min-width: 768px)");

  function filterForm(elt) {
    return elt && elt.closest ? elt.closest("form[data-filter-form]") : null;
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = filterForm(event.detail.elt);
    if (!event.detail.useUrlParams || !form) return;
    // A select left at its first choice is the default the server applies anyway.
    var defaults = {};
    form.querySelectorAll("select:not([multiple])").forEach(function (select) {
      if (select.name && select.selectedIndex === 0) defaults[select.name] = select.value;
    });
    var data = event.detail.formData;
    var kept = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" && (value.trim() === "" || defaults[name] === value)) return;
      kept.push([name, value]);
    });
    // A select fires both "input" and "change": the second request would push the same URL
    // again, and Back would seem to do nothing.
    var query = kept.map(function (pair) {
      return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1]);
    }).join("&");
    var url = event.detail.path.split("?")[0] + (query ? "?" + query : "");
    if (url === window.location.pathname + window.location.search) {
      event.preventDefault();
      return;
    }
    Array.from(new Set(data.keys())).forEach(function (name) { data.delete(name); });
    kept.forEach(function (pair) { data.append(pair[0], pair[1]); });
  });

  function syncForm(form, params) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") return;
      var values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) >= 0;
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
        // Absent from the URL: the form's default, its first choice.
        if (!field.multiple && field.selectedIndex < 0) field.selectedIndex = 0;
      } else {
        field.value = values.length ? values[0] : "";
      }
    });
  }

  function isSet(field) {
    if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked;
    if (field.tagName === "SELECT") return field.selectedIndex > 0; // the first choice is the default
    return field.value.trim() !== "";
  }

  // Open on wide screens; on phones folded until asked for (a panel the user opened stays
  // open across result swaps). The button counts the filters in use.
  function syncPanel(panel, media) {
    if (media || !panel.dataset.filterPanelReady) {
      panel.open = wide.matches;
      panel.dataset.filterPanelReady = "1";
    }
    if (wide.matches) panel.open = true;
    var count = panel.querySelector("[data-filter-count]");
    if (count) {
      var used = Array.prototype.filter.call(panel.querySelectorAll("input, select, textarea"), isSet).length;
      count.textContent = used ? "(" + used + ")" : "";
    }
  }

  function syncPanels(media) {
    document.querySelectorAll("details[data-filter-panel]").forEach(function (panel) {
      syncPanel(panel, media === true);
    });
  }

  function syncAll() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[data-filter-form]").forEach(function (form) {
      syncForm(form, params);
    });
    syncPanels(false);
  }

  document.body.addEventListener("htmx:historyRestore", syncAll);
  // A page the browser kept in its back-forward cache comes back as it was left.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) syncAll();
  });
  // Swapped-in filter panels (the catalog's category links replace the whole catalog).
  document.body.addEventListener("htmx:load", function () { syncPanels(false); });
  document.body.addEventListener("change", function (event) {
    var panel = event.target.closest && event.target.closest("details[data-filter-panel]");
    if (panel) syncPanel(panel, false);
  });
  wide.addEventListener("change", function () { syncPanels(true); });
  syncPanels(false);
})();
