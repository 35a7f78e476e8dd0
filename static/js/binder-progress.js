/* The binder page while a build is queued or running ([data-binder-refresh]): reload it every few seconds so
   that the progress and, once done, the download links show. No inline script (CSP). */
(function () {
  "use strict";
  var status = document.querySelector("[data-binder-refresh]");
  if (!status) { return; }
  var seconds = parseInt(status.getAttribute("data-binder-refresh"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
