/* The door page (events/org/checkin.html): camera scanning with jsQR, and a fresh, focused
   code field after every answer. Every answer of the check-in POST is a result panel (200),
   so htmx swaps it as usual. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("checkin-form");
    if (!form) return;
    var input = form.querySelector("input[name=code]");
    var box = document.getElementById("scanner");
    var video = document.getElementById("scanner-video");
    var toggle = document.getElementById("scanner-toggle");
    var note = document.getElementById("scanner-message");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null, last = "", lastAt = 0;
    // The words come from the page, in the reader's language.
    var startLabel = toggle.textContent;
    var stopLabel = toggle.dataset.stopLabel || startLabel;

    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) return;
      form.reset();
      input.focus();
    });

    function say(text) { note.textContent = text; note.classList.toggle("hidden", !text); }

    function stop() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      box.classList.add("hidden");
      toggle.textContent = startLabel;
    }

    function tick() {
      if (!stream) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
        var size = Math.min(video.videoWidth, video.videoHeight, 640);
        canvas.width = size; canvas.height = size;
        var sx = (video.videoWidth - size) / 2, sy = (video.videoHeight - size) / 2;
        context.drawImage(video, sx, sy, size, size, 0, 0, size, size);
        var found = window.jsQR(context.getImageData(0, 0, size, size).data, size, size, { inversionAttempts: "dontInvert" });
        var now = Date.now();
        // The same code stays in view for a while: send it once every 3 seconds at most.
        if (found && found.data && (found.data !== last || now - lastAt > 3000)) {
          last = found.data; lastAt = now;
          input.value = found.data.trim();
          if (navigator.vibrate) { navigator.vibrate(80); }
          form.requestSubmit();
        }
      }
      window.requestAnimationFrame(tick);
    }

    toggle.addEventListener("click", function () {
      if (stream) { stop(); return; }
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(note.dataset.noHttps);
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media; video.srcObject = media; video.play();
          box.classList.remove("hidden"); toggle.textContent = stopLabel; say("");
          window.requestAnimationFrame(tick);
        })
        .catch(function () { say(note.dataset.noCamera); });
    });
    window.addEventListener("pagehide", stop);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
