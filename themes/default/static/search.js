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

  /* The decoded index of one language: pages, sections (numbered by the build so that the
     same part of every guide is together), the sorted stems; a stem's sections (runs of
     consecutive numbers) are decoded on demand. */
  function Index(raw) {
    this.strings = raw.s.split("\n");
    var p = varints(raw.p), titles = [], paths = [];
    for (var i = 0; i < p.length;) {
      titles.push(p[i++]);
      var n = p[i++], segs = [];
      for (var j = 0; j < n; j++) segs.push(this.strings[p[i++]]);
      paths.push(segs.join("/"));
    }
    this.titles = titles;
    this.paths = paths;
    var c = varints(raw.c), count = 0;
    for (var g = 0; g < c.length; g += 3 + c[g]) count += c[g];
    var page = new Int32Array(count), heading = new Int32Array(count), anchor = new Int32Array(count), s = 0;
    for (var k = 0; k < c.length;) {
      var len = c[k], h = c[k + 1], a = c[k + 2], last = 0;
      k += 3;
      for (var e = 0; e < len; e++) { last += c[k++]; page[s] = last; heading[s] = h; anchor[s] = a; s++; }
    }
    this.page = page;
    this.heading = heading;
    this.anchor = anchor;
    var t = raw.t.split(","), terms = [], prev = "";
    for (var m = 0; m < t.length; m++) {
      prev = prev.slice(0, t[m].charCodeAt(0) - 48) + t[m].slice(1);
      terms.push(prev);
    }
    this.terms = terms;
    this.runText = raw.d.split(",");
    this.runs = {};
    /* Per search: how many query words hit each section, and which word last did. */
    this.hits = new Uint8Array(count);
    this.word = new Int32Array(count);
    this.serial = 0;
    this.tokens = {};
  }

  /* A stem's sections as [start, end] pairs (inclusive). */
  Index.prototype.runsOf = function (ti) {
    var got = this.runs[ti];
    if (got) return got;
    var v = varints(this.runText[ti]), out = [], next = 0;
    for (var i = 0; i < v.length; i++) {
      var start = next + Math.floor(v[i] / 2), end = start;
      if (v[i] % 2) end = start + v[++i] + 1;
      out.push(start, end);
      next = end + 1;
    }
    this.runs[ti] = out;
    return out;
  };

  /* The first stem not sorted before `q` (binary search). */
  Index.prototype.lowerBound = function (q) {
    var lo = 0, hi = this.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.terms[mid] < q) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  /* A query word matches a stem when the stem starts with it (the reader is typing), or when
     it starts with the stem (an inflected form of a stemmed word). */
  function matches(q, t) {
    if (t.lastIndexOf(q, 0) === 0) return true;
    var core = t.length > 4 ? t.slice(0, -1) : t;
    return core.length >= 3 && core.length * 2 >= q.length && q.lastIndexOf(core, 0) === 0;
  }

  /* The stems a query word matches: all start with its first three letters. */
  Index.prototype.matching = function (q) {
    var head = q.slice(0, 3), out = [];
    for (var i = this.lowerBound(head); i < this.terms.length && this.terms[i].lastIndexOf(head, 0) === 0; i++) {
      if (matches(q, this.terms[i])) out.push(i);
    }
    return out;
  };

  /* Which query words (bit i for word i) match a word of string `id` (a title or heading). */
  Index.prototype.mask = function (id, qs, cache) {
    if (cache[id] !== undefined) return cache[id];
    var words = this.tokens[id] || (this.tokens[id] = tokens(this.strings[id])), m = 0;
    for (var a = 0; a < qs.length && a < 31; a++) {
      for (var b = 0; b < words.length; b++) {
        if (words[b].lastIndexOf(qs[a], 0) === 0 || matches(qs[a], words[b])) { m |= 1 << a; break; }
      }
    }
    cache[id] = m;
    return m;
  };

  function bits(m) {
    var n = 0;
    for (; m; m &= m - 1) n++;
    return n;
  }

  /* The best sections for a query: most query words first, then words in the heading or the
     page title, then site order; only the first MAX are kept (no sort of every hit). */
  Index.prototype.search = function (query) {
    var qs = tokens(query);
    if (!qs.length) return [];
    var hits = this.hits, word = this.word, most = 0, touched = [];
    var serial = this.serial;
    for (var qi = 0; qi < qs.length; qi++) {
      serial++;
      var ms = this.matching(qs[qi]);
      for (var x = 0; x < ms.length; x++) {
        var r = this.runsOf(ms[x]);
        for (var y = 0; y < r.length; y += 2) {
          for (var s = r[y]; s <= r[y + 1]; s++) {
            if (word[s] === serial) continue;
            word[s] = serial;
            if (hits[s] === 0) touched.push(s);
            if (hits[s] < 255) hits[s]++;
            if (hits[s] > most) most = hits[s];
          }
        }
      }
    }
    this.serial = serial;
    var floor = most === Math.min(qs.length, 255) ? most : 1, best = [], cache = {};
    for (var i = 0; i < touched.length; i++) {
      var sec = touched[i], n = hits[sec];
      hits[sec] = 0;
      if (n < floor) continue;
      var pg = this.page[sec];
      var score = n * 10 + bits(this.mask(this.heading[sec], qs, cache) | this.mask(this.titles[pg], qs, cache));
      if (best.length === MAX && !better(score, pg, sec, best[MAX - 1])) continue;
      var at = best.length === MAX ? MAX - 1 : best.length;
      while (at > 0 && better(score, pg, sec, best[at - 1])) { best[at] = best[at - 1]; at--; }
      best[at] = { score: score, page: pg, sec: sec };
    }
    var self = this;
    return best.map(function (b) {
      var anchor = self.strings[self.anchor[b.sec]], path = self.paths[b.page];
      return {
        title: self.strings[self.titles[b.page]],
        heading: anchor ? self.strings[self.heading[b.sec]] : "",
        href: (path ? path + "/" : "") + "index.html" + (anchor ? "#" + anchor : "")
      };
    });
  };

  function better(score, page, sec, b) {
    return score !== b.score ? score > b.score : page !== b.page ? page < b.page : sec < b.sec;
  }

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
    /* Loaded on the box's first use (static/search-lazy.js): the box has the focus already. */
    if (document.activeElement === input) load();
  }

  /* Under node (tests/js/search.test.js) the index's reader, without a page. */
  if (typeof module === "object" && module.exports) { module.exports = { Index: Index }; return; }

  function init() {
    var boxes = document.querySelectorAll(".eg-search[data-index]");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
