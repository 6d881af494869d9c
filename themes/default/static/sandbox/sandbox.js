//# allFunctionsCalledOnLoad
/*
 * ernguide practice sandbox: the DOM layer over flow.js (window.ErnSandboxFlow).
 * createSandbox(root, config) -> {dispatch, reset, getState, destroy}: one instance per root, no
 * module state, destroy() removes every listener. Data is written with textContent only.
 * Routes #/<screen>?scenario=<id>; state in sessionStorage, one key per guide.
 * Nothing is ever sent anywhere: no form, no fetch, no XHR.
 */
(w => {
	'use strict';
	var F = w.ErnSandboxFlow;

	function createSandbox(root, config) {
		var cfg = F.compile(config), L = config.labels || {}, doc = root.ownerDocument, win = doc.defaultView;
		var key = 'ernguide-sandbox:' + ((config.guide || {}).slug || 'guide');
		// texts of the real products (English) on a page in another language are marked so
		var en = doc.documentElement.lang && doc.documentElement.lang !== 'en' ? 'en' : null;
		var offs = [], sigs = new WeakMap(), only = null, counts = { mail: 0, phone: 0 }, errN = 0, state, since = 0, choices = null, opener = null, D = L.dlg || {};

		function on(el, type, fn) { el.addEventListener(type, fn); offs.push(() => { el.removeEventListener(type, fn); }); }
		// timers are listeners too: destroy() clears them
		function every(fn, ms) { var t = win.setInterval(fn, ms); offs.push(() => { win.clearInterval(t); }); }
		function later(fn, ms) { var t = win.setTimeout(fn, ms); offs.push(() => { win.clearTimeout(t); }); }
		function $(sel, ctx) { return (ctx || root).querySelector(sel); }
		function $$(sel, ctx) { return Array.prototype.slice.call((ctx || root).querySelectorAll(sel)); }
		function attr(e, n) { return e.getAttribute(n); }
		// written only when it changes: an unchanged page costs the browser no style work
		function hide(e, h) { h = !!h; if (e.hidden !== h) e.hidden = h; }
		function setAttr(e, n, v) { if (attr(e, n) !== v) e.setAttribute(n, v); }
		function seen(e) { return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length); }
		// the same answer from the markup alone (the page hides with `hidden`, closed <details> and
		// <dialog>), without a layout: what render() uses, so it never waits for one
		function shown(e) { return !e.closest('[hidden],dialog:not([open]),details:not([open])>:not(summary)'); }
		function fill(t, o) { return F.fill(t || '', o); }
		// el('tag', {attr: value}, child...): text children become text nodes
		function el(tag, attrs) {
			var e = doc.createElement(tag);
			for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
			for (var i = 2; i < arguments.length; i++) {
				var c = arguments[i];
				if (c != null && c !== false) e.appendChild(typeof c === 'object' ? c : doc.createTextNode(String(c)));
			}
			return e;
		}
		function vh(t) { return el('span', { 'class': 'eg-sr' }, t); }
		function btn(label, a, extra) { return el('button', extend({ 'class': 'sbx-btn sbx-small-btn' }, a), label, extra); }
		function extend(o, x) { for (var k in x) o[k] = x[k]; return o; }
		function empty(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

		function store() { try { win.sessionStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* storage off */ } }
		function load() { try { var s = JSON.parse(win.sessionStorage.getItem(key) || 'null'); return s && s.v === 2 && s.saas ? s : null; } catch (e) { return null; } }
		function seed() { return (Date.now() ^ Math.floor(Math.random() * 1e9)) | 0; }

		function dispatch(ev, o) {
			var prev = state;
			ev.now = ev.now || Date.now();
			state = F.transition(state, ev, cfg);
			store();
			render(prev, o || {});
			return state;
		}

		// --- form values

		function scopeOf(e) { return e.closest('[data-s-form]') || e.closest('[data-s-screen]') || root; }
		function collect(scope) {
			var v = {};
			$$('[data-s-field]', scope).forEach(f => {
				if (!seen(f)) return;
				var n = attr(f, 'data-s-field');
				// a checkbox with a value is one of a group (a list); without one it is yes/no
				if (f.type === 'checkbox' && f.hasAttribute('value')) { v[n] = v[n] || []; if (f.checked) v[n].push(f.value); }
				else if (f.type === 'radio') { if (f.checked) v[n] = f.value; else if (!(n in v)) v[n] = ''; }
				else v[n] = f.type === 'checkbox' ? f.checked : f.value;
			});
			return v;
		}
		function setValues(scope, values, clear) {
			$$('[data-s-field]', scope).forEach(f => {
				var n = attr(f, 'data-s-field'), box = f.type === 'checkbox' || f.type === 'radio', val;
				if (f.type === 'password' || !values || !(n in values)) {
					if (clear) { if (box) f.checked = false; else f.value = f.tagName === 'SELECT' && f.options[0].value ? f.options[0].value : ''; }
					return;
				}
				val = values[n];
				if (box) f.checked = Array.isArray(val) ? val.indexOf(f.value) >= 0 : f.type === 'radio' ? val === f.value : !!val;
				else if (val != null && typeof val !== 'object') f.value = String(val);
			});
		}

		// --- events

		function onClick(e) {
			var t = e.target.closest('[data-s-action],[data-s-cmd],[data-s-toggle],[data-s-choice]');
			if (!t || !root.contains(t)) return;
			if (t.hasAttribute('data-s-choice')) return choose(+attr(t, 'data-s-choice'));
			if (t.tagName === 'A') e.preventDefault();
			var tog = attr(t, 'data-s-toggle'), cmd = attr(t, 'data-s-cmd'), arg = attr(t, 'data-s-arg'), name = attr(t, 'data-s-action');
			if (tog) {
				var open = attr(t, 'aria-expanded') !== 'true', target = doc.getElementById(tog);
				t.setAttribute('aria-expanded', String(open));
				if (target) target.hidden = !open;
				return;
			}
			closeMenus();
			if (cmd === 'reset') return confirmLoss(D.reset_title, D.reset_text, D.reset_yes, reset);
			if (cmd === 'scenario') {
				return confirmLoss(D.jump_title, D.jump_text, D.jump_yes, () => {
					dispatch({ type: 'scenario', scenario: ($('[data-s-scenario]') || {}).value || 'new-user', seed: seed() }, { clear: true, focus: true });
				});
			}
			if (cmd === 'jump') return confirmLoss(D.jump_title, D.jump_text, D.jump_yes, () => { dispatch({ type: 'go', screen: arg, deep: true }, { clear: true, focus: true }); });
			if (cmd === 'undo') { dispatch({ type: 'undo' }, { clear: true, focus: true }); return announce(L.undone); }
			if (cmd === 'cert') return certificate();
			if (cmd === 'verify') return verify();
			if (cmd === 'print') return win.print();
			if (cmd === 'session') return dispatch({ type: 'session', code: ($('[data-s-session]') || {}).value || '' }, { keep: true });
			if (cmd) return dispatch(cmd === 'tick' ? { type: 'tick', minutes: +arg } : { type: cmd }, { focus: cmd === 'finish-test' });
			dispatch({ type: 'action', name: name, arg: arg, values: collect(scopeOf(t)) }, { source: t, panel: name === 'panel' ? arg : '' });
		}
		function onChange(e) {
			var t = e.target, name = attr(t, 'data-s-change');
			if (t.hasAttribute('data-s-mode')) return changeMode(t.value);
			fix(t);
			if (name) dispatch({ type: 'action', name: name, values: { value: t.value } }, { keep: true });
		}
		function onInput(e) {
			var name = attr(e.target, 'data-s-input');
			fix(e.target);
			if (name) dispatch({ type: 'action', name: name, values: { value: e.target.value } }, { keep: true });
		}
		// an answered field loses its error at once (not at the next "Next")
		function fix(t) {
			var f = attr(t, 'data-s-field');
			if (f && state.errors.some(x => x.field === f) && (t.type !== 'checkbox' && t.type !== 'radio' ? t.value : t.checked)) dispatch({ type: 'fix', field: f }, { keep: true });
		}

		// --- dialogs: confirmation and choice (a modal <dialog>: focus in, Escape, focus back)

		function ask(title, text, list) {
			var d = $('[data-s-dialog]');
			if (!d || !d.showModal) return list[0].fn();
			opener = doc.activeElement;
			choices = list;
			$('[data-s-dialog-title]', d).textContent = title;
			$('[data-s-dialog-text]', d).textContent = text;
			var box = empty($('[data-s-dialog-buttons]', d));
			list.forEach((c, i) => { box.appendChild(el('button', { 'class': 'sbx-btn' + (i ? '' : ' sbx-primary'), 'data-s-choice': i }, c.label)); box.appendChild(doc.createTextNode(' ')); });
			d.showModal();
			box.firstChild.focus();
		}
		function choose(i) {
			var c = choices && choices[i], d = $('[data-s-dialog]');
			choices = null;
			if (c && c.fn) opener = null;
			if (d && d.open) d.close();
			if (c && c.fn) c.fn();
		}
		function onClose() {
			choices = null;
			if (opener && opener.isConnected && seen(opener)) opener.focus();
			opener = null;
			render(state, { keep: true });
		}
		function confirmLoss(title, text, yes, fn) {
			if (!F.hasProgress(state)) return fn();
			ask(title, text, [{ label: yes, fn: fn }, { label: D.cancel }]);
		}
		function changeMode(m) {
			$$('[data-s-mode]').forEach(i => { i.checked = i.value === state.mode; });
			var start = () => { dispatch({ type: 'mode', mode: 'test', seed: seed() }, { clear: true, focus: true }); };
			if (m === 'test') return F.hasProgress(state) ? ask(D.test_title, D.test_text, [{ label: D.test_yes, fn: start }, { label: D.cancel }]) : start();
			var to = () => { dispatch({ type: 'mode', mode: m }); };
			if (state.test && !state.test.end) return ask(D.stop_title, D.stop_text, [{ label: D.stop_yes, fn: to }, { label: D.cancel }]);
			to();
		}
		// a guide's "Try this step" link: the learner's own progress is never replaced without asking
		function deepLink(r) {
			var example = () => { dispatch({ type: 'scenario', scenario: r.scenario, screen: r.screen, seed: seed() }, { clear: true, focus: true }); };
			var keep = () => { dispatch({ type: 'go', screen: r.screen || state.screen, deep: true }, { clear: true, focus: true }); };
			if (!F.hasProgress(state)) return example();
			var d = (cfg.sb.screens || {})[r.screen] || {};
			ask(D.deep_title, fill(D.deep_text, { screen: d.name || d.title || r.screen }), [{ label: D.deep_keep, fn: keep }, { label: D.deep_example, fn: example }]);
		}

		// --- the certificate of practice: the name lives in the page only, never in storage

		function certificate() {
			var v = F.view(state, cfg), t = v.test, name = ($('[data-s-cert="name"]') || {}).value || '', err = $('[data-s-cert="error"]'), box = $('.sbx-cert');
			if (!t.pass || !box) return;
			name = name.trim();
			err.hidden = !!name;
			err.textContent = name ? '' : L.cert_need_name;
			if (!name) return $('[data-s-cert="name"]').focus();
			var session = ($('[data-s-cert="session"]') || {}).value || state.session;
			$('[data-s-cert="text"]').textContent = fill(L.cert_text, { name: name, network: (config.network || {}).name || '', system: (cfg.sb.sites || {})[cfg.system === 'cpms2' ? 'cpms2' : 'cpms'] || '',
				date: t.date, completed: t.completed, total: t.total });
			$('[data-s-cert="code"]').textContent = F.certCode(name, t.date, t.completed + '/' + t.total, session);
			showCert(box, true);
			$('#sbx-cert-h').focus();
		}
		// printed, a shown certificate is all there is (sandbox.css: .sbx-cert-only)
		function showCert(box, on) {
			hide(box, !on);
			if (doc.body.classList.contains('sbx-cert-only') !== on) doc.body.classList.toggle('sbx-cert-only', on);
		}
		function verify() {
			var g = k => ($('[data-s-verify="' + k + '"]') || {}).value || '', total = F.milestones(state, cfg).length;
			var ok = F.certCode(g('name'), g('date'), g('done') + '/' + total, g('session')) === g('code').trim().toUpperCase();
			$('[data-s-verify="result"]').textContent = ok ? L.verify_ok : L.verify_bad;
		}
		// Enter in a field presses the visible main button of its block; Escape closes the menu
		function onKey(e) {
			var t = e.target, form = t.closest('[data-s-form]');
			var dev = t.closest('#sbx-inbox,#sbx-phone');
			if (e.key === 'Escape' && dev && !t.closest('dialog')) return dispatch({ type: 'action', name: 'panel', arg: dev.id.slice(4) }, { panel: dev.id.slice(4) });
			if (e.key === 'Escape') return closeMenus(true);
			if (e.key !== 'Enter' || t.tagName !== 'INPUT' || /^(checkbox|radio|button)$/.test(t.type) || !form) return;
			var b = $$('.sbx-primary', form).filter(seen)[0];
			if (b) { e.preventDefault(); b.click(); }
		}
		function closeMenus(refocus) {
			$$('.sbx-gear [aria-expanded="true"],[data-s-menu] [aria-expanded="true"]').forEach(b => {
				b.setAttribute('aria-expanded', 'false');
				doc.getElementById(attr(b, 'data-s-toggle')).hidden = true;
				if (refocus) b.focus();
			});
		}
		function onHash() {
			var r = F.parseRoute(win.location.hash);
			if (r.scenario) deepLink(r);
			else if (r.screen && r.screen !== state.screen) dispatch({ type: 'go', screen: r.screen, deep: true }, { fromHash: true });
		}

		// --- lists (rebuilt only when their data changes)

		// each list box is built again only when its data changed; while `only` is set (the first
		// render), only the boxes inside it: the others follow in a task of their own
		function list(name, sig, build) {
			var s = JSON.stringify(sig);
			$$('[data-s-list="' + name + '"]').forEach(b => {
				if (sigs.get(b) !== s && (!only || only.contains(b))) { sigs.set(b, s); build(empty(b)); }
			});
		}
		function check(name, rows) {
			$$('[data-s-list="' + name + '"] input').forEach(i => {
				i.checked = rows.some(r => r.selected && (r.id || r.key) === i.value);
			});
		}

		function renderLists(v) {
			list('methods', v.methods.map(m => m.id), box => {
				v.methods.forEach(m => {
					var id = 'sbx-m-' + m.id;
					box.appendChild(el('div', { 'class': 'sbx-method' },
						el('input', { type: 'radio', name: 'sbx-method', id: id, value: m.id, 'data-s-field': 'method', 'data-s-change': 'method', 'aria-describedby': id + '-d' }),
						el('label', { 'for': id }, m.label), el('p', { id: id + '-d', 'class': 'sbx-help' }, m.description)));
				});
			});
			check('methods', v.methods);

			var o = v.org;
			if (o) {
				list('org', [o.level, o.rows.map(r => r.key)], box => {
					o.rows.forEach((r, i) => {
						var did = 'sbx-od-' + i;
						box.appendChild(el('tr', null,
							el('td', null, r.kind === 'radio' ? el('label', null, el('input', { type: 'radio', name: 'sbx-org', value: r.key, 'data-s-change': 'org-select' }), ' ' + r.label) : r.label),
							el('td', null, r.kind === 'open' ? btn(L.open, { 'data-s-action': 'org-open', 'data-s-arg': r.key }, vh(' ' + r.label)) : null, ' ',
								btn(L.details, { 'data-s-toggle': did, 'aria-expanded': 'false' }, vh(' ' + r.label)),
								el('p', { id: did, 'class': 'sbx-help', hidden: true },
									o.level === 'institution' ? fill(L.details_org, { code: r.key }) : o.level === 'country' ? fill(L.details_country, { n: r.count }) : fill(L.details_ern, { name: r.label })))));
					});
				});
				check('org', o.rows);
				list('pager', [o.pages, o.page], box => {
					if (o.pages < 2) return;
					var ul = box.appendChild(el('ul', { 'aria-label': L.page }));
					for (var p = 1; p <= o.pages; p++) ul.appendChild(el('li', null, btn(vh(L.page + ' '), { 'data-s-action': 'org-page', 'data-s-arg': p, 'aria-current': p === o.page ? 'page' : null }, String(p))));
				});
				var per = $('#sbx-org-per'), q = $('#sbx-org-search');
				if (per && +per.value !== o.perPage) per.value = String(o.perPage);
				if (q && q.value !== o.search && doc.activeElement !== q) q.value = o.search;
			}

			list('requests', v.requests, box => {
				v.requests.forEach(r => {
					box.appendChild(el('tr', null, el('td', null, r.app), el('td', null, r.org), el('td', null, r.profiles), el('td', null, r.time),
						el('td', null, el('strong', { 'class': 'sbx-st-' + r.status }, (L.status || {})[r.status] || r.status))));
				});
			});
			['phones', 'devices'].forEach(n => {
				list(n, v[n], box => {
					if (!v[n].length) box.appendChild(el('li', { 'class': 'sbx-muted' }, L.none_yet));
					v[n].forEach(x => { box.appendChild(el('li', null, x)); });
				});
			});
			list('inbox', v.inbox.map(m => m.id), box => {
				if (!v.inbox.length) box.appendChild(el('p', { 'class': 'sbx-muted' }, L.inbox_empty));
				// the newest e-mail open, the older ones folded
				v.inbox.forEach((m, i) => {
					var art = box.appendChild(el('details', { 'class': 'sbx-mail', open: !i },
						el('summary', null, el('strong', { lang: en }, m.subject), el('span', { 'class': 'sbx-meta' }, ' \u00b7 ' + L.from + ': ', el('span', { lang: en }, m.from), ' \u00b7 ' + L.received + ': ' + m.time))));
					// the e-mail is the real one's English; its practice notes (in parentheses) are guidance
					m.body.forEach(b => {
						art.appendChild(b.link ? el('p', { lang: en }, el('a', { href: '#/eul-password', 'data-s-action': b.action, 'data-s-arg': b.arg }, b.link))
							: el('p', b.code ? { 'class': 'sbx-mono' } : { lang: /^\s*\(/.test(b.text) ? null : en }, b.code || b.text));
					});
				});
			});
			list('sms', v.phone.sms, box => {
				if (!v.phone.sms.length) box.appendChild(el('li', { 'class': 'sbx-muted' }, L.phone_none));
				v.phone.sms.forEach(m => { box.appendChild(el('li', null, el('span', { 'class': 'sbx-meta' }, m.time + ' '), el('span', { lang: en }, m.text))); });
			});
			list('milestones', v.milestones, box => {
				v.milestones.forEach(m => {
					box.appendChild(el('li', { 'class': m.done ? 'sbx-done' : '' }, el('span', { 'aria-hidden': 'true' }, m.done ? '\u2713 ' : '\u25cb '), m.label, vh(' (' + (m.done ? L.done : L.todo) + ')')));
				});
			});
			list('screens', v.screens, box => {
				v.screens.forEach(g => {
					box.appendChild(el('h4', null, g.name));
					var ul = box.appendChild(el('ul', { 'class': 'sbx-screens' }));
					g.screens.forEach(x => { ul.appendChild(el('li', null, el('button', { 'class': 'sbx-linkish', 'data-s-cmd': 'jump', 'data-s-arg': x.id }, x.name))); });
				});
			});
			list('rules', v.rules, box => { v.rules.forEach(r => { box.appendChild(el('li', null, r)); }); });
			list('result-milestones', v.test.milestones, box => {
				v.test.milestones.forEach(m => { box.appendChild(el('li', null, el('span', { 'aria-hidden': 'true' }, m.done ? '\u2713 ' : '\u2717 '), m.label, ' (' + (m.done ? L.done : L.todo) + ')')); });
			});
			list('mistakes', [v.test.done, v.test.mistakes], box => {
				if (!v.test.mistakes.length) box.appendChild(el('li', null, L.no_mistakes));
				v.test.mistakes.forEach(m => { box.appendChild(el('li', null, el('span', { lang: en }, m.screen + ': ' + m.msg), m.expected ? el('br') : null, m.expected ? L.expected + ': ' + m.expected : null)); });
			});
			$$('[data-s-scenario] option').forEach(o => { var off = v.scenarios.indexOf(o.value) < 0; hide(o, off); if (o.disabled !== off) o.disabled = off; });
		}

		// the "Enter the code" picture: its code is its accessible name
		function renderCaptcha(code) {
			var box = $('[data-s-captcha]');
			if (!box || attr(box, 'data-code') === code) return;
			box.setAttribute('data-code', code);
			box.setAttribute('aria-label', (L.code_img || 'Code') + ': ' + code.split('').join(' '));
			empty(box);
			code.split('').forEach((ch, i) => {
				box.appendChild(el('span', null, ch)).style.transform = 'rotate(' + ((parseInt(F.hash(code + i).charAt(0), 16) % 7 - 3) * 6) + 'deg)';
			});
		}
		// a QR-like picture drawn from the flow's code (what scanning it does is up to the flow)
		function renderQr(text) {
			$$('[data-s-qr]').forEach(svg => {
				if (!shown(svg) || attr(svg, 'data-code') === text) return;
				svg.setAttribute('data-code', text);
				var d = '', h = text, n = 25, x, y, fx, fy, on;
				for (y = 0; y < n; y++) {
					for (x = 0; x < n; x++) {
						fx = x < 7 ? x : x - n + 7; fy = y < 7 ? y : y - n + 7;
						if ((x < 7 || x >= n - 7) && y < 7 || x < 7 && y >= n - 7) on = fx === 0 || fx === 6 || fy === 0 || fy === 6 || fx > 1 && fx < 5 && fy > 1 && fy < 5;
						else {
							if ((x * n + y) % 8 === 0) h = F.hash(h + x + y);
							on = (parseInt(h.charAt((x + y) % 8), 16) >> (x % 3)) & 1;
						}
						if (on) d += 'M' + x + ' ' + y + 'h1v1h-1z';
					}
				}
				svg.firstElementChild.setAttribute('d', d);
			});
		}

		function announce(text) {
			var live = $('[data-s-live]');
			if (!live || !text) return;
			live.textContent = '';
			later(() => { live.textContent = text; }, 30);
		}

		// errors go under their field (added to its description), the others into the alert area
		function renderErrors(v, screenEl) {
			var loose = [], first = null, box = $('[data-s-alert]');
			$$('[data-s-error]').forEach(e => { hide(e, true); if (e.firstChild) e.textContent = ''; });
			$$('[aria-invalid]').forEach(e => { e.removeAttribute('aria-invalid'); });
			v.errors.forEach(er => {
				var field = screenEl && $$('[data-s-field="' + er.field + '"]', screenEl).filter(shown)[0];
				var spot = screenEl && $$('[data-s-error="' + er.field + '"]', screenEl).filter(e => shown(e.parentNode))[0];
				if (!spot && field) {
					var host = field.closest('fieldset,.sbx-field');
					if (host) {
						spot = host.appendChild(el('p', { 'class': 'sbx-err', id: 'sbx-err-' + (++errN), 'data-s-error': er.field }));
						var d = host.tagName === 'FIELDSET' ? host : field;
						d.setAttribute('aria-describedby', ((attr(d, 'aria-describedby') || '') + ' ' + spot.id).trim());
					}
				}
				if (spot) { spot.textContent = spot.hidden ? er.msg : spot.textContent + ' ' + er.msg; spot.hidden = false; } else loose.push(er.msg);
				if (field) { field.setAttribute('aria-invalid', 'true'); first = first || field; }
			});
			if (box) { empty(box); loose.forEach(m => { box.appendChild(el('p', null, m)); }); }
			return { first: first, loose: loose };
		}

		function render(prev, o) {
			var v = F.view(state, cfg), pv = prev ? F.view(prev, cfg) : null, flags = {}, ph = v.phone;
			v.flags.forEach(f => { flags[f] = 1; });
			flags['app-pin'] = ph.pin;
			flags['app-initialise'] = ph.buttons.indexOf('initialise') >= 0;
			flags['app-scan'] = ph.buttons.indexOf('scan') >= 0;
			var screenChanged = !pv || pv.screen !== v.screen, stepChanged = !pv || pv.stepKey !== v.stepKey;
			if (o.clear) { setValues(root, null, true); $$('[data-s-captcha]').forEach(b => { b.removeAttribute('data-code'); }); }

			$$('[data-s-site]').forEach(e => { hide(e, attr(e, 'data-s-site') !== v.site); });
			$$('[data-s-screen]').forEach(e => { hide(e, attr(e, 'data-s-screen') !== v.screen); });
			$$('[data-s-when]').forEach(e => {
				hide(e, !attr(e, 'data-s-when').split(' ').every(f => f.charAt(0) === '!' ? !flags[f.slice(1)] : !!flags[f]));
			});
			$$('[data-s-banner]').forEach(e => { hide(e, v.banners.indexOf(e.textContent) < 0); });

			var st = (L.status || {})[v.slots.request_status] || v.slots.request_status;
			var slots = extend(extend({}, v.slots), {
				address: v.address, hint: v.hint, app_text: ph.text, app_otp: ph.otp, app_error: ph.error, request_status_label: st,
				unread_mail: v.unreadMail && !v.ui.inbox ? fill(L.new_badge, { n: v.unreadMail }) : '',
				unread_phone: v.unreadPhone && !v.ui.phone ? fill(L.new_badge, { n: v.unreadPhone }) : '',
				org_crumbs: v.org ? '/ ' + v.org.crumbs.join(' / ') : '', org_showing: v.org ? fill(L.showing, v.org) : '', org_unknown: v.org ? v.org.unknown : '',
				org_col: v.org && v.org.level === 'country' ? L.col_country : L.col_name,
				test_time: fill(L.test_time, { min: Math.floor(v.test.seconds / 60), sec: v.test.seconds % 60, sim: v.test.minutes }),
				test_verdict: fill(v.test.pass ? L.pass : L.fail, { completed: v.test.completed, total: v.test.total, need: v.test.need, max: v.test.max, mistakes: v.test.mistakes.length })
			});
			$$('[data-s-slot]').forEach(e => {
				var val = slots[attr(e, 'data-s-slot')];
				val = val == null ? '' : String(val);
				if (e.textContent !== val) e.textContent = val;
			});

			['inbox', 'phone'].forEach(p => {
				var box = $('#sbx-' + p);
				if (box) hide(box, !v.ui[p]);
				$$('[data-s-arg="' + p + '"]').forEach(b => { setAttr(b, 'aria-expanded', String(!!v.ui[p])); });
			});
			$$('[data-s-mode]').forEach(i => { i.checked = i.value === v.mode; });
			var cert = $('.sbx-cert'), ses = $('[data-s-cert="session"]');
			if (cert && !v.test.pass) showCert(cert, false);
			if (ses && !ses.value && state.session) ses.value = state.session;
			var sc = $('[data-s-scenario]'), g = $('[data-s-guide]'), a = $('[data-s-guide-link]');
			if (sc && (o.clear || o.initial)) sc.value = v.scenario;
			if (g) hide(g, !v.guideStep);
			if (a && v.guideStep) { a.textContent = v.guideStep.title; a.setAttribute('href', v.guideStep.url); }

			var screenEl = $('[data-s-screen="' + v.screen + '"]');
			// the first render builds the lists of the screen on show; the others (side panels,
			// Trainer panel) follow in a task of their own, so the page answers sooner
			only = o.initial && screenEl && !v.errors.length ? screenEl : null;
			renderLists(v);
			if (only) { only = null; later(() => { renderLists(F.view(state, cfg)); }, 0); }
			renderCaptcha(v.captcha);
			renderQr(v.qr || '');

			// prefill after a reload or a jump; "Fill in the example person"
			if (screenEl && (o.initial || o.clear) && v.prefill) setValues(screenEl, v.prefill, false);
			if (screenEl && v.fill) setValues(screenEl, v.fill, false);
			// a password never stays in a field that is not on screen
			$$('input[type="password"]').forEach(i => { if (i.value && (!shown(i) || i.id === 'sbx-app-pin' && ph.error)) i.value = ''; });

			var er = renderErrors(v, screenEl), note = $('[data-s-notice]');
			if (note) {
				var txt = v.notice ? v.notice.text : '';
				if (note.textContent !== txt) note.textContent = txt;
				setAttr(note, 'class', 'sbx-notice' + (v.notice ? ' sbx-' + v.notice.kind : ''));
				// in the mock screen (English), a method's explanation is guidance in the page's language
				if (v.notice && v.notice.guide) note.setAttribute('lang', doc.documentElement.lang); else note.removeAttribute('lang');
			}

			// focus and announcements
			var news = [], mail = state.inbox.length, phone = state.sms.length + (ph.pending ? 1 : 0);
			var fromPhone = o.source && o.source.closest('#sbx-phone');
			if (!o.initial && !o.clear) {
				if (mail > counts.mail && !v.ui.inbox) news.push(L.new_mail);
				if (phone > counts.phone && !v.ui.phone) news.push(L.new_phone);
			}
			counts.mail = mail; counts.phone = phone;
			if (!o.initial) {
				var opened = o.panel && $('#sbx-' + o.panel), ph3 = $('#sbx-phone');
				// a panel that opens gets the focus on its first control; one that closes gives it back
				if (opened && v.ui[o.panel]) firstControl(opened).focus();
				else if (opened) { var tb = $('.sbx-devbar [data-s-arg="' + o.panel + '"]'); if (tb) tb.focus(); }
				else if (v.errors.length && er.first && !(fromPhone && !screenChanged)) { er.first.focus(); news.unshift(v.errors.map(e => e.msg).join(' ')); }
				else if (fromPhone && !screenChanged && !shown(o.source) && ph3 && shown(ph3)) firstControl(ph3).focus();
				else if (v.errors.length && !screenChanged) news.unshift(er.loose.join(' '));
				else if ((screenChanged || stepChanged || o.focus) && screenEl && !o.keep) {
					if (v.errors.length) news.push(er.loose.join(' '));
					var ft = $$('[data-s-step-focus]', screenEl).filter(shown)[0] || $('h2', screenEl);
					if (ft) ft.focus();
					if (screenChanged) news.unshift(L.screen_prefix + ' ' + v.title + '.');
				}
			}
			announce(news.join(' '));
			if (flags['test-done'] && pv && !pv.test.done) { var res = $('.sbx-result'); if (res) res.focus(); }
			if (v.mode !== (pv || {}).mode && pv) announce(fill(L.mode_now, { mode: (($('[data-s-mode][value="' + v.mode + '"]') || {}).parentNode || {}).textContent + ' ' + ($('#sbx-mode-' + v.mode) || {}).textContent }));

			// route and title; at the start in a task of their own (setting the address costs
			// Chromium up to some 15 ms), unless the learner has moved on by then
			var title = v.title + ' \u2013 ' + doc.title.split(' \u2013 ').slice(-3).join(' \u2013 '), now = state;
			var address = () => {
				route(v.screen, screenChanged && !o.initial && !o.fromHash);
				doc.title = title;
			};
			if (o.initial) later(() => { if (state === now) address(); }, 0);
			else address();
		}

		function route(screen, push) {
			var r = F.formatRoute(screen);
			if (win.location.hash === r) return;
			try {
				if (push) win.history.pushState(null, '', r);
				else win.history.replaceState(null, '', r);
			} catch (e) { /* some file:// contexts */ }
		}

		function firstControl(box) {
			return $$('summary,button,a[href],input,select,textarea', box).filter(shown)[0] || $('[tabindex="-1"]', box) || box;
		}

		function reset() {
			try { win.sessionStorage.removeItem(key); } catch (e) { /* storage off */ }
			return dispatch({ type: 'reset', seed: seed() }, { clear: true, focus: true });
		}

		// --- start

		on(root, 'click', onClick);
		on(root, 'change', onChange);
		on(root, 'input', onInput);
		on(root, 'keydown', onKey);
		on(win, 'hashchange', onHash);
		on(win, 'popstate', onHash);
		var dlg = $('[data-s-dialog]'), tr = $('[data-s-trainer]'), tkey = key + ':trainer';
		if (dlg) on(dlg, 'close', onClose);
		// the Trainer panel stays open across reloads
		if (tr) {
			try { tr.open = win.sessionStorage.getItem(tkey) === '1'; } catch (e) { /* storage off */ }
			on(tr, 'toggle', () => { try { win.sessionStorage.setItem(tkey, tr.open ? '1' : '0'); } catch (e) { /* storage off */ } });
		}
		// the simulated clock moves on by itself (faster while a request waits)
		every(() => {
			if (choices) return;
			var p = F.pace(state, cfg);
			if (++since >= p.seconds) { since = 0; dispatch({ type: 'tick', minutes: p.minutes, auto: true }, { keep: true }); }
		}, 1000);

		var r0 = F.parseRoute(win.location.hash), saved = load(), ask0 = r0.scenario && F.hasProgress(saved);
		state = r0.scenario && !ask0 ? F.initialState(cfg, r0.scenario, { seed: seed(), mode: saved && saved.mode !== 'test' ? saved.mode : '' }) : saved || F.initialState(cfg, 'new-user', { seed: seed() });
		if (r0.screen && r0.screen !== state.screen && !ask0) state = F.transition(state, { type: 'go', screen: r0.screen, deep: true }, cfg);
		store();
		// the first render runs in a task of its own (the browser can paint the page in between),
		// the rest in short tasks after it
		later(() => {
			render(null, { initial: true });
			if (ask0) deepLink(r0);
		}, 0);
		// kept out of the page's HTML (its size budget): no autofill and no password manager on
		// any field; the headings that take the focus when a screen or step changes
		later(() => {
			$$('input,textarea').forEach(f => {
				if (!f.hasAttribute('autocomplete')) f.setAttribute('autocomplete', 'off');
				if (f.type === 'password') ['data-lpignore', 'data-1p-ignore', 'data-bwignore'].forEach(a => { f.setAttribute(a, 'true'); });
			});
			$$('[data-s-screen]>h2,[data-s-step-focus]').forEach(h => { h.tabIndex = -1; });
		}, 0);

		return {
			dispatch: dispatch, reset: reset,
			getState: () => state,
			destroy: () => { offs.forEach(f => { f(); }); offs = []; var d = $('[data-s-dialog]'); if (d && d.open) d.close(); }
		};
	}

	w.ErnSandbox = { createSandbox: createSandbox };
	var d = w.document, data = d && d.getElementById('sbx-data'), rootEl = d && d.querySelector('[data-s-root]');
	if (data && rootEl && F) w.ernSandbox = createSandbox(rootEl, JSON.parse(data.textContent));
})(window);
