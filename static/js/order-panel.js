// Live order page. The htmx ws extension keeps /ws/orders/<number>/ open (and reconnects)
// on the element with [data-order-live]. Each JSON snapshot says what the order is now; when
// it differs from what the live region shows (a change, or one missed while reconnecting),
// the region is fetched again from the page itself. So the live panel, the header badge, the
// actions and the history are one server render and never contradict each other.
(function () {
  var LIVE = "Live: updates appear here as they happen.";

  function rootOf(event) {
    var el = event.detail && event.detail.elt;
    return el && el.closest ? el.closest("[data-order-live]") : null;
  }

  function region(root) {
    return root.querySelector("#order-live");
  }

  function shows(root) {
    var live = region(root);
    return live ? [live.dataset.status, live.dataset.total, live.dataset.refundedTotal].join("|") : "";
  }

  function paint(root) {
    var connection = root.querySelector("[data-connection]");
    if (connection && root.dataset.connection) connection.textContent = root.dataset.connection;
    var bar = root.querySelector("[data-progressbar]");
    var fill = root.querySelector("[data-progress]");
    if (bar && fill) fill.style.width = (bar.getAttribute("aria-valuenow") || 0) + "%";
  }

  function refreshIfStale(root) {
    var live = region(root);
    if (!live || !root.dataset.wanted || root.dataset.wanted === shows(root)) return;
    if (live.dataset.loading) return; // the answer in flight is checked again when it lands
    // Once per snapshot: a region that still differs after its refresh waits for the next.
    if (root.dataset.fetched === root.dataset.wanted) return;
    root.dataset.fetched = root.dataset.wanted;
    live.dataset.loading = "1";
    htmx.trigger(live, "order-changed");
  }

  function connection(root, text) {
    root.dataset.connection = text;
    paint(root);
  }

  document.body.addEventListener("htmx:wsOpen", function (event) {
    var root = rootOf(event);
    if (root) connection(root, LIVE);
  });
  document.body.addEventListener("htmx:wsClose", function (event) {
    var root = rootOf(event);
    if (root) connection(root, "Reconnecting…");
  });
  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var root = rootOf(event);
    if (!root) return;
    var data;
    try { data = JSON.parse(event.detail.message); } catch (e) { return; }
    event.preventDefault(); // JSON, not HTML: nothing for htmx to swap
    if (data.type !== "order") return;
    root.dataset.wanted = [data.status, data.total, data.refunded_total].join("|");
    refreshIfStale(root);
  });
  // A refreshed region (new content fires htmx:load): keep the connection line, draw the
  // bar, and catch a change that came in while the request was in flight.
  function settle() {
    document.querySelectorAll("[data-order-live]").forEach(function (root) {
      paint(root);
      refreshIfStale(root);
    });
  }
  document.body.addEventListener("htmx:load", settle);
  // A failed refresh leaves the old region in place: let the next snapshot try again.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var live = event.detail.elt;
    if (!live || live.id !== "order-live") return;
    delete live.dataset.loading;
    var root = live.closest("[data-order-live]");
    if (root && !event.detail.successful) delete root.dataset.fetched;
  });
  settle();
})();
