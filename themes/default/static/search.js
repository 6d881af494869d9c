/* ernguide search: a combobox over the per-language index search/<lang>.js (written by the
   build, see src/search/mod.rs for the format). The index is loaded by a classic <script src>
   on the first focus of the search box, so it works from file:// (no fetch, no workers, no
   modules). Results are sections of pages: the text under a step's ## headings. Data only
   ever reaches the page through textContent. */
(function () {
  "use strict";
  var VARINT = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz_$WXYZ";
  var DIGIT = {};
  for (var i = 0; i < VARINT.length; i++) DIGIT[VARINT.charAt(i)] = i;
  var MAX = 10;

  function varints(s) {
    var out = [], n = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charAt(i)];
      if (d >= 32) { n += (d - 32) * Math.pow(2, shift); shift += 5; }
      else { n += d * Math.pow(2, shift); out.push(n); n = 0; shift = 0; }
    }
    return out;
  }

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "")
      .toLowerCase().replace(/ß/g, "ss").replace(/æ/g, "ae").replace(/œ/g, "oe")
      .replace(/ø/g, "o").replace(/ł/g, "l").replace(/đ/g, "d");
  }

  function tokens(s) {
    return fold(s).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  /* The decoded index of one language (decoded once, postings on demand). */
  function Index(raw) {
    this.strings = raw.s.split("\n");
    var p = varints(raw.p), pages = [];
    for (var i = 0; i < p.length;) {
      var title = p[i++], n = p[i++], segs = [];
      for (var j = 0; j < n; j++) segs.push(this.strings[p[i++]]);
      pages.push({ title: this.strings[title], path: segs });
    }
    this.pages = pages;
    var c = varints(raw.c), secs = [], page = 0;
    for (var k = 0; k < c.length; k += 3) {
      page += c[k];
      secs.push({ page: page, heading: this.strings[c[k + 1]], anchor: this.strings[c[k + 2]] });
    }
    this.sections = secs;
    var t = raw.t.split(","), terms = [], prev = "";
    for (var m = 0; m < t.length; m++) {
      var shared = t[m].charCodeAt(0) - 48;
      prev = prev.slice(0, shared) + t[m].slice(1);
      terms.push(prev);
    }
    this.terms = terms;
    this.postingText = raw.d.split(",");
    this.postings = {};
  }

  Index.prototype.sectionsOf = function (ti) {
    var got = this.postings[ti];
    if (got) return got;
    var deltas = varints(this.postingText[ti]), out = [], last = 0;
    for (var i = 0; i < deltas.length; i++) { last = i === 0 ? deltas[i] : last + deltas[i]; out.push(last); }
    this.postings[ti] = out;
    return out;
  };

  /* A query word matches a stem when the stem starts with it (the reader is typing), or when
     it starts with the stem (an inflected form of a stemmed word). */
  function matches(q, t) {
    if (t.lastIndexOf(q, 0) === 0) return true;
    var core = t.length > 4 ? t.slice(0, -1) : t;
    return core.length >= 3 && core.length * 2 >= q.length && q.lastIndexOf(core, 0) === 0;
  }

  Index.prototype.search = function (query) {
    var qs = tokens(query);
    if (!qs.length) return [];
    var score = {}, hits = {};
    for (var qi = 0; qi < qs.length; qi++) {
      var seen = {};
      for (var ti = 0; ti < this.terms.length; ti++) {
        if (!matches(qs[qi], this.terms[ti])) continue;
        var ss = this.sectionsOf(ti);
        for (var k = 0; k < ss.length; k++) seen[ss[k]] = true;
      }
      for (var s in seen) hits[s] = (hits[s] || 0) + 1;
    }
    var all = [], some = [];
    for (var key in hits) {
      var sec = this.sections[+key], page = this.pages[sec.page];
      var head = tokens(sec.heading + " " + page.title), bonus = 0;
      for (var a = 0; a < qs.length; a++) {
        for (var b = 0; b < head.length; b++) if (matches(qs[a], head[b]) || head[b].lastIndexOf(qs[a], 0) === 0) { bonus++; break; }
      }
      score[key] = hits[key] * 10 + bonus;
      (hits[key] === qs.length ? all : some).push(+key);
    }
    var list = all.length ? all : some;
    list.sort(function (x, y) { return score[y] - score[x] || x - y; });
    var self = this;
    return list.slice(0, MAX).map(function (i) {
      var sec = self.sections[i], page = self.pages[sec.page];
      var path = page.path.join("/");
      return {
        title: page.title,
        heading: sec.anchor ? sec.heading : "",
        href: (path ? path + "/" : "") + "index.html" + (sec.anchor ? "#" + sec.anchor : "")
      };
    });
  };

  function setup(box) {
    var input = box.querySelector("input");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[role=status]");
    if (!input || !list || !status) return;
    var lang = box.getAttribute("data-lang");
    var base = box.getAttribute("data-base") || "";
    var state = { index: null, loading: false, results: [], active: -1 };
    var text = function (name, n) {
      return (box.getAttribute("data-" + name) || "").replace("{n}", String(n));
    };

    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) { input.removeAttribute("aria-activedescendant"); state.active = -1; }
    }

    function render() {
      while (list.firstChild) list.removeChild(list.firstChild);
      state.results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = input.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === state.active ? "true" : "false");
        /* Options hold text only (no links inside a listbox); choosing one navigates. */
        li.setAttribute("data-href", base + r.href);
        var t = document.createElement("span");
        t.className = "eg-search-page";
        t.textContent = r.title;
        li.appendChild(t);
        if (r.heading) {
          var h = document.createElement("span");
          h.className = "eg-search-section";
          h.textContent = r.heading;
          li.appendChild(h);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { window.location.href = base + r.href; });
        list.appendChild(li);
      });
      open(state.results.length > 0);
    }

    function run() {
      var q = input.value.trim();
      if (q.length < 2) { state.results = []; render(); status.textContent = ""; return; }
      if (!state.index) { status.textContent = text("loading", 0); return; }
      state.results = state.index.search(q);
      state.active = -1;
      render();
      status.textContent = state.results.length ? text(state.results.length === 1 ? "one" : "many", state.results.length) : text("none", 0);
    }

    function load() {
      if (state.loading || state.index) return;
      state.loading = true;
      var done = function () {
        var raw = window.__ernSearch && window.__ernSearch[lang];
        if (raw) { state.index = new Index(raw); run(); }
        else status.textContent = text("failed", 0);
      };
      if (window.__ernSearch && window.__ernSearch[lang]) { done(); return; }
      var s = document.createElement("script");
      s.src = box.getAttribute("data-index");
      s.onload = done;
      s.onerror = function () { status.textContent = text("failed", 0); };
      document.head.appendChild(s);
    }

    function move(delta) {
      if (!state.results.length) return;
      if (list.hidden) open(true);
      var n = state.results.length;
      state.active = state.active < 0 ? (delta > 0 ? 0 : n - 1) : (state.active + delta + n) % n;
      var items = list.querySelectorAll("[role=option]");
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === state.active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[state.active].id);
      items[state.active].scrollIntoView({ block: "nearest" });
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Enter") {
        var pick = state.active >= 0 ? state.active : (state.results.length ? 0 : -1);
        if (pick >= 0 && !list.hidden) { e.preventDefault(); window.location.href = base + state.results[pick].href; }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); }
        else if (input.value) { e.preventDefault(); input.value = ""; run(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
    var form = box.closest("form");
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function init() {
    var boxes = document.querySelectorAll(".eg-search[data-index]");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
