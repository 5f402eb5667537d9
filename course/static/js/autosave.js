// Autosave reflections as drafts while the leader types. Progressive enhancement:
// without this file the Save button still works. Text is never kept in localStorage.
(function () {
  "use strict";
  var DELAY = 1500;

  function setup(form) {
    var textarea = form.querySelector("textarea");
    var status = form.querySelector(".save-status");
    var token = form.querySelector("input[name=csrf_token]").value;
    var url = form.getAttribute("data-autosave");
    var timer = null;
    var lastSent = textarea.value;
    var inFlight = false;

    function say(text) { if (status) { status.textContent = text; } }

    function send(keepalive) {
      timer = null;
      if (textarea.value === lastSent || inFlight) { return; }
      var text = textarea.value;
      var body = new FormData();
      body.append("text", text);
      inFlight = true;
      say("Saving draft…");
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        inFlight = false;
        if (response.ok) {
          lastSent = text;
          var now = new Date();
          say("Draft saved at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
          if (textarea.value !== lastSent) { schedule(); }
        } else if (response.status === 401 || response.status === 400 || response.status === 403) {
          say("Not saved: you may have been signed out. Your text is still here. Press Save reflection to keep it.");
        } else {
          say("Draft not saved (the server answered " + response.status + "). Your text is still here; press Save reflection.");
        }
      }).catch(function () {
        inFlight = false;
        say("Draft not saved: no connection. Your text is still here; press Save reflection when you are back online.");
      });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(send, DELAY);
    }

    textarea.addEventListener("input", schedule);
    textarea.addEventListener("blur", function () { if (timer) { clearTimeout(timer); send(); } });
    window.addEventListener("pagehide", function () { if (textarea.value !== lastSent) { send(true); } });
    form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); } });
  }

  var forms = document.querySelectorAll("form.reflection-form[data-autosave]");
  for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
})();
