/* Slide deck (templates/slides.html): presents the slides one at a time.
   Keys (what presentation clickers send too): Right, Space, PageDown = next; Left, PageUp =
   previous; Home / End; S = speaker view; B (or .) = blank screen; O = overview; Esc = close the
   overview, or stop presenting.
   The speaker view is this same page opened by window.open with "#speaker": it shows the current
   and next slide, the notes, the elapsed time and a link to the slide's sandbox screen. The two
   windows stay in sync through postMessage between the opener and the opened window, the only
   way that works from file:// in every browser (localStorage and BroadcastChannel do not).
   Classic script, no dependencies; data is copied as DOM nodes or textContent, never as HTML. */
(function () {
  "use strict";

  var MSG = "eg-slides";
  var root = document.querySelector("[data-eg-deck]");
  if (!root) return;
  var slides = Array.prototype.slice.call(document.querySelectorAll("[data-eg-slide]"));
  if (!slides.length) return;

  function q(sel) {
    return document.querySelector(sel);
  }

  var html = document.documentElement;
  var live = q("[data-eg-live]");
  var bar = q("[data-eg-deck-bar]");
  var count = q("[data-eg-deck-count]");
  var blankLayer = q("[data-eg-blank]");
  var overview = q("[data-eg-overview]");
  var overviewList = q("[data-eg-overview-list]");
  var speakerPane = q("[data-eg-speaker]");

  var state = {
    index: 0,
    presenting: false,
    blank: false,
    overviewOpen: false,
    speaker: location.hash === "#speaker",
    partner: null, // the other window (the speaker view's, or the audience's)
    started: Date.now(),
    returnFocus: null
  };

  // The deck's UI strings in the page's language (data-* attributes of the deck, made by t()
  // in slides.html); `{name}` placeholders are filled from `vars`.
  function msg(name, vars) {
    var text = root.getAttribute("data-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return vars && Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : all;
    });
  }

  function title(i) {
    var h = slides[i].querySelector("h2");
    return h ? h.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function announce(text) {
    if (!live) return;
    // A change of text is what screen readers announce; clear first so a repeat is heard.
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 30);
  }

  function send(message) {
    var w = state.partner;
    if (!w || w.closed) return;
    message.eg = MSG;
    try {
      w.postMessage(message, "*"); // file:// pages have an opaque origin: "*" is the only target
    } catch (e) {
      /* the other window is gone */
    }
  }

  /* ---------------------------------------------------------------- slides */

  // Shrinks a slide's text until it fits its 16:9 box. Every size on a slide is relative to
  // the slide's width, so the factor found once holds at any size (and in print).
  function fitBox(inner) {
    var f = 1;
    inner.style.setProperty("--eg-fit", "1");
    while (inner.scrollHeight > inner.clientHeight + 1 && f > 0.5) {
      f = Math.round((f - 0.05) * 100) / 100;
      inner.style.setProperty("--eg-fit", String(f));
    }
  }

  function fit(slide) {
    var inner = slide.querySelector(".eg-slide-inner");
    if (!inner || slide.getAttribute("data-eg-fitted") || !inner.clientHeight) return;
    fitBox(inner);
    slide.setAttribute("data-eg-fitted", "true");
  }

  function show(i, fromPartner) {
    var n = Math.max(0, Math.min(slides.length - 1, i));
    var changed = n !== state.index;
    state.index = n;
    for (var k = 0; k < slides.length; k++) {
      slides[k].classList.toggle("eg-current", k === n);
    }
    fit(slides[n]);
    // the next slide's screenshots load now, so they are there when it shows
    if (slides[n + 1]) {
      var lazy = slides[n + 1].querySelectorAll("img[loading=lazy]");
      for (var l = 0; l < lazy.length; l++) lazy[l].setAttribute("loading", "eager");
    }
    if (count) count.textContent = msg("slide-of", { n: n + 1, total: slides.length });
    if (state.presenting && !state.speaker && window.history && history.replaceState) {
      history.replaceState(null, "", "#slide-" + (n + 1));
    }
    if (state.speaker) renderSpeaker();
    if (changed || !fromPartner) {
      announce(msg("slide-of", { n: n + 1, total: slides.length }) + ": " + title(n));
    }
    if (!fromPartner) send({ type: "go", index: n });
  }

  function setBlank(on, fromPartner) {
    state.blank = !!on;
    if (!state.speaker && blankLayer) blankLayer.hidden = !state.blank;
    if (state.speaker) renderSpeakerStatus();
    announce(state.blank ? msg("blanked") : msg("shown", { n: state.index + 1 }));
    if (!fromPartner) send({ type: "blank", on: state.blank });
  }

  function enterPresenting() {
    state.presenting = true;
    html.classList.add("eg-presenting");
    if (bar) bar.hidden = false;
  }

  function start(i) {
    enterPresenting();
    show(typeof i === "number" ? i : state.index, false);
  }

  function stop() {
    state.presenting = false;
    html.classList.remove("eg-presenting");
    if (bar) bar.hidden = true;
    if (blankLayer) blankLayer.hidden = true;
    state.blank = false;
    if (window.history && history.replaceState) {
      history.replaceState(null, "", location.pathname + location.search);
    }
    slides[state.index].scrollIntoView();
    announce(msg("stopped"));
  }

  /* ---------------------------------------------------------------- speaker view */

  function openSpeaker() {
    if (state.partner && !state.partner.closed) {
      state.partner.focus();
      return;
    }
    var url = location.href.split("#")[0] + "#speaker";
    var w = window.open(url, "eg-speaker", "popup,width=1100,height=760");
    if (!w) {
      announce(msg("popup"));
      return;
    }
    state.partner = w;
  }

  // A copy of a slide to look at: no ids, no links, hidden from assistive technology (the
  // speaker view says in words which slide it is).
  function copyOf(slide) {
    var inner = slide.querySelector(".eg-slide-inner");
    var copy = (inner || slide).cloneNode(true);
    var withId = copy.querySelectorAll("[id]");
    for (var i = 0; i < withId.length; i++) withId[i].removeAttribute("id");
    var links = copy.querySelectorAll("a, button, [tabindex]");
    for (var j = links.length - 1; j >= 0; j--) {
      var a = links[j];
      var span = document.createElement("span");
      while (a.firstChild) span.appendChild(a.firstChild);
      a.parentNode.replaceChild(span, a);
    }
    return copy;
  }

  function fill(container, node, label) {
    if (!container) return;
    while (container.firstChild) container.removeChild(container.firstChild);
    var caption = document.createElement("p");
    caption.className = "eg-speaker-caption";
    caption.textContent = label;
    container.appendChild(caption);
    if (node) {
      var frame = document.createElement("div");
      frame.className = "eg-speaker-slide";
      frame.setAttribute("aria-hidden", "true");
      frame.appendChild(node);
      container.appendChild(frame);
      if (node.clientHeight) fitBox(node);
    }
  }

  function renderSpeakerStatus() {
    var status = q("[data-eg-speaker-status]");
    if (!status) return;
    var linked = state.partner && !state.partner.closed;
    status.textContent =
      msg("slide-of", { n: state.index + 1, total: slides.length }) +
      (linked ? "" : " " + msg("unlinked")) +
      (state.blank ? ". " + msg("blank-now") : ".");
  }

  function renderSpeaker() {
    var i = state.index;
    fill(q("[data-eg-speaker-now]"), copyOf(slides[i]), msg("slide-title", { n: i + 1, title: title(i) }));
    var next = i + 1 < slides.length ? i + 1 : -1;
    fill(q("[data-eg-speaker-next]"), next < 0 ? null : copyOf(slides[next]),
      next < 0 ? msg("last") : msg("slide-title", { n: next + 1, title: title(next) }));
    var notes = q("[data-eg-speaker-notes]");
    if (notes) {
      while (notes.firstChild) notes.removeChild(notes.firstChild);
      var source = slides[i].querySelector("[data-eg-notes]");
      if (source) {
        for (var c = source.firstChild; c; c = c.nextSibling) notes.appendChild(c.cloneNode(true));
      } else {
        var none = document.createElement("p");
        none.className = "eg-muted";
        none.textContent = msg("no-notes");
        notes.appendChild(none);
      }
    }
    var link = q("[data-eg-sandbox-link]");
    var noLink = q("[data-eg-no-sandbox]");
    var target = slides[i].getAttribute("data-eg-sandbox");
    if (link) {
      link.hidden = !target;
      if (target) link.setAttribute("href", target);
    }
    if (noLink) noLink.hidden = !!target;
    renderSpeakerStatus();
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var el = q("[data-eg-timer]");
    if (!el) return;
    var s = Math.floor((Date.now() - state.started) / 1000);
    var h = Math.floor(s / 3600);
    el.textContent = (h ? h + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }

  function startSpeaker() {
    html.classList.add("eg-speaker-mode");
    if (speakerPane) speakerPane.hidden = false;
    document.title = msg("speaker", { title: document.title });
    state.partner = window.opener || null;
    tick();
    window.setInterval(tick, 1000);
    show(0, true);
    send({ type: "hello" });
  }

  /* ---------------------------------------------------------------- overview */

  function buildOverview() {
    if (!overviewList || overviewList.firstChild) return;
    slides.forEach(function (slide, i) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "eg-deck-thumb";
      b.textContent = title(i);
      b.addEventListener("click", function () {
        closeOverview();
        show(i, false);
      });
      li.appendChild(b);
      overviewList.appendChild(li);
    });
  }

  function openOverview() {
    if (!overview) return;
    buildOverview();
    state.overviewOpen = true;
    state.returnFocus = document.activeElement;
    overview.hidden = false;
    var buttons = overviewList.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) {
      if (i === state.index) buttons[i].setAttribute("aria-current", "true");
      else buttons[i].removeAttribute("aria-current");
    }
    if (buttons[state.index]) buttons[state.index].focus();
  }

  function closeOverview() {
    if (!overview || !state.overviewOpen) return;
    state.overviewOpen = false;
    overview.hidden = true;
    var back = state.returnFocus;
    state.returnFocus = null;
    if (back && typeof back.focus === "function" && back !== document.body) back.focus();
  }

  function trapTab(event) {
    var buttons = overviewList.querySelectorAll("button");
    if (!buttons.length) return;
    var first = buttons[0];
    var last = buttons[buttons.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      last.focus();
      event.preventDefault();
    } else if (!event.shiftKey && document.activeElement === last) {
      first.focus();
      event.preventDefault();
    }
  }

  /* ---------------------------------------------------------------- input */

  var KEYS = {
    ArrowRight: "next", Right: "next", " ": "next", Spacebar: "next", PageDown: "next",
    ArrowLeft: "prev", Left: "prev", PageUp: "prev",
    Home: "first", End: "last",
    s: "speaker", S: "speaker",
    b: "blank", B: "blank", ".": "blank",
    o: "overview", O: "overview",
    Escape: "escape", Esc: "escape"
  };

  function run(cmd) {
    switch (cmd) {
      case "next": show(state.index + 1, false); if (state.blank) setBlank(false, false); break;
      case "prev": show(state.index - 1, false); if (state.blank) setBlank(false, false); break;
      case "first": show(0, false); break;
      case "last": show(slides.length - 1, false); break;
      case "speaker": if (!state.speaker) openSpeaker(); break;
      case "blank": setBlank(!state.blank, false); break;
      case "overview": if (state.overviewOpen) closeOverview(); else openOverview(); break;
      case "escape":
        if (state.overviewOpen) closeOverview();
        else if (!state.speaker && state.presenting) stop();
        break;
      case "stop": stop(); break;
      case "reset-timer": state.started = Date.now(); tick(); break;
      default: return false;
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!state.presenting && !state.speaker) return; // the page reads as a document until started
    var cmd = KEYS[event.key];
    if (!cmd) return;
    var t = event.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    // Space and Enter on a button or link press it; they do not turn the page.
    if ((event.key === " " || event.key === "Spacebar") && (tag === "button" || tag === "a")) return;
    if (state.overviewOpen) {
      if (cmd === "escape" || cmd === "overview") {
        closeOverview();
        event.preventDefault();
      }
      return;
    }
    if (run(cmd)) event.preventDefault();
  });

  document.addEventListener("keydown", function (event) {
    if (state.overviewOpen && event.key === "Tab") trapTab(event);
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    var b = t && t.closest ? t.closest("[data-eg-cmd]") : null;
    if (b) {
      run(b.getAttribute("data-eg-cmd"));
      return;
    }
    var go = t && t.closest ? t.closest("[data-eg-deck-start]") : null;
    if (go) start(0);
  });

  window.addEventListener("message", function (event) {
    var d = event.data;
    if (!d || d.eg !== MSG || typeof d.type !== "string") return;
    // Only the window this one opened, or the one that opened it, may steer it. An audience
    // window that was reloaded takes back the speaker view that talks to it.
    if (event.source !== state.partner) {
      if (state.speaker || state.partner) return;
      state.partner = event.source;
    }
    if (d.type === "hello") {
      // the speaker view has loaded: tell it where the audience is
      send({ type: "go", index: state.index });
      if (state.blank) send({ type: "blank", on: true });
    } else if (d.type === "go" && typeof d.index === "number" && d.index % 1 === 0) {
      if (!state.speaker && !state.presenting) enterPresenting();
      show(d.index, true);
    } else if (d.type === "blank") {
      setBlank(d.on === true, true);
    }
  });

  // Without JavaScript the page is a plain list of slides; with it, it can present them.
  html.classList.add("eg-deck-js");
  var startButton = q("[data-eg-deck-start]");
  if (startButton) startButton.parentNode.hidden = false;

  // Fit slides as they scroll into view (fitting all at once forces a layout per slide).
  if ("IntersectionObserver" in window) {
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        watcher.unobserve(e.target);
        fit(e.target);
      });
    });
    slides.forEach(function (slide) {
      watcher.observe(slide);
    });
  } else {
    slides.forEach(fit);
  }
  if (state.speaker) {
    startSpeaker();
  } else {
    var m = /^#slide-(\d+)$/.exec(location.hash);
    if (m) start(parseInt(m[1], 10) - 1);
    else show(0, true);
  }
})();
