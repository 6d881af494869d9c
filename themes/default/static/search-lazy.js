/* ernguide search on first use: for a page that keeps its start-up small (the practice
   sandbox), the search box's own script static/search.js (its address in the box's
   data-script) is added as a classic <script src> on the box's first focus or input, so it
   works from file:// (no fetch, no modules). search.js then takes over the box: the focus,
   what was typed so far, the index. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".eg-search[data-script]");
  Array.prototype.forEach.call(boxes, function (box) {
    var input = box.querySelector("input"), status = box.querySelector("[role=status]");
    if (!input) return;
    function load() {
      input.removeEventListener("focus", load);
      input.removeEventListener("input", load);
      var s = document.createElement("script");
      s.src = box.getAttribute("data-script");
      s.onerror = function () { if (status) status.textContent = box.getAttribute("data-failed") || ""; };
      document.head.appendChild(s);
    }
    input.addEventListener("focus", load);
    input.addEventListener("input", load);
    if (document.activeElement === input) load();
  });
})();
