// The case for change: keep the form as a draft on the server while the leader writes, and
// a Print button on the document. Progressive enhancement: without this file, every button
// still works and the draft is kept on each press. Nothing is kept in localStorage.
(function () {
  "use strict";
  var DELAY = 1500;

  function setup(form) {
    var status = form.querySelector(".save-status");
    var token = form.querySelector("input[name=csrf_token]").value;
    var url = form.getAttribute("data-autosave");
    var timer = null;
    var inFlight = false;

    function snapshot() {
      var body = new FormData(form);
      body.delete("csrf_token");
      body.delete("form_key");
      return body;
    }
    function key(body) { return new URLSearchParams(body).toString(); }
    var lastSent = key(snapshot());

    function say(text) { if (status) { status.textContent = text; } }

    function send(keepalive) {
      timer = null;
      var body = snapshot();
      var sent = key(body);
      if (sent === lastSent || inFlight) { return; }
      inFlight = true;
      say("Saving draft…");
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        inFlight = false;
        if (response.ok) {
          lastSent = sent;
          var now = new Date();
          say("Draft saved at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
          if (key(snapshot()) !== lastSent) { schedule(); }
        } else if (response.status === 401 || response.status === 403) {
          say("Not saved: you may have been signed out. Your words are still here; press Save and see the document to keep them.");
        } else {
          say("Draft not saved (the server answered " + response.status + "). Your words are still here; press Save and see the document.");
        }
      }).catch(function () {
        inFlight = false;
        say("Draft not saved: no connection. Your words are still here; press Save and see the document when you are back online.");
      });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(send, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.addEventListener("pagehide", function () { send(true); });
    form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); } lastSent = key(snapshot()); });
  }

  var forms = document.querySelectorAll("form.case-form[data-autosave]");
  for (var i = 0; i < forms.length; i++) { setup(forms[i]); }

  var printers = document.querySelectorAll("[data-print]");
  for (var j = 0; j < printers.length; j++) {
    printers[j].hidden = false;
    printers[j].addEventListener("click", function () { window.print(); });
  }
})();
