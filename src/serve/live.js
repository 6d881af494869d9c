// ernguide serve: reloads this page when the site was rebuilt, or when a rebuild failed (the page
// then shows the error over the last good version). Injected by `ernguide serve` only; never
// part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") || "" : "";
  var overlay = document.getElementById("ernguide-error");
  if (overlay) {
    overlay.addEventListener("click", function (event) {
      if (event.target && event.target.hasAttribute("data-ernguide-dismiss")) {
        overlay.remove();
      }
    });
  }
  if (!window.EventSource) {
    return;
  }
  var source = new EventSource("/__ernguide/events?version=" + encodeURIComponent(version));
  function reload() {
    source.close();
    window.location.reload();
  }
  source.addEventListener("reload", reload);
  source.addEventListener("build-error", reload);
})();
