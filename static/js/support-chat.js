/* Support chat page: the htmx ws extension keeps the socket (and reconnects it after
   1006/1011/1012/1013); this script renders the server's JSON events. Text is always set
   with textContent, never parsed as HTML. */
(function () {
  "use strict";

  var RETRYING = [1006, 1011, 1012, 1013];

  function init(root) {
    if (root.dataset.chatReady) return;
    root.dataset.chatReady = "1";
    var log = root.querySelector("[data-chat-log]");
    var form = root.querySelector("[data-chat-form]");
    var input = root.querySelector("[data-chat-input]");
    var send = root.querySelector("[data-chat-send]");
    var status = root.querySelector("[data-chat-status]");
    var typingLine = root.querySelector("[data-chat-typing]");
    var errorBox = root.querySelector("[data-chat-error]");
    var readonly = root.querySelector("[data-chat-readonly]");
    var socket = null;
    var typingHide = null;
    var lastTypingSent = 0;
    // The page's texts, in its language (data-text-* on the chat section, from the template).
    var d = root.dataset;
    var text = {
      answeredBy: d.textAnsweredBy, waiting: d.textWaiting, keepsAccess: d.textKeepsAccess,
      nobody: d.textNobody, open: d.textOpen, closed: d.textClosed, write: d.textWrite,
      readOnly: d.textReadOnly, typing: d.textTyping, connected: d.textConnected,
      reconnecting: d.textReconnecting, disconnected: d.textDisconnected
    };

    function atBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    }

    // "19:45" in the site's zone, as the server renders the history (never "07:45 PM").
    function time(iso) {
      var date = iso ? new Date(iso) : new Date();
      var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
      if (root.dataset.timeZone) options.timeZone = root.dataset.timeZone;
      try {
        return date.toLocaleTimeString("en-GB", options);
      } catch (error) {  // an unknown zone name: the browser's own zone, still 24-hour
        delete options.timeZone;
        return date.toLocaleTimeString("en-GB", options);
      }
    }

    function appendLine(event) {
      if (event.id != null && log.querySelector('[data-id="' + event.id + '"]')) return;
      var empty = log.querySelector("[data-empty]");
      if (empty) empty.remove();
      var stick = atBottom();
      var item = document.createElement("li");
      if (event.id != null) item.dataset.id = event.id;
      if (event.type === "chat_message") {
        var mine = event.user === root.dataset.me;
        item.dataset.kind = "chat";
        item.className = "flex flex-col " + (mine ? "items-end" : "items-start");
        var meta = document.createElement("span");
        meta.className = "text-xs text-slate-500";
        var who = document.createElement("span");
        who.className = "font-semibold text-slate-700";
        who.textContent = event.user;
        var when = document.createElement("time");
        when.dateTime = event.created || "";
        when.textContent = time(event.created);
        meta.append(who, " · ", when);
        var bubble = document.createElement("span");
        bubble.dataset.text = "";
        bubble.className = "mt-0.5 max-w-[85%] rounded-2xl px-3 py-2 text-sm break-words whitespace-pre-wrap " +
          (mine ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-900");
        bubble.textContent = event.message;
        item.append(meta, bubble);
      } else {
        item.dataset.kind = "system";
        item.className = "text-center text-xs text-slate-500";
        item.textContent = event.message;
      }
      log.appendChild(item);
      if (stick) log.scrollTop = log.scrollHeight;
    }

    function setMode(mode) {
      root.dataset.mode = mode;
      var canWrite = mode === "writer";
      input.disabled = !canWrite;
      send.disabled = !canWrite;
      input.placeholder = canWrite ? text.write : text.readOnly;
      readonly.hidden = mode !== "viewer";
    }

    function showError(text) {
      errorBox.textContent = text;
      errorBox.hidden = false;
      clearTimeout(showError.timer);
      showError.timer = setTimeout(function () { errorBox.hidden = true; }, 8000);
    }

    // The page header and hand-off box follow the room's state, which system events carry
    // (a staff member joined, a hand-off, closing). Only elements on this page are touched.
    function applyRoom(room) {
      var page = root.closest("main") || document;
      page.querySelectorAll("[data-room-staff]").forEach(function (line) {
        if (room.assigned_staff) {
          var name = document.createElement("span");
          name.dataset.assigned = "";
          name.textContent = room.assigned_staff;
          line.replaceChildren(text.answeredBy + " ", name);
        } else {
          line.textContent = text.waiting;
        }
      });
      page.querySelectorAll("[data-handoff-current]").forEach(function (note) {
        note.textContent = room.assigned_staff
          ? text.keepsAccess.replace("{name}", room.assigned_staff)
          : text.nobody;
      });
      page.querySelectorAll("[data-room-open]").forEach(function (badge) {
        badge.textContent = room.open ? text.open : text.closed;
        badge.classList.toggle("badge-success", room.open);
      });
      page.querySelectorAll("[data-room-open-only]").forEach(function (part) {
        part.hidden = !room.open;
      });
    }

    function handle(event) {
      if (event.room) applyRoom(event.room);
      if (event.type === "chat_message" || event.type === "system") {
        appendLine(event);
        if (event.type === "chat_message") typingLine.textContent = "";
      } else if (event.type === "mode") {
        setMode(event.mode);
      } else if (event.type === "typing") {
        typingLine.textContent = text.typing.replace("{name}", event.user);
        clearTimeout(typingHide);
        typingHide = setTimeout(function () { typingLine.textContent = ""; }, 3000);
      } else if (event.type === "error") {
        showError(event.message);
      } else if (event.user === "system" && event.message) {
        // The inactivity notice: {"message": ..., "user": "system"}.
        appendLine({ type: "system", message: event.message });
      }
    }

    root.addEventListener("htmx:wsOpen", function (e) {
      socket = e.detail.socketWrapper;
      status.textContent = text.connected;
    });

    root.addEventListener("htmx:wsClose", function (e) {
      socket = null;
      // A refusal (4003) explains itself in the error just before: keep it on screen.
      if (e.detail.event.code === 4003) clearTimeout(showError.timer);
      setMode(root.dataset.mode === "viewer" ? "viewer" : "closed");
      input.disabled = true;
      send.disabled = true;
      status.textContent = RETRYING.indexOf(e.detail.event.code) >= 0
        ? text.reconnecting
        : text.disconnected;
    });

    // Frames are JSON, not HTML: handle them here and stop htmx looking for swaps.
    root.addEventListener("htmx:wsBeforeMessage", function (e) {
      var data;
      try { data = JSON.parse(e.detail.message); } catch (err) { return; }
      e.preventDefault();
      handle(data);
    });

    root.addEventListener("htmx:wsAfterSend", function (e) {
      if (e.target === form) {
        lastTypingSent = 0; // the next keystroke starts a new "typing" burst
        form.reset();
        input.focus();
      }
    });

    input.addEventListener("input", function () {
      var now = Date.now();
      if (socket && input.value && now - lastTypingSent > 2000) {
        lastTypingSent = now;
        socket.send(JSON.stringify({ typing: true }));
      }
    });

    log.scrollTop = log.scrollHeight;
  }

  function initAll() {
    document.querySelectorAll("[data-support-chat]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
