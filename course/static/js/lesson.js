// The lesson page's small enhancements; everything works without this file.
// A failed form's error summary takes focus on load, so it is read out and in view; its
// links move focus to the field itself (a link to a fieldset focuses its first control),
// as GOV.UK's error summary does.
(function () {
  "use strict";
  var CONTROLS = "input:not([type=hidden]), textarea, select, button";

  // A check-in link (?plan=<id>#log) that went through sign-in loses its #log (browsers
  // never send the fragment): take the leader to the log form all the same.
  var log = document.getElementById("log");
  if (log && !location.hash && /[?&]plan=\d+/.test(location.search)) {
    location.replace("#log");
  }

  var summary = document.querySelector("[data-error-summary]");
  // After load: the browser's own scroll to the form's #anchor comes first, then focus.
  if (summary) {
    var focusSummary = function () { summary.focus(); };
    if (document.readyState === "complete") { focusSummary(); }
    else { window.addEventListener("load", focusSummary); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    var control = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
    if (!control) { return; }
    event.preventDefault();
    // The question or label comes into view with the control; scroll-padding keeps both
    // clear of the sticky step strip.
    (target.closest("fieldset, .field") || target).scrollIntoView();
    control.focus({ preventScroll: true });
  });
})();
