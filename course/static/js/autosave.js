// Autosave: keep a form's words as a draft on the server while the person types (a
// reflection, the case for change). Any form with data-autosave="<url>" takes part; the
// whole form is sent, less its CSRF token and form key. Progressive enhancement: without
// this file every button still works. Nothing is kept in localStorage.
(function () {
  "use strict";
  var DELAY = 1500;

  function setup(form) {
    var status = form.querySelector(".save-status");
    var token = form.querySelector("input[name=csrf_token]").value;
    var url = form.getAttribute("data-autosave");
    var button = form.querySelector("button[type=submit]:not([formaction])");
    var label = button ? button.textContent.trim() : "Save";
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
    function keep() { return " Your words are still here; press " + label + " to keep them."; }

    function failed(response) {
      if (response.status === 401 || response.status === 403) {
        say("Not saved: you may have been signed out." + keep());
        return;
      }
      // A 400 with a message is the server saying what is wrong (too long, say); without
      // one it is an expired form.
      response.json().then(function (answer) {
        var reason = answer.message || answer.error;
        say(reason ? "Draft not saved: " + reason + keep() : "Not saved: this page has expired." + keep());
      }).catch(function () {
        say(response.status === 400 ? "Not saved: this page has expired." + keep()
          : "Draft not saved (the server answered " + response.status + ")." + keep());
      });
    }

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
        if (!response.ok) { failed(response); return; }
        lastSent = sent;
        // Words typed while this draft travelled are not saved yet: say so only when
        // everything on the page is.
        if (key(snapshot()) !== lastSent) { if (!timer) { schedule(); } return; }
        var now = new Date();
        say("Draft saved at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
      }).catch(function () {
        inFlight = false;
        say("Draft not saved: no connection." + keep());
      });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(send, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Leaving a text box saves at once: the next tap may be on a link.
    form.addEventListener("focusout", function (event) {
      if (event.target.matches("textarea, input[type=text]") && timer) { clearTimeout(timer); send(); }
    });
    window.addEventListener("pagehide", function () { send(true); });
    form.addEventListener("submit", function () {
      if (timer) { clearTimeout(timer); timer = null; }
      lastSent = key(snapshot());
    });
  }

  var forms = document.querySelectorAll("form[data-autosave]");
  for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
})();
