// Live order page. The htmx ws extension keeps /ws/orders/<number>/ open (and reconnects)
// on the element with [data-order-live]. Each message is the panel's #order-progress,
// rendered by the server with hx-swap-oob, and htmx swaps it in: this script formats
// nothing. It only compares what the fresh panel says with what the rest of the live
// region shows (status, total, refunded total); when they differ (a change, or one missed
// while reconnecting) it fetches the region again from the page itself, so the panel, the
// header badge, the actions and the history are one server render and never contradict
// each other.
(function () {
  function rootOf(event) {
    var el = event.detail && event.detail.elt;
    return el && el.closest ? el.closest("[data-order-live]") : null;
  }

  function region(root) {
    return root.querySelector("#order-live");
  }

  function state(el) {
    return el ? [el.dataset.status, el.dataset.total, el.dataset.refundedTotal].join("|") : "";
  }

  function panelKey(live) {
    var panel = live.querySelector("#order-progress");
    return panel ? panel.dataset.liveKey : "";
  }

  function paint(root) {
    var line = root.querySelector("[data-connection]");
    var text = root.dataset.connection && line ? line.dataset[root.dataset.connection] : "";
    if (text) line.textContent = text;
  }

  function refreshIfStale(root) {
    var live = region(root);
    if (!live || !root.dataset.wanted) return;
    // The region is stale when the rest of the page shows another state than the last
    // fragment, or when a region fetched meanwhile holds an older panel than that fragment.
    var wanted = root.dataset.wanted + "#" + root.dataset.wantedKey;
    if (root.dataset.wanted === state(live) && root.dataset.wantedKey === panelKey(live)) return;
    if (live.dataset.loading) return; // the answer in flight is checked again when it lands
    // Once per fragment: a region that still differs after its refresh waits for the next.
    if (root.dataset.fetched === wanted) return;
    root.dataset.fetched = wanted;
    live.dataset.loading = "1";
    htmx.trigger(live, "order-changed");
  }

  function connection(root, which) {
    root.dataset.connection = which;
    paint(root);
  }

  document.body.addEventListener("htmx:wsOpen", function (event) {
    var root = rootOf(event);
    if (root) connection(root, "liveText");
  });
  document.body.addEventListener("htmx:wsClose", function (event) {
    var root = rootOf(event);
    if (root) connection(root, "reconnectingText");
  });
  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    // Only the panel's HTML is for htmx to swap; anything else (a JSON error) is not.
    var message = event.detail.message;
    if (rootOf(event) && (typeof message !== "string" || message.trim().charAt(0) !== "<")) {
      event.preventDefault();
    }
  });
  document.body.addEventListener("htmx:wsAfterMessage", function (event) {
    var root = rootOf(event);
    var panel = root && root.querySelector("#order-progress");
    if (!panel) return;
    root.dataset.wanted = state(panel);
    root.dataset.wantedKey = panel.dataset.liveKey || "";
    refreshIfStale(root);
  });
  // A refreshed region (new content fires htmx:load): keep the connection line, and catch
  // a change that came in while the request was in flight.
  function settle() {
    document.querySelectorAll("[data-order-live]").forEach(function (root) {
      paint(root);
      refreshIfStale(root);
    });
  }
  document.body.addEventListener("htmx:load", function (event) {
    // A swapped-in fragment is handled by htmx:wsAfterMessage, once it is in place.
    var el = event.detail && event.detail.elt;
    if (!el || el.id !== "order-progress") settle();
  });
  // A failed refresh leaves the old region in place: let the next fragment try again.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var live = event.detail.elt;
    if (!live || live.id !== "order-live") return;
    delete live.dataset.loading;
    var root = live.closest("[data-order-live]");
    if (root && !event.detail.successful) delete root.dataset.fetched;
  });
  settle();
})();
