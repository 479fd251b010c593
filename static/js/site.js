// Behaviour every page shares, loaded at the end of <body> by base.html. The
// Content-Security-Policy refuses inline event handlers, so elements ask for behaviour with
// data attributes instead.
(function () {
  // Error toasts from HTMX requests arrive in a "toast" event (htmx does not swap 4xx
  // bodies); a 429 from the rate limiter says so even when the view sent nothing.
  document.body.addEventListener("toast", function (event) {
    if (event.detail && event.detail.html) {
      document.getElementById("toasts").insertAdjacentHTML("beforeend", event.detail.html);
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 429 && !xhr.getResponseHeader("HX-Trigger")) {
      var toast = document.createElement("div");
      toast.setAttribute("data-toast", "");
      toast.setAttribute("role", "alert");
      toast.className = "pointer-events-auto w-full max-w-sm rounded-xl border border-red-200 bg-white p-4 text-sm shadow-lg";
      toast.textContent = "Too many requests. Please wait a minute and try again.";
      document.getElementById("toasts").appendChild(toast);
    }
  });

  // <button data-toast-dismiss> closes its toast.
  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-toast-dismiss]");
    if (dismiss) {
      var toast = dismiss.closest("[data-toast]");
      if (toast) toast.remove();
    }
  });

  // <select data-submit-on-change> submits its form when a value is picked.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-submit-on-change]");
    if (select && select.form) select.form.requestSubmit();
  });

  // <form data-confirm="Question?"> (or its submit button with data-confirm) asks before
  // it is sent.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // Collapsible menus inside content that HTMX swaps in (the catalog's category tree) take
  // the state for the screen width, as the page's own menus did on load.
  document.body.addEventListener("htmx:load", function (event) {
    if (window.tesseraSyncMenus) window.tesseraSyncMenus(event.detail.elt);
  });
})();
