// Live order panel: the htmx ws extension keeps the socket open (and reconnects); this
// script turns the JSON snapshots it receives into text on the panel.
(function () {
  function panelFor(event) {
    var el = event.detail && event.detail.elt;
    return el && el.closest ? el.closest("[data-order-panel]") : null;
  }
  function setField(panel, name, value) {
    panel.querySelectorAll('[data-field="' + name + '"]').forEach(function (node) {
      node.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    });
  }
  document.body.addEventListener("htmx:wsOpen", function (event) {
    var panel = panelFor(event);
    if (panel) panel.querySelector("[data-connection]").textContent = "Live: updates appear here as they happen.";
  });
  document.body.addEventListener("htmx:wsClose", function (event) {
    var panel = panelFor(event);
    if (panel) panel.querySelector("[data-connection]").textContent = "Reconnecting…";
  });
  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var panel = panelFor(event);
    if (!panel) return;
    var data;
    try { data = JSON.parse(event.detail.message); } catch (e) { return; }
    event.preventDefault(); // JSON, not HTML: nothing for htmx to swap
    if (data.type !== "order") return;
    setField(panel, "status_label", data.status_label);
    setField(panel, "progress_text", data.progress + "%");
    setField(panel, "total", data.total);
    setField(panel, "currency", data.currency);
    setField(panel, "assignee", data.assignee);
    panel.querySelector("[data-field=status_label]").dataset.status = data.status;
    panel.querySelector("[data-progress]").style.width = data.progress + "%";
    panel.querySelector("[data-progressbar]").setAttribute("aria-valuenow", data.progress);
  });
})();
