/*
 * ernguide practice sandbox: the DOM layer over flow.js (window.ErnSandboxFlow).
 * createSandbox(root, config) -> {dispatch, reset, getState, destroy}: one instance per root, no
 * module state; every listener is removed by destroy(). Data is written with textContent only.
 * Hash routes #/<screen>?scenario=<id>; state in sessionStorage (one key per guide).
 * Nothing is ever sent anywhere: no form, no fetch, no XHR.
 */
(function (w) {
  'use strict';
  var F = w.ErnSandboxFlow;
  var slice = Array.prototype.slice;

  function createSandbox(root, config) {
    var cfg = F.compile(config);
    var L = config.labels || {};
    var doc = root.ownerDocument, win = doc.defaultView;
    var key = 'ernguide-sandbox:' + ((config.guide || {}).slug || 'guide');
    var offs = [], sigs = {}, state, counts = { mail: 0, phone: 0 };

    function on(el, type, fn) { el.addEventListener(type, fn); offs.push(function () { el.removeEventListener(type, fn); }); }
    function $(sel, ctx) { return (ctx || root).querySelector(sel); }
    function $$(sel, ctx) { return slice.call((ctx || root).querySelectorAll(sel)); }
    function attr(e, n) { return e.getAttribute(n); }
    function fill(t, o) { return F.fill(t || '', o); }
    function seen(e) { return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length); }
    // el('tag', {attr: value}, child...) with text children as text nodes
    function el(tag, attrs) {
      var e = doc.createElement(tag);
      for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      for (var i = 2; i < arguments.length; i++) {
        var c = arguments[i];
        if (c == null || c === false) continue;
        e.appendChild(typeof c === 'object' ? c : doc.createTextNode(String(c)));
      }
      return e;
    }
    function vh(text) { return el('span', { 'class': 'sbx-vh' }, text); }

    function store() { try { win.sessionStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode */ } }
    function load() {
      try { var s = JSON.parse(win.sessionStorage.getItem(key) || 'null'); return s && s.v === 1 && s.saas ? s : null; } catch (e) { return null; }
    }
    function seed() { return (Date.now() ^ Math.floor(Math.random() * 1e9)) | 0; }

    function dispatch(ev, o) {
      var prev = state;
      state = F.transition(state, ev, cfg);
      store();
      render(prev, o || {});
      return state;
    }

    // ---------------------------------------------------------------- values of a form block

    function scopeOf(e) { return e.closest('[data-sbx-form]') || e.closest('[data-sbx-screen]') || root; }
    function collect(scope) {
      var v = {};
      $$('[data-sbx-field]', scope).forEach(function (f) {
        if (!seen(f)) return;
        var n = attr(f, 'data-sbx-field');
        // a checkbox with a value belongs to a group (list of values); without one it is a yes/no
        if (f.type === 'checkbox' && f.hasAttribute('value')) { v[n] = v[n] || []; if (f.checked) v[n].push(f.value); }
        else if (f.type === 'radio') { if (f.checked) v[n] = f.value; else if (!(n in v)) v[n] = ''; }
        else if (f.type === 'checkbox') v[n] = f.checked;
        else v[n] = f.value;
      });
      return v;
    }
    function setValues(scope, values, clear) {
      $$('[data-sbx-field]', scope).forEach(function (f) {
        var n = attr(f, 'data-sbx-field');
        if (f.type === 'password') { if (clear) f.value = ''; return; }
        if (!values || !(n in values)) { if (clear) { if (f.type === 'checkbox' || f.type === 'radio') f.checked = false; else f.value = f.tagName === 'SELECT' && f.options.length && !f.options[0].value ? '' : (f.tagName === 'SELECT' ? f.options[0].value : ''); } return; }
        var val = values[n];
        if (f.type === 'checkbox' || f.type === 'radio') f.checked = Array.isArray(val) ? val.indexOf(f.value) >= 0 : (f.type === 'radio' ? val === f.value : !!val);
        else if (val != null && typeof val !== 'object') f.value = String(val);
      });
    }

    // ---------------------------------------------------------------- events

    function onClick(e) {
      var t = e.target.closest('[data-sbx-action],[data-sbx-cmd],[data-sbx-toggle]');
      if (!t || !root.contains(t)) return;
      if (t.tagName === 'A') e.preventDefault();
      var tog = attr(t, 'data-sbx-toggle');
      if (tog) {
        var target = doc.getElementById(tog), open = attr(t, 'aria-expanded') !== 'true';
        t.setAttribute('aria-expanded', String(open));
        if (target) target.hidden = !open;
        return;
      }
      closeMenus();
      var cmd = attr(t, 'data-sbx-cmd'), arg = attr(t, 'data-sbx-arg');
      if (cmd) return command(cmd, arg);
      var name = attr(t, 'data-sbx-action');
      dispatch({ type: 'action', name: name, arg: arg, values: collect(scopeOf(t)) }, { source: t, panel: name === 'panel' ? arg : '' });
    }

    function command(cmd, arg) {
      if (cmd === 'reset') return reset();
      if (cmd === 'scenario') {
        var sel = $('[data-sbx-scenario]');
        return dispatch({ type: 'scenario', scenario: sel ? sel.value : 'new-user', seed: seed() }, { clear: true, focus: true });
      }
      if (cmd === 'tick') return dispatch({ type: 'tick', minutes: +arg });
      dispatch({ type: cmd });
    }

    function onChange(e) {
      var t = e.target;
      if (t.hasAttribute('data-sbx-mode')) return dispatch({ type: 'mode', mode: t.value });
      var name = attr(t, 'data-sbx-change');
      if (name) dispatch({ type: 'action', name: name, values: { value: t.value } }, { keep: true });
    }

    function onInput(e) {
      var name = attr(e.target, 'data-sbx-input');
      if (name) dispatch({ type: 'action', name: name, values: { value: e.target.value } }, { keep: true });
    }

    function onKey(e) {
      var t = e.target;
      if (e.key === 'Escape') return closeMenus(true);
      if (e.key !== 'Enter' || t.tagName !== 'INPUT' || /^(checkbox|radio|button|submit)$/.test(t.type)) return;
      var form = t.closest('[data-sbx-form]');
      var btn = form && $$('[data-sbx-primary]', form).filter(seen)[0];
      if (btn) { e.preventDefault(); btn.click(); }
    }

    function closeMenus(refocus) {
      $$('[data-sbx-toggle][aria-expanded="true"]').forEach(function (b) {
        if (!b.closest('.sbx-gear')) return;
        b.setAttribute('aria-expanded', 'false');
        var m = doc.getElementById(attr(b, 'data-sbx-toggle'));
        if (m) m.hidden = true;
        if (refocus) b.focus();
      });
    }

    function onHash() {
      var r = F.parseRoute(win.location.hash);
      if (r.scenario) return dispatch({ type: 'scenario', scenario: r.scenario, screen: r.screen, seed: seed() }, { clear: true, focus: true });
      if (r.screen && r.screen !== state.screen) dispatch({ type: 'go', screen: r.screen, deep: true }, { fromHash: true });
    }

    // ---------------------------------------------------------------- rendering

    function when(expr, flags) {
      return expr.split(/\s+/).every(function (f) { return !f || (f.charAt(0) === '!' ? !flags[f.slice(1)] : !!flags[f]); });
    }

    function list(name, sig, build) {
      var box = $('[data-sbx-list="' + name + '"]');
      if (!box) return;
      var s = JSON.stringify(sig);
      if (sigs[name] === s) return;
      sigs[name] = s;
      while (box.firstChild) box.removeChild(box.firstChild);
      build(box);
    }

    function renderLists(v) {
      list('methods', v.methods.map(function (m) { return m.id; }), function (box) {
        v.methods.forEach(function (m) {
          var id = 'sbx-m-' + m.id;
          box.appendChild(el('div', { 'class': 'sbx-method' },
            el('input', { type: 'radio', name: 'sbx-method', id: id, value: m.id, 'data-sbx-field': 'method', 'data-sbx-change': 'method', 'aria-describedby': id + '-d' }),
            el('label', { 'for': id }, m.label),
            el('p', { id: id + '-d', 'class': 'sbx-help' }, m.description)));
        });
      });
      $$('[data-sbx-list="methods"] input').forEach(function (i) {
        i.checked = v.methods.some(function (m) { return m.selected && m.id === i.value; });
      });

      var o = v.org;
      if (o) {
        list('org', [o.level, o.rows.map(function (r) { return r.key; })], function (box) {
          o.rows.forEach(function (r, i) {
            var did = 'sbx-od-' + i, details = o.level === 'institution' ? fill(L.details_org, { code: r.key }) : o.level === 'country' ? fill(L.details_country, { n: r.count }) : r.label;
            var first = r.kind === 'radio'
              ? el('label', { 'class': 'sbx-choice' }, el('input', { type: 'radio', name: 'sbx-org', value: r.key, 'data-sbx-change': 'org-select' }), ' ' + r.label)
              : r.label;
            box.appendChild(el('tr', null, el('td', null, first),
              el('td', null,
                r.kind === 'open' ? el('button', { type: 'button', 'class': 'sbx-btn sbx-small-btn', 'data-sbx-action': 'org-open', 'data-sbx-arg': r.key }, L.open, vh(' ' + r.label)) : null, ' ',
                el('button', { type: 'button', 'class': 'sbx-btn sbx-small-btn', 'data-sbx-toggle': did, 'aria-expanded': 'false' }, L.details, vh(' ' + r.label)),
                el('p', { id: did, 'class': 'sbx-help', hidden: true }, details))));
          });
        });
        $$('[data-sbx-list="org"] input').forEach(function (i) {
          i.checked = o.rows.some(function (r) { return r.selected && r.key === i.value; });
        });
        list('pager', [o.pages, o.page], function (box) {
          if (o.pages < 2) return;
          var nav = el('ul', { 'aria-label': L.page });
          for (var p = 1; p <= o.pages; p++) {
            nav.appendChild(el('li', null, el('button', { type: 'button', 'class': 'sbx-btn sbx-small-btn', 'data-sbx-action': 'org-page', 'data-sbx-arg': String(p), 'aria-current': p === o.page ? 'page' : null }, vh(L.page + ' '), String(p))));
          }
          box.appendChild(nav);
        });
        var per = $('#sbx-org-per');
        if (per && +per.value !== o.perPage) per.value = String(o.perPage);
        var search = $('#sbx-org-search');
        if (search && search.value !== o.search && doc.activeElement !== search) search.value = o.search;
      }

      list('requests', v.requests, function (box) {
        v.requests.forEach(function (r) {
          box.appendChild(el('tr', null, el('td', null, r.app), el('td', null, r.org), el('td', null, r.profiles), el('td', null, r.time),
            el('td', null, el('strong', { 'class': 'sbx-st-' + r.status }, (L.status || {})[r.status] || r.status))));
        });
      });

      var simple = function (name, items) {
        list(name, items, function (box) {
          if (!items.length) box.appendChild(el('li', { 'class': 'sbx-muted' }, L.none_yet));
          items.forEach(function (x) { box.appendChild(el('li', null, x)); });
        });
      };
      simple('phones', v.phones);
      simple('devices', v.devices);

      list('inbox', v.inbox, function (box) {
        if (!v.inbox.length) box.appendChild(el('p', { 'class': 'sbx-muted' }, L.inbox_empty));
        v.inbox.forEach(function (m) {
          var hid = 'sbx-mail-' + m.id;
          var art = el('article', { 'class': 'sbx-mail', 'aria-labelledby': hid },
            el('h3', { id: hid }, m.subject),
            el('p', { 'class': 'sbx-meta' }, L.from + ': ' + m.from + ' \u00b7 ' + L.received + ': ' + m.time));
          m.body.forEach(function (b) {
            if (b.link) art.appendChild(el('p', null, el('a', { href: '#/eul-password', 'data-sbx-action': b.action, 'data-sbx-arg': b.arg }, b.link)));
            else if (b.code) art.appendChild(el('p', { 'class': 'sbx-mono' }, b.code));
            else art.appendChild(el('p', null, b.text));
          });
          box.appendChild(art);
        });
      });

      list('sms', v.phone.sms, function (box) {
        if (!v.phone.sms.length) box.appendChild(el('li', { 'class': 'sbx-muted' }, L.phone_none));
        v.phone.sms.forEach(function (m) { box.appendChild(el('li', null, el('span', { 'class': 'sbx-meta' }, m.time + ' '), m.text)); });
      });

      list('milestones', v.milestones, function (box) {
        v.milestones.forEach(function (m) {
          box.appendChild(el('li', { 'class': m.done ? 'sbx-done' : '' }, el('span', { 'aria-hidden': 'true' }, m.done ? '\u2713 ' : '\u25cb '), m.label, vh(' (' + (m.done ? L.done : L.todo) + ')')));
        });
      });

      list('mistakes', [v.test.done, v.test.mistakes], function (box) {
        if (!v.test.mistakes.length) box.appendChild(el('li', null, L.no_mistakes));
        v.test.mistakes.forEach(function (m) { box.appendChild(el('li', null, m.screen + ': ' + m.msg)); });
      });
    }

    function renderCaptcha(code) {
      var box = $('[data-sbx-captcha]');
      if (!box || box.getAttribute('data-code') === code) return;
      box.setAttribute('data-code', code);
      box.setAttribute('aria-label', (L.code_img || 'Code') + ': ' + code.split('').join(' '));
      while (box.firstChild) box.removeChild(box.firstChild);
      code.split('').forEach(function (c, i) {
        var s = el('span', null, c);
        s.style.transform = 'rotate(' + (((F.hash(code + i).charCodeAt(0) % 7) - 3) * 6) + 'deg)';
        box.appendChild(s);
      });
    }

    // A QR-like picture (decorative data: the flow decides what scanning it does).
    function renderQr(text) {
      $$('[data-sbx-qr]').forEach(function (svg) {
        if (!seen(svg) || svg.getAttribute('data-code') === text) return;
        svg.setAttribute('data-code', text);
        var d = '', h = text, n = 25;
        var finder = function (x, y) { return x < 7 && y < 7 || x >= n - 7 && y < 7 || x < 7 && y >= n - 7; };
        for (var y = 0; y < n; y++) {
          for (var x = 0; x < n; x++) {
            var on;
            if (finder(x, y)) {
              var fx = x < 7 ? x : x - (n - 7), fy = y < 7 ? y : y - (n - 7);
              on = fx === 0 || fx === 6 || fy === 0 || fy === 6 || (fx >= 2 && fx <= 4 && fy >= 2 && fy <= 4);
            } else {
              if ((x * n + y) % 8 === 0) h = F.hash(h + x + y);
              on = (parseInt(h.charAt((x + y) % 8), 16) >> (x % 3)) & 1;
            }
            if (on) d += 'M' + x + ' ' + y + 'h1v1h-1z';
          }
        }
        svg.firstElementChild.setAttribute('d', d);
      });
    }

    function focusTarget(screenEl) {
      return $$('[data-sbx-step-focus]', screenEl).filter(seen)[0] || $('[data-sbx-focus]', screenEl);
    }

    function announce(text) {
      var live = $('[data-sbx-live]');
      if (!live || !text) return;
      live.textContent = '';
      win.setTimeout(function () { live.textContent = text; }, 30);
    }

    function render(prev, o) {
      var v = F.view(state, cfg);
      var flags = {};
      v.flags.forEach(function (f) { flags[f] = 1; });
      flags['app-pin'] = v.phone.pin;
      flags['app-initialise'] = v.phone.buttons.indexOf('initialise') >= 0;
      flags['app-scan'] = v.phone.buttons.indexOf('scan') >= 0;
      var screenChanged = !prev || prev.screen !== v.screen;
      var pv = prev ? F.view(prev, cfg) : null;
      var stepChanged = !pv || pv.stepKey !== v.stepKey;

      if (o.clear) { setValues(root, null, true); $$('[data-sbx-captcha]').forEach(function (b) { b.removeAttribute('data-code'); }); }

      $$('[data-sbx-site]').forEach(function (e) { e.hidden = attr(e, 'data-sbx-site') !== v.site; });
      $$('[data-sbx-screen]').forEach(function (e) { e.hidden = attr(e, 'data-sbx-screen') !== v.screen; });
      $$('[data-sbx-when]').forEach(function (e) { e.hidden = !when(attr(e, 'data-sbx-when'), flags); });
      $$('[data-sbx-banner]').forEach(function (e) { e.hidden = v.banners.indexOf(e.textContent) < 0; });

      var r = v.requests[0];
      var slots = {
        address: v.address, hint: v.hint,
        unread_mail: v.unreadMail && !v.ui.inbox ? fill(L.new_badge, { n: v.unreadMail }) : '',
        unread_phone: v.unreadPhone && !v.ui.phone ? fill(L.new_badge, { n: v.unreadPhone }) : '',
        app_text: v.phone.text, app_otp: v.phone.otp, app_error: v.phone.error,
        org_crumbs: v.org ? '/ ' + v.org.crumbs.join(' / ') : '',
        org_showing: v.org ? fill(L.showing, v.org) : '',
        org_col: v.org && v.org.level === 'country' ? 'Country' : 'Name',
        request_status_label: (L.status || {})[v.slots.request_status] || v.slots.request_status,
        test_summary: fill(L.test_summary, { completed: v.test.completed, total: v.test.total, mistakes: v.test.mistakes.length, actions: v.test.actions })
      };
      for (var k in v.slots) if (!(k in slots)) slots[k] = v.slots[k];
      if (r) slots.request_status_label = (L.status || {})[r.status] || r.status;
      $$('[data-sbx-slot]').forEach(function (e) {
        var val = slots[attr(e, 'data-sbx-slot')];
        val = val == null ? '' : String(val);
        if (e.textContent !== val) e.textContent = val;
      });

      // devices (Inbox, Phone) and mode
      ['inbox', 'phone'].forEach(function (p) {
        var box = $('#sbx-' + p);
        if (box) box.hidden = !v.ui[p];
        $$('[data-sbx-action="panel"][data-sbx-arg="' + p + '"]').forEach(function (b) { b.setAttribute('aria-expanded', String(!!v.ui[p])); });
      });
      $$('[data-sbx-mode]').forEach(function (i) { i.checked = i.value === v.mode; });
      var sc = $('[data-sbx-scenario]');
      if (sc && o.clear) sc.value = v.scenario;

      var g = $('[data-sbx-guide]');
      if (g) {
        g.hidden = !v.guideStep;
        var a = $('[data-sbx-guide-link]', g);
        if (a && v.guideStep) { a.textContent = v.guideStep.title; a.setAttribute('href', v.guideStep.url); }
      }

      renderLists(v);
      renderCaptcha(v.captcha);
      renderQr(v.qr || '');

      var screenEl = $('[data-sbx-screen="' + v.screen + '"]');
      // prefill after a reload or a jump, and the "fill in the example person" button
      if (screenEl && (o.initial || o.clear) && v.prefill) setValues(screenEl, v.prefill, false);
      if (screenEl && v.fill) setValues(screenEl, v.fill, false);
      // a password never stays in a field that is not on screen
      $$('input[type="password"]').forEach(function (i) { if (!seen(i)) i.value = ''; });
      if (state.app.error) { var pin = $('#sbx-app-pin'); if (pin) pin.value = ''; }

      // errors: inline next to their field, the rest in the alert area
      $$('[data-sbx-error]').forEach(function (e) { e.hidden = true; e.textContent = ''; });
      $$('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
      var alertBox = $('[data-sbx-alert]'), loose = [], firstBad = null;
      v.errors.forEach(function (er) {
        var spot = screenEl && ($$('[data-sbx-error="' + er.field + '"]', screenEl).filter(function (e) { return seen(e.parentNode); })[0]);
        if (spot) { spot.textContent = er.msg; spot.hidden = false; } else loose.push(er.msg);
        var field = screenEl && $$('[data-sbx-field="' + er.field + '"]', screenEl).filter(seen)[0];
        if (field) { field.setAttribute('aria-invalid', 'true'); firstBad = firstBad || field; }
      });
      if (alertBox) {
        while (alertBox.firstChild) alertBox.removeChild(alertBox.firstChild);
        loose.forEach(function (m) { alertBox.appendChild(el('p', null, m)); });
      }
      var note = $('[data-sbx-notice]');
      if (note) {
        var text = v.notice ? v.notice.text : '';
        if (note.textContent !== text) note.textContent = text;
        note.className = 'sbx-notice' + (v.notice ? ' sbx-' + v.notice.kind : '');
      }

      // focus and announcements
      var mailNow = state.inbox.length, phoneNow = state.sms.length + (v.phone.pending ? 1 : 0);
      var news = [];
      if (!o.initial && !o.clear) {
        if (mailNow > counts.mail && !v.ui.inbox) news.push(L.new_mail);
        if (phoneNow > counts.phone && !v.ui.phone) news.push(L.new_phone);
      }
      counts.mail = mailNow; counts.phone = phoneNow;
      var fromPhone = o.source && o.source.closest('#sbx-phone');
      if (!o.initial) {
        if (o.panel && v.ui[o.panel]) { var ph = $('#sbx-' + o.panel + '-h'); if (ph) ph.focus(); }
        else if (v.errors.length && firstBad && !(fromPhone && !screenChanged)) { firstBad.focus(); announce(v.errors.map(function (e) { return e.msg; }).join(' ')); }
        else if (v.errors.length && !firstBad) announce(loose.join(' '));
        else if ((screenChanged || stepChanged || o.focus) && screenEl && !o.keep) {
          var ft = focusTarget(screenEl);
          if (ft) ft.focus();
          if (screenChanged) news.unshift(L.screen_prefix + ' ' + v.title + '.');
        }
      }
      if (o.initial && v.mode === 'test' && v.test.done) news.push(v.title);
      if (news.length) announce(news.join(' '));
      if (flags['test-done'] && pv && !pv.test.done) { var res = $('.sbx-result'); if (res) res.focus(); }

      // route and title
      var route = F.formatRoute(v.screen);
      if (win.location.hash !== route) {
        try {
          if (screenChanged && !o.initial && !o.fromHash) win.history.pushState(null, '', route);
          else win.history.replaceState(null, '', route);
        } catch (e) { /* some file:// contexts */ }
      }
      var base = doc.title.split(' \u2013 ').slice(-3).join(' \u2013 ');
      doc.title = v.title + ' \u2013 ' + base;
    }

    function reset() {
      try { win.sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
      return dispatch({ type: 'reset', seed: seed() }, { clear: true, focus: true });
    }

    // ---------------------------------------------------------------- start

    on(root, 'click', onClick);
    on(root, 'change', onChange);
    on(root, 'input', onInput);
    on(root, 'keydown', onKey);
    on(win, 'hashchange', onHash);
    on(win, 'popstate', onHash);

    var r0 = F.parseRoute(win.location.hash);
    var saved = load();
    if (r0.scenario) {
      state = F.initialState(cfg, r0.scenario, { seed: seed(), mode: saved && saved.mode });
      if (r0.screen) state = F.transition(state, { type: 'go', screen: r0.screen, deep: true }, cfg);
    } else {
      state = saved || F.initialState(cfg, 'new-user', { seed: seed() });
      if (r0.screen && r0.screen !== state.screen) state = F.transition(state, { type: 'go', screen: r0.screen, deep: true }, cfg);
    }
    store();
    render(null, { initial: true });

    return {
      dispatch: dispatch,
      reset: reset,
      getState: function () { return state; },
      destroy: function () { offs.forEach(function (f) { f(); }); offs = []; }
    };
  }

  w.ErnSandbox = { createSandbox: createSandbox };
  var d = w.document;
  var data = d && d.getElementById('sbx-data');
  var rootEl = d && d.querySelector('[data-sbx-root]');
  if (data && rootEl && F) w.ernSandbox = createSandbox(rootEl, JSON.parse(data.textContent));
})(window);
