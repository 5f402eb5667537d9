// The certificate's Print button: shown only when JavaScript runs (the page says how to
// print without it), and it opens the browser's print dialog.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
