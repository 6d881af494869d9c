/* Figures: a click (or Enter) on a screenshot opens the full-size image, with its call-outs,
   in a modal <dialog>. Focus moves to the dialog's Close button, Escape or Close shuts it, and
   focus returns to the screenshot's link. Without JavaScript, or without <dialog> support, the
   link simply opens the image. Classic script, no dependencies, works from file://. */
(function () {
  "use strict";

  // The Close button's label in the page's language, from the script element's data-close.
  var script = document.currentScript;
  var closeLabel = (script && script.getAttribute("data-close")) || "Close";
  var dialog = null;
  var title = null;
  var media = null;
  var list = null;
  var closeButton = null;
  var opener = null;

  function el(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function build() {
    dialog = el("dialog", "eg-figure-dialog");
    dialog.setAttribute("aria-labelledby", "eg-figure-dialog-title");
    var bar = el("div", "eg-figure-dialog-bar");
    title = el("p", "eg-figure-dialog-title");
    title.id = "eg-figure-dialog-title";
    closeButton = el("button", "eg-button eg-figure-close");
    closeButton.type = "button";
    closeButton.textContent = closeLabel;
    closeButton.addEventListener("click", function () {
      dialog.close();
    });
    bar.appendChild(title);
    bar.appendChild(closeButton);
    media = el("div", "eg-figure-dialog-media");
    list = el("div", "eg-figure-dialog-list");
    dialog.appendChild(bar);
    dialog.appendChild(media);
    dialog.appendChild(list);
    dialog.addEventListener("close", function () {
      while (media.firstChild) media.removeChild(media.firstChild);
      while (list.firstChild) list.removeChild(list.firstChild);
      var back = opener;
      opener = null;
      if (back && typeof back.focus === "function") back.focus();
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    document.body.appendChild(dialog);
  }

  function open(link) {
    if (typeof HTMLDialogElement === "undefined") return false;
    if (!dialog) build();
    if (typeof dialog.showModal !== "function") return false;
    var figure = link.closest("figure");
    var source = link.querySelector("img");
    var caption = figure ? figure.querySelector(".eg-figure-caption") : null;
    var alt = source ? source.getAttribute("alt") || "" : "";
    /* An untranslated alt text or caption keeps its lang="en" (and its marker) in the dialog. */
    var lang = source ? source.getAttribute("lang") : null;
    title.textContent = "";
    title.removeAttribute("lang");
    if (caption) {
      for (var n = caption.firstChild; n; n = n.nextSibling) title.appendChild(n.cloneNode(true));
    } else {
      title.textContent = alt;
      if (lang) title.setAttribute("lang", lang);
    }

    var frame = el("div", "eg-figure-dialog-frame");
    var img = el("img");
    img.src = link.href;
    img.alt = alt;
    if (lang) img.setAttribute("lang", lang);
    var w = parseInt(link.getAttribute("data-width"), 10);
    var h = parseInt(link.getAttribute("data-height"), 10);
    if (w > 0 && h > 0) {
      img.width = w;
      img.height = h;
    }
    frame.appendChild(img);
    var overlay = link.parentNode.querySelector("svg.eg-callouts");
    if (overlay) frame.appendChild(overlay.cloneNode(true));
    media.appendChild(frame);
    var callouts = figure ? figure.querySelector(".eg-callout-list") : null;
    if (callouts) list.appendChild(callouts.cloneNode(true));

    opener = link;
    dialog.showModal();
    closeButton.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var target = event.target;
    var link = target && target.closest ? target.closest("a.eg-figure-zoom") : null;
    if (!link) return;
    if (open(link)) event.preventDefault();
  });
})();
