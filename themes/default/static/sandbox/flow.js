//# allFunctionsCalledOnLoad
/* ernguide practice sandbox: the flow logic, pure (no DOM, no globals changed).
 * initialState(config, scenario?, {seed, mode}?) -> state; transition(state, event, config) -> new
 * state (input unchanged); view(state, config) -> what the screens show. config = the page's sandbox
 * data (all texts come from themes/default/data/sandbox.yaml, or a site's content/data/sandbox.yaml). s = state (JSON, in sessionStorage),
 * c = compiled config, v = form values, a = action argument. Passwords/PINs are kept as hashes only.
 * Classic script (window.ErnSandboxFlow) and CommonJS module, so it works from file://. */
((root, factory) => {
	var api = factory();
	if (typeof module === 'object' && module.exports) {
		// in Node (the unit tests) with both systems' parts
		module.exports = api;
		require('./flow-saas.js');
		require('./flow-cpms2.js');
	} else root.ErnSandboxFlow = api;
})(typeof self !== 'undefined' ? self : this, () => {
	'use strict';

	var CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789', DIGITS = '0123456789';
	var GROUPS = { upper: /[A-Z]/, lower: /[a-z]/, digit: /[0-9]/, special: /[^A-Za-z0-9\s]/ };

	// --- helpers

	function clone(x) { return JSON.parse(JSON.stringify(x)); }
	function str(x) { return x == null ? '' : String(x); }
	function trim(x) { return str(x).trim(); }
	function arr(x) { return Array.isArray(x) ? x : x == null || x === '' || x === false ? [] : [x]; }
	function find(l, f) { for (var i = 0; i < l.length; i++) if (f(l[i])) return l[i]; return null; }
	function extend(o, x) { for (var k in x || {}) if (Object.prototype.hasOwnProperty.call(x, k)) o[k] = x[k]; return o; }
	function name(a) { return a && a.first ? a.first + ' ' + a.last : ''; }

	// FNV-1a: a typed password or PIN is never kept in clear.
	function hash(t) {
		var h = 0x811c9dc5;
		t = str(t);
		for (var i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0;
		return ('0000000' + h.toString(16)).slice(-8);
	}
	// mulberry32, its seed kept in the state: the flow stays deterministic.
	function rnd(s) {
		var t = (s.seed = (s.seed + 0x6D2B79F5) | 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	function pick(s, chars) { return chars.charAt(Math.floor(rnd(s) * chars.length)); }
	function code(s, n, chars) { for (var o = ''; o.length < n;) o += pick(s, chars || CHARS); return o; }
	// codes are compared without case, spaces or dashes
	function norm(x) { return str(x).replace(/[\s-]+/g, '').toUpperCase(); }
	function fill(t, o) { return str(t).replace(/\{(\w+)\}/g, (m, k) => o && o[k] != null ? String(o[k]) : m); }

	function isDate(d) { return /^\d{4}-\d{2}-\d{2}$/.test(str(d)); }
	function day(d) { return d == null || d === '' ? null : str(d).slice(0, 10); }
	// a dated item (method, banner) is current when from <= as_of <= until
	function current(from, until, asOf) {
		from = day(from); until = day(until);
		if (!isDate(asOf)) return !until;
		return (!from || from <= asOf) && (!until || asOf <= until);
	}
	function isEmail(x) { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trim(x)); }
	// a practice address is at a domain reserved for examples (RFC 2606): never a real mailbox
	function isPracticeEmail(x, domains) {
		var d = trim(x).toLowerCase().split('@')[1] || '';
		return arr(domains).some(k => d === k || (k.charAt(0) === '.' && d.slice(-k.length) === k));
	}
	// international format: +, country code, digits (spaces allowed)
	function isInternationalPhone(x) { return /^\+[1-9][0-9\x20]{6,18}$/.test(trim(x)) && trim(x).replace(/\D/g, '').length >= 8; }
	// a phone number is kept masked, with a hash to compare: never in clear
	function phone(x) { var n = trim(x).replace(/\s+/g, ''); return n ? n.slice(0, 3) + ' \u2026 ' + n.slice(-2) + ' #' + hash(n) : ''; }
	function shown(n) { return str(n).split(' #')[0]; }
	function isPin(x) { return /^[0-9]{4}$/.test(str(x)); }

	// --- config

	var cache = typeof WeakMap === 'function' ? new WeakMap() : null;

	function compile(raw) {
		if (raw && raw.__compiled) return raw;
		if (cache && raw && cache.has(raw)) return cache.get(raw);
		raw = raw || {};
		var d = raw.data || {}, sb = d.sandbox || {}, net = raw.network || {}, eul = d.eu_login || {};
		var asOf = day(raw.as_of) || '', system = (raw.guide || {}).system === 'cpms2' ? 'cpms2' : 'saas';
		var methods = (eul.methods || []).map(m => {
			var b = (sb.methods || {})[m.id] || {};
			return { id: m.id, label: m.label, description: m.description || '', kind: b.kind || 'explain', text: b.text || '',
				list: b.list !== false, offered: current(m.available_from, m.available_until, asOf) };
		});
		var rules = eul.password_rules || {}, variants = rules.variants || [], rid = sb.password_variant || rules.shown;
		var rule = extend({}, find(variants, x => x.id === rid) || variants[0] || { min_length: 8, min_groups: 3, forbid_username: true });
		// the EU Login screen states the username rule (seeds 000, 002): shown and enforced whatever the variant
		var ur = sb.username_rule || '', texts = [rule.text || ''];
		if (ur) { rule.forbid_username = true; if (!/username/i.test(rule.text || '')) texts.unshift(ur); }
		var profiles = (net.profiles || []).map(p => {
			var n = typeof p === 'string' ? p : p.name;
			var b = find(d.profiles || [], x => x.name === n) || {};
			return { name: n, description: b.description || '', status: typeof p === 'object' && p.status != null ? p.status : b.status || '' };
		});
		var sms = methods.some(m => m.kind === 'sms' && m.offered);
		var sys = (sb.systems || {})[system] || {};
		var institutions = [];
		(net.countries || []).forEach(k => {
			(k.institutions || []).forEach(i => { institutions.push({ code: i.code, name: i.name, country: k.name }); });
		});
		var c = {
			__compiled: true, sb: sb, d: d, asOf: asOf, system: system, network: net, methods: methods, profiles: profiles,
			smsOffered: sms, institutions: institutions, labels: raw.labels || sb.labels || {}, sample: sb.sample || {}, clock: sb.clock || {}, steps: raw.steps || [],
			start: sys.start || (system === 'cpms2' ? 'cpms2-home' : 'cpms-login'),
			rule: rule, ruleTexts: texts.filter(x => x),
			ern: find(d.erns || [], e => e.code === net.ern) || { code: net.ern || '', name: '' },
			milestones: (((sb.networks || {})[net.id] || {}).milestones || sys.milestones || ['account', 'password', 'device', 'request', 'approved'])
				.filter(m => !(m === 'phone' && !sms) && !(m === 'preferences' && system !== 'saas'))
		};
		if (cache && typeof raw === 'object') cache.set(raw, c);
		return c;
	}

	function def(c, id) { return (c.sb.screens || {})[id] || null; }
	function allowed(c, id) {
		var d = def(c, id);
		return !!d && !(d.systems && d.systems.indexOf(c.system) < 0) && usable(c, d);
	}
	function scenarios(c) { return c.sb.scenarios || []; }
	function linkMin(c) { return c.clock.link_minutes != null ? c.clock.link_minutes : 5; }
	function approvalMin(c) { return c.clock.approval_minutes != null ? c.clock.approval_minutes : 1440; }
	function target(c, t) { return (c.sb.targets || {})[t] || {}; }
	function method(c, id) { return find(c.methods, m => m.id === id); }
	function isOffered(c, id) { var m = method(c, id); return !!(m && m.offered); }
	function banners(c, screen) {
		return (c.sb.banners || []).filter(b => (!b.screens || b.screens.indexOf(screen) >= 0) && current(b.from, b.until, c.asOf));
	}

	function vars(s, c, x) {
		var a = s.account || {}, p = c.sample, n = c.network, dev = s.deviceQr || s.devices[s.devices.length - 1];
		return extend({
			name: name(a) || p.first_name + ' ' + p.last_name, first_name: a.first || p.first_name, email: a.email || p.email,
			username: a.username || p.username, network: n.name || c.ern.code, ern: c.ern.code, ern_name: c.ern.name,
			helpdesk: (n.helpdesk || {}).name || '', helpdesk_email: (n.helpdesk || {}).email || '', approval_time: n.approval_time || '',
			// a network may publish no helpdesk: then its coordinator, never an invented address
			helpdesk_contact: n.helpdesk ? n.helpdesk.name + (n.helpdesk.email ? ' (' + n.helpdesk.email + ')' : '') : fill((c.sb.messages || {}).helpdesk_unknown, { network: n.name || c.ern.code }),
			minutes: linkMin(c), number: p.phone, device: dev ? dev.name : p.device, guest: (n.guest_access || {}).code || '0000',
			comment_hint: (n.wording || {}).comment_hint || '', sample_password: p.password, sample_pin: p.pin
		}, x);
	}
	function msg(s, c, k, x) { var t = (c.sb.messages || {})[k]; return fill(t == null ? k : t, vars(s, c, x)); }

	// --- validators -> [{field, code, params}]

	function groups(pw) { var n = 0; for (var g in GROUPS) if (GROUPS[g].test(pw)) n++; return n; }

	function checkPassword(pw, confirm, username, rule) {
		var e = [], f = 'password';
		pw = str(pw); rule = rule || {};
		if (!pw) e.push({ field: f, code: 'required' });
		else {
			var min = rule.min_length || 0, g = rule.min_groups || 0;
			if (pw.length < min) e.push({ field: f, code: 'pw_short', params: { min: min } });
			if (rule.max_length && pw.length > rule.max_length) e.push({ field: f, code: 'pw_long', params: { max: rule.max_length } });
			var missing = (rule.required_groups || []).some(k => GROUPS[k] && !GROUPS[k].test(pw));
			if (groups(pw) < g || missing) e.push({ field: f, code: g >= 4 || missing ? 'pw_groups_all' : 'pw_groups', params: { groups: g } });
			if (rule.forbid_username && username && pw.toLowerCase().indexOf(str(username).toLowerCase()) >= 0) {
				e.push({ field: f, code: 'pw_username', params: { username: username } });
			}
		}
		if (!str(confirm)) e.push({ field: 'confirm', code: 'required' });
		else if (pw && str(confirm) !== pw) e.push({ field: 'confirm', code: 'pw_mismatch' });
		return e;
	}

	function need(e, v, fields, k) { fields.forEach(f => { if (!arr(v[f]).length || !trim(arr(v[f]).join(''))) e.push({ field: f, code: k || 'required' }); }); }

	function checkCreateAccount(v, captcha, domains) {
		var e = [];
		need(e, v, ['first_name', 'last_name', 'email', 'email_confirm']);
		if (trim(v.email) && !isEmail(v.email)) e.push({ field: 'email', code: 'email_invalid' });
		else if (trim(v.email) && domains && !isPracticeEmail(v.email, domains)) e.push({ field: 'email', code: 'email_real' });
		else if (trim(v.email) && trim(v.email_confirm) && trim(v.email).toLowerCase() !== trim(v.email_confirm).toLowerCase()) {
			e.push({ field: 'email_confirm', code: 'email_mismatch' });
		}
		if (!trim(v.code)) e.push({ field: 'code', code: 'required' });
		else if (norm(v.code) !== norm(captcha)) e.push({ field: 'code', code: 'captcha' });
		if (!v.privacy) e.push({ field: 'privacy', code: 'privacy' });
		return e;
	}

	function checkDevice(v) {
		var e = [];
		need(e, v, ['name']);
		if (!str(v.pin)) e.push({ field: 'pin', code: 'required' });
		else if (!isPin(v.pin)) e.push({ field: 'pin', code: 'pin_format' });
		if (!str(v.pin_confirm)) e.push({ field: 'pin_confirm', code: 'required' });
		else if (isPin(v.pin) && str(v.pin_confirm) !== str(v.pin)) e.push({ field: 'pin_confirm', code: 'pin_mismatch' });
		return e;
	}

	// --- state

	function emptyState(c, seed) {
		var s = {
			v: 2, scenario: 'new-user', screen: c.start, clock: 0, seed: (seed == null ? 20251122 : seed) | 0, mode: 'guided',
			account: null, captcha: '', created: false, links: [], inbox: [], sms: [], phones: [], challenge: null,
			devices: [], deviceQr: null, app: { step: 'idle', otp: '', error: '' }, auth: null,
			signin: { step: 'email', email: '', target: 'eulogin', method: '', phone: '', sms: '', qr: '' },
			pw: { state: 'none', token: '', samples: [] },
			saas: { app: '', path: [], search: '', perPage: (c.sb.saas || {}).default_records_per_page || 25, page: 1, org: null, profiles: [], comment: '', request: null },
			prefs: null, c2: { member: '', p1: null, p2: null, request: null }, ui: { inbox: false, phone: false },
			errors: [], notice: null, fill: null, mistakes: [], actions: 0, test: null, undo: null, session: '', devForm: false, explain: '', n: 0
		};
		s.captcha = code(s, 5);
		s.pw.samples = samples(s, c);
		return s;
	}

	function initialState(config, id, o) {
		var c = compile(config), s = emptyState(c, o && o.seed);
		var sc = find(scenarios(c), x => x.id === id) || find(scenarios(c), x => x.id === 'new-user');
		if (sc) {
			s.scenario = sc.id;
			(sc.facts || []).forEach(f => { fact(s, c, f); });
			var to = sc.screen && (typeof sc.screen === 'string' ? sc.screen : sc.screen[c.system]);
			if (to && allowed(c, to)) enter(s, c, to);
		}
		if (o && o.mode) s.mode = mode(o.mode);
		s.errors = []; s.notice = null; s.mistakes = []; s.actions = 0;
		return s;
	}
	function mode(m) { return m === 'free' ? 'practice' : /^(guided|practice|test)$/.test(m) ? m : 'guided'; }
	// the learner's own work: anything done beyond opening a scenario
	function hasProgress(s) { return !!s && s.actions > 0;
	}

	function username(first, last) {
		var l = x => str(x).toLowerCase().replace(/[^a-z]/g, '');
		return 'n00' + (l(last) + 'xx').slice(0, 2) + (l(first) + 'xxx').slice(0, 3);
	}

	function mail(s, kind, x) { s.n++; s.inbox.push(extend({ id: 'm' + s.n, kind: kind, at: s.clock, read: false }, x)); }
	function text(s, t) { s.n++; s.sms.push({ id: 's' + s.n, at: s.clock, text: t, read: false }); }

	function sendLink(s, kind) {
		s.links.forEach(l => { l.replaced = true; });
		var token = code(s, 10);
		s.links.push({ token: token, kind: kind, at: s.clock, used: false, replaced: false });
		mail(s, kind, { token: token });
	}

	function makeAccount(s, c, v) {
		s.account = { first: trim(v.first_name), last: trim(v.last_name), email: trim(v.email).toLowerCase(), lang: str(v.lang),
			username: username(v.first_name, v.last_name), pw: '', active: false, sample: !!v.sample };
		sendLink(s, 'confirm');
	}

	function activate(s, pw) {
		s.account.pw = pw;
		s.account.active = true;
		s.links.forEach(l => { l.used = true; });
		s.signin.email = s.account.email;
		if (s.signin.step === 'email') s.signin.step = 'password';
	}

	function samples(s, c) {
		var r = c.rule || {}, len = Math.max(r.min_length || 8, 8), g = Math.min(4, Math.max(r.min_groups || 3, 3)), out = [];
		var sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%&()*+-./:;<=>?@_'];
		for (var k = 0; k < 3; k++) {
			var ch = [], all = sets.slice(0, g).join('');
			for (var i = 0; i < g; i++) ch.push(pick(s, sets[i]));
			while (ch.length < len) ch.push(pick(s, all));
			for (i = ch.length - 1; i > 0; i--) { var j = Math.floor(rnd(s) * (i + 1)), t = ch[i]; ch[i] = ch[j]; ch[j] = t; }
			out.push(ch.join(''));
		}
		return out;
	}

	function level(s) { return ['ern', 'country', 'institution'][Math.min(s.saas.path.length, 2)]; }
	function hasDevice(s) { return s.devices.some(d => d.initialised); }
	function request(s, c) { return c.system === 'cpms2' ? s.c2.request : s.saas.request; }
	function submit(s, c) { (part(c).submit || (() => {}))(s, c); }

	function decide(s, c, status) {
		var r = request(s, c);
		if (!r || r.status !== 'pending') return false;
		r.status = status;
		r.decidedAt = s.clock;
		mail(s, (c.system === 'cpms2' ? 'c2_' : '') + status);
		// a decision takes days: the EU Login session has ended, so CPMS asks to log in again (seed 002)
		s.auth = null;
		if (s.signin.step === 'done') s.signin.step = s.signin.email ? 'password' : 'email';
		note(s, c, status, status === 'approved' ? 'success' : 'warning');
		return true;
	}

	function challenge(s, c, number) {
		var k = code(s, 3, DIGITS) + '-' + code(s, 3, DIGITS);
		s.challenge = { number: number, code: k };
		text(s, fill((c.sb.phone || {}).sms_add, { code: k }));
	}

	// Facts: what scenarios and deep links put in place (sandbox.yaml `facts` and `ensure`).
	function fact(s, c, f) {
		var p = c.sample;
		switch (f) {
			case 'account':
				if (!s.account) makeAccount(s, c, { first_name: p.first_name, last_name: p.last_name, email: p.email, sample: true });
				break;
			case 'link':
				fact(s, c, 'account');
				var l = s.links[s.links.length - 1];
				if (!l || l.used || l.replaced || s.clock - l.at > linkMin(c)) sendLink(s, s.account.active ? 'reset' : 'confirm');
				s.pw.state = 'set';
				s.pw.token = s.links[s.links.length - 1].token;
				break;
			case 'password':
				fact(s, c, 'account');
				if (!s.account.active) { activate(s, hash(p.password)); s.account.sample = true; }
				break;
			case 'signed_in':
				s.auth = s.auth || { level: 'password', method: 'password' };
				s.signin.step = 'done';
				break;
			case 'signed_in_mfa':
				s.auth = { level: 'mfa', method: 'mobile_app_pin' };
				s.signin.step = 'done';
				break;
			case 'phone':
				fact(s, c, 'password');
				if (c.smsOffered && !s.phones.length) s.phones.push({ number: phone(p.phone), verified: true });
				break;
			case 'challenge':
				if (!s.challenge) challenge(s, c, phone(p.phone));
				break;
			case 'device':
				fact(s, c, 'password');
				if (!hasDevice(s)) s.devices.push({ name: p.device, pin: hash(p.pin), initialised: true });
				break;
			case 'device_pending':
				s.deviceQr = s.deviceQr || { name: p.device, pin: hash(p.pin), sample: true };
				break;
			case 'request':
				fact(s, c, 'password');
				if (!request(s, c)) submit(s, c);
				break;
			case 'approved':
				fact(s, c, 'request');
				if (request(s, c).status !== 'approved') { request(s, c).status = 'pending'; decide(s, c, 'approved'); }
				break;
			default:
				if (part(c).fact) part(c).fact(s, c, f);
		}
	}

	// --- navigation

	function enter(s, c, screen) {
		s.screen = screen;
		if (screen === 'eul-create') s.created = false;
		if (screen === 'eul-signin' && s.signin.step === 'done' && !s.auth) s.signin.step = s.signin.email ? 'password' : 'email';
	}

	function go(s, c, screen, deep) {
		if (!allowed(c, screen)) screen = c.start;
		if (deep) {
			((def(c, screen) || {}).ensure || []).forEach(f => { fact(s, c, f); });
			if (screen === 'eul-signin') {
				if (s.auth) s.signin.step = 'done';
				else { s.signin.target = 'eulogin'; s.signin.step = s.signin.email ? 'password' : 'email'; }
			}
		}
		enter(s, c, screen);
	}

	function hasFactor(s, c) { return hasDevice(s) || (c.smsOffered && s.phones.some(p => p.verified)); }

	function startSignin(s, c, t) {
		if (s.auth && (!target(c, t).mfa || s.auth.level === 'mfa')) return finish(s, c, t, s.auth.level, s.auth.method);
		s.signin.target = t;
		s.signin.method = '';
		s.signin.step = s.signin.email && s.account ? 'password' : 'email';
		s.screen = 'eul-signin';
	}

	function finish(s, c, t, lvl, m) {
		s.auth = { level: lvl, method: m };
		s.signin.step = 'done';
		s.signin.target = t;
		if (s.app.step === 'auth-pin') s.app.step = 'idle';
		var r = s.saas.request, q = s.c2.request;
		if (t === 'cpms') {
			if (r && r.status === 'approved') s.screen = 'cpms-home';
			else { s.screen = 'cpms-login'; note(s, c, r && r.status === 'pending' ? 'request_pending' : 'not_authorised', 'warning'); }
		} else if (t === 'saas') s.screen = r ? 'saas-pending' : 'saas-app';
		else if (t === 'cpms2') s.screen = q ? (q.status === 'approved' ? 'cpms2-home' : q.status === 'pending' ? 'cpms2-submitted' : 'cpms2-signup-1') : 'cpms2-signup-1';
		else s.screen = t === 'device' ? 'eul-device-add' : 'eul-signin';
	}

	// --- errors and notices

	// errors of this action (transition() records them as one mistake)
	function errs(s, c, l) {
		l.forEach(e => { s.errors.push({ field: e.field, code: e.code, msg: msg(s, c, e.code, e.params) }); });
		return l.length > 0;
	}
	function E(s, c, f, k, p) { return errs(s, c, [{ field: f, code: k, params: p }]); }
	function note(s, c, k, kind, x) { s.notice = { kind: kind || 'info', code: k, text: msg(s, c, k, x) }; }
	// a method's own explanation is guidance (translated); `guide` says so to the page
	function explain(s, c, m) { s.notice = m && m.text ? { kind: 'info', text: m.text, guide: true } : { kind: 'info', text: msg(s, c, 'not_simulated') }; }
	function appErr(s, c, k) { s.app.error = msg(s, c, k); }
	function account(s, id) {
		id = trim(id).toLowerCase();
		return s.account && id && (s.account.email === id || s.account.username === id) ? s.account : null;
	}
	function methodsFor(s, c) {
		var mfa = !!target(c, s.signin.target).mfa;
		return c.methods.filter(m => m.offered && m.list && !(mfa && m.kind === 'password'));
	}
	function home(c) { return c.system === 'cpms2' ? 'cpms2-home' : 'cpms-login'; }
	function linkOf(s, token) { return find(s.links, x => x.token === token); }

	// --- the systems' own parts: flow-saas.js (SAAS request pages) and flow-cpms2.js (CPMS 2.0
	// sign-up), each added by the practice page of a guide on that system only (page budget):
	// { actions, submit(s, c), fact(s, c, f), slots(s, c), org(s, c), api }

	var SYSTEMS = {};
	function part(c) { return SYSTEMS[c.system] || {}; }
	function action(c, n) { return ACTIONS[n] || (part(c).actions || {})[n]; }

	// --- actions (s, c, v, a)

	var ACTIONS = {
		// bookmarks and the CPMS pages
		bookmark: (s, c, v, a) => {
			if (a === 'cpms') go(s, c, 'cpms-login');
			else if (a === 'cpms2') go(s, c, 'cpms2-home');
			else startSignin(s, c, a === 'saas' ? 'saas' : 'eulogin');
		},
		'cpms-login': (s, c) => { startSignin(s, c, 'cpms'); },
		'cpms-request': (s, c) => { startSignin(s, c, 'saas'); },
		'cpms2-login': (s, c) => { startSignin(s, c, 'cpms2'); },
		'create-link': (s, c) => { go(s, c, 'eul-create'); },
		'go-cpms': (s, c) => { go(s, c, home(c)); },
		'go-cpms2': (s, c) => { go(s, c, home(c)); },

		// EU Login: create an account
		'new-captcha': (s, c) => { s.captcha = code(s, 5); note(s, c, 'captcha_new'); },
		'privacy-statement': (s, c) => { note(s, c, 'privacy_statement'); },
		'help-external': (s, c) => { note(s, c, 'help_external'); },
		'fill-sample': (s, c) => {
			var p = c.sample;
			s.fill = { first_name: p.first_name, last_name: p.last_name, email: p.email, email_confirm: p.email };
		},
		'create-account': (s, c, v) => {
			if (errs(s, c, checkCreateAccount(v, s.captcha, c.sb.practice_email_domains))) {
				if (s.errors.some(e => e.code === 'captcha')) s.captcha = code(s, 5);
				return;
			}
			if (s.account && s.account.active && s.account.email === trim(v.email).toLowerCase()) return E(s, c, 'email', 'email_taken');
			makeAccount(s, c, v);
			s.created = true;
			s.pw.state = 'none';
			s.captcha = code(s, 5);
			note(s, c, 'account_created', 'success');
		},
		cancel: (s, c) => { go(s, c, c.start); },

		// the e-mail link and the New password page
		'open-link': (s, c, v, a) => {
			var m = find(s.inbox, x => x.id === a);
			if (!m) return;
			m.read = true;
			var l = linkOf(s, m.token);
			s.screen = 'eul-password';
			s.pw.token = m.token;
			if (!l) return;
			s.pw.state = 'expired';
			if (l.used || l.replaced) note(s, c, 'link_used', 'warning');
			else if (s.clock - l.at > linkMin(c)) E(s, c, 'link', 'link_expired');
			else s.pw.state = 'set';
		},
		'set-password': (s, c, v) => {
			var l = linkOf(s, s.pw.token);
			if (s.pw.state !== 'set' || !l || !s.account) { s.pw.state = 'expired'; return E(s, c, 'link', 'link_used'); }
			if (s.clock - l.at > linkMin(c)) { s.pw.state = 'expired'; return E(s, c, 'link', 'link_expired'); }
			if (errs(s, c, checkPassword(v.password, v.confirm, c.rule.forbid_username ? s.account.username : '', c.rule))) return;
			activate(s, hash(v.password));
			s.pw.state = 'done';
			s.signin.target = 'eulogin';
			note(s, c, 'password_set', 'success');
		},
		samples: (s, c) => { s.pw.samples = samples(s, c); },
		'request-link': (s, c, v) => {
			if (!trim(v.email)) return E(s, c, 'email', 'required');
			var a = account(s, v.email);
			if (!a) return E(s, c, 'email', 'unknown_email');
			sendLink(s, a.active ? 'reset' : 'confirm');
			s.pw.state = 'sent';
			note(s, c, 'link_sent', 'success');
		},
		proceed: (s, c) => { startSignin(s, c, 'eulogin'); },

		// sign in
		'signin-email': (s, c, v) => {
			var e = trim(v.email);
			if (!e) return E(s, c, 'email', 'required');
			if (!account(s, e)) return E(s, c, 'email', e.indexOf('@') > 0 && !isEmail(e) ? 'email_invalid' : 'unknown_email');
			s.signin.email = s.account.email;
			s.signin.step = 'password';
			s.signin.method = '';
		},
		'signin-different': s => { s.signin.step = 'email'; s.signin.email = ''; },
		'signin-create': (s, c) => { go(s, c, 'eul-create'); },
		eid: (s, c) => { explain(s, c, method(c, 'eid')); },
		method: (s, c, v) => { s.signin.method = str(v.value); },
		lost: s => { s.signin.step = 'lost'; },
		'lost-send': (s, c, v) => {
			var e = trim(v.lost_email), a = account(s, e);
			if (!e) return E(s, c, 'lost_email', 'required');
			if (a) sendLink(s, a.active ? 'reset' : 'confirm');
			s.signin.step = s.signin.email ? 'password' : 'email';
			note(s, c, 'reset_sent', 'success', { email: e });
		},
		'signin-back': s => { s.signin.step = s.signin.email ? 'password' : 'email'; },
		signin: (s, c, v) => {
			var a = s.account, id = str(v.method || s.signin.method), m = method(c, id), t = s.signin.target, need = target(c, t), e = [];
			s.signin.method = id;
			if (!str(v.password)) e.push({ field: 'password', code: 'required' });
			if (!id) e.push({ field: 'method', code: 'choose_method' });
			else if (!m || methodsFor(s, c).indexOf(m) < 0) e.push({ field: 'method', code: m && !m.offered ? 'sms_retired' : 'method_unavailable' });
			if (errs(s, c, e)) return;
			if (m.kind === 'explain') return explain(s, c, m);
			if (!a || a.email !== s.signin.email) { s.signin.step = 'email'; return E(s, c, 'email', 'unknown_email'); }
			if (!a.active) return E(s, c, 'password', 'not_activated');
			if (hash(v.password) !== a.pw) return E(s, c, 'password', 'wrong_password');
			if (m.kind === 'password') return need.mfa ? E(s, c, 'method', 'mfa_needed', { target: need.requires || t }) : finish(s, c, t, 'password', id);
			if (m.kind === 'app-pin' || m.kind === 'app-qr') {
				if (!hasDevice(s)) return E(s, c, 'method', t === 'eulogin' ? 'no_device' : 'mfa_needed', { target: c.network.name });
				s.app.error = '';
				if (m.kind === 'app-pin') { s.signin.step = 'wait-app'; s.app.step = 'auth-pin'; note(s, c, 'app_wait'); }
				else { s.signin.step = 'qr'; s.signin.qr = code(s, 8, DIGITS); s.app.step = 'idle'; }
				return;
			}
			if (m.kind === 'sms') {
				var num = phone(v.phone);
				if (!num) return E(s, c, 'phone', 'required');
				if (!isInternationalPhone(v.phone)) return E(s, c, 'phone', 'phone_format');
				if (!s.phones.some(p => p.verified && p.number === num)) return E(s, c, 'phone', 'no_phone');
				s.signin.sms = code(s, 3) + '-' + code(s, 3) + '-' + code(s, 3);
				s.signin.phone = num;
				s.signin.step = 'sms';
				text(s, fill((c.sb.phone || {}).sms_signin, { code: s.signin.sms }));
			}
		},
		'signin-sms': (s, c, v) => {
			if (!trim(v.code)) return E(s, c, 'code', 'required');
			if (!c.smsOffered) return E(s, c, 'code', 'sms_retired');
			if (norm(v.code) !== norm(s.signin.sms)) return E(s, c, 'code', 'sms_code');
			finish(s, c, s.signin.target, 'mfa', 'sms');
		},
		'signin-qr': (s, c, v) => {
			if (!trim(v.qr)) return E(s, c, 'qr', 'required');
			if (!s.signin.qr || norm(v.qr) !== norm(s.signin.qr)) return E(s, c, 'qr', 'qr_code');
			s.app.step = 'idle';
			finish(s, c, s.signin.target, 'mfa', 'mobile_app_qr');
		},
		'signin-cancel': (s, c) => {
			var t = s.signin.target;
			s.app.step = 'idle';
			s.signin.step = s.signin.email ? 'password' : 'email';
			if (t === 'device') go(s, c, 'eul-myaccount');
			else if (t !== 'eulogin') go(s, c, home(c));
		},

		// account menu and My Account
		myaccount: (s, c) => { if (s.auth) go(s, c, 'eul-myaccount'); else startSignin(s, c, 'eulogin'); },
		logout: (s, c) => {
			s.auth = null;
			s.signin.step = s.signin.email ? 'password' : 'email';
			s.signin.target = 'eulogin';
			s.screen = 'eul-signin';
			note(s, c, 'signed_out');
		},
		'manage-phones': (s, c) => { go(s, c, 'eul-phone-add'); },
		// managing factors asks for one of the factors already configured, if any
		'manage-devices': (s, c) => {
			s.devForm = false;
			if (!hasFactor(s, c) || (s.auth && s.auth.level === 'mfa')) return go(s, c, 'eul-device-add');
			s.signin.target = 'device';
			s.signin.method = '';
			s.signin.step = 'password';
			s.screen = 'eul-signin';
		},
		'manage-keys': (s, c) => { explain(s, c, method(c, 'security_key')); },
		'back-myaccount': (s, c) => { s.challenge = null; go(s, c, 'eul-myaccount'); },

		// mobile phone number (SMS)
		'phone-add': (s, c, v) => {
			var num = phone(v.number);
			if (!c.smsOffered) return E(s, c, 'number', 'sms_retired');
			if (!num) return E(s, c, 'number', 'required');
			if (!isInternationalPhone(v.number)) return E(s, c, 'number', 'phone_format');
			if (s.phones.some(p => p.number === num)) return E(s, c, 'number', 'phone_duplicate');
			challenge(s, c, num);
			s.screen = 'eul-phone-challenge';
		},
		'phone-finalise': (s, c, v) => {
			if (!s.challenge) return go(s, c, 'eul-phone-add');
			if (!trim(v.code)) return E(s, c, 'code', 'required');
			if (norm(v.code) !== norm(s.challenge.code)) return E(s, c, 'code', 'sms_code');
			s.phones.push({ number: s.challenge.number, verified: true });
			s.challenge = null;
			s.screen = 'eul-myaccount';
			note(s, c, 'phone_added', 'success');
		},

		// mobile device and the EU Login app on the Phone
		'device-new': s => { s.devForm = true; },
		'cpms-prefs': (s, c) => { go(s, c, s.auth ? 'cpms-preferences' : 'cpms-login'); },
		'device-add': (s, c, v) => {
			if (errs(s, c, checkDevice(v))) return;
			s.deviceQr = { name: trim(v.name), pin: hash(v.pin) };
			s.app.error = '';
			s.screen = 'eul-device-qr';
		},
		'device-cancel': (s, c) => { s.deviceQr = null; s.app.step = 'idle'; go(s, c, 'eul-myaccount'); },
		'app-initialise': (s, c) => {
			s.app.error = '';
			if (s.screen !== 'eul-device-qr' || !s.deviceQr) return appErr(s, c, 'no_qr');
			s.app.step = 'init-pin';
		},
		'app-scan': (s, c) => {
			s.app.error = '';
			if (!hasDevice(s)) return appErr(s, c, 'no_device');
			if (s.screen !== 'eul-signin' || s.signin.step !== 'qr') return appErr(s, c, 'no_qr');
			s.app.step = 'otp';
			s.app.otp = s.signin.qr;
		},
		'app-pin': (s, c, v) => {
			var pin = str(v.pin), q = s.deviceQr;
			s.app.error = '';
			if (!isPin(pin)) return appErr(s, c, 'pin_format');
			if (s.app.step === 'init-pin' && q) {
				if (hash(pin) !== q.pin) return appErr(s, c, 'pin_wrong');
				s.devices.push({ name: q.name, pin: q.pin, initialised: true });
				note(s, c, 'device_added', 'success', { device: q.name });
				s.deviceQr = null;
				s.app.step = 'done-init';
				s.screen = 'eul-myaccount';
			} else if (s.app.step === 'auth-pin') {
				if (!find(s.devices, d => d.initialised && d.pin === hash(pin))) return appErr(s, c, 'pin_wrong');
				s.notice = null;
				finish(s, c, s.signin.target, 'mfa', 'mobile_app_pin');
				s.app.step = 'done-auth';
			} else appErr(s, c, 'no_request');
		},
		'app-cancel': s => { s.app.step = 'idle'; s.app.error = ''; },

		// CPMS ERN Preferences
		'prefs-save': (s, c, v) => {
			var e = [];
			if (!trim(v.role)) e.push({ field: 'role', code: 'prefs_role' });
			if (!arr(v.areas).length) e.push({ field: 'areas', code: 'prefs_areas' });
			// "None" and a thematic area contradict each other
			else if (arr(v.areas).length > 1 && arr(v.areas).indexOf(c.sb.none_area || 'None') >= 0) e.push({ field: 'areas', code: 'prefs_none_and_area' });
			if (errs(s, c, e)) return;
			s.prefs = { role: trim(v.role), areas: arr(v.areas), specialist: trim(v.specialist) };
			note(s, c, 'prefs_saved', 'success');
		},

		// the Inbox and Phone panels
		panel: (s, c, v, a) => {
			s.ui[a] = !s.ui[a];
			if (s.ui[a]) (a === 'inbox' ? s.inbox : a === 'phone' ? s.sms : []).forEach(m => { m.read = true; });
		}
	};
	// actions that keep the messages on screen (they act beside it)
	var QUIET = /^(app-|org-|panel$|method$|c2-member$|privacy-statement$|help-external$|comment-draft$)/;

	// --- transition

	// events a trainer uses: refused during a test (they would fake its result)
	var TRAINER = /^(scenario|approve|reject|session)$/;

	function transition(state, ev, config) {
		var c = compile(config), s, prev = state ? clone(state) : null;
		ev = ev || {};
		if (prev) prev.undo = null;
		if (state && state.mode === 'test' && state.test && !state.test.end &&
			(TRAINER.test(ev.type) || ev.type === 'tick' && !ev.auto || ev.type === 'go' && ev.deep)) {
			s = clone(state);
			note(s, c, 'test_locked', 'warning');
			return s;
		}
		if (ev.type === 'reset' || ev.type === 'scenario' || ev.type === 'mode' && mode(ev.mode) === 'test') {
			var test = ev.type === 'mode';
			s = initialState(c, ev.type === 'scenario' ? ev.scenario : 'new-user',
				{ seed: ev.seed != null ? ev.seed : state ? state.seed + 7 : undefined, mode: test ? 'test' : state && state.mode });
			if (ev.screen && allowed(c, ev.screen)) go(s, c, ev.screen, true);
			if (test) s.test = { start: +ev.now || 0, end: 0 };
			if (state) s.session = state.session || '';
			// destructive: the previous state can be brought back once
			if (hasProgress(prev)) s.undo = prev;
			return s;
		}
		if (ev.type === 'undo') return state && state.undo ? clone(state.undo) : clone(state);
		s = clone(state || initialState(c));
		s.fill = null;
		if (ev.type === 'go') { s.errors = []; s.notice = null; go(s, c, ev.screen, !!ev.deep); if (ev.deep && hasProgress(prev)) s.undo = prev; }
		else if (ev.type === 'action' && action(c, ev.name)) {
			var quiet = QUIET.test(ev.name), expected = hint(s, c), before = s.app.error, from = s.screen;
			if (!quiet) { s.errors = []; s.notice = null; s.explain = ''; } else if (/^org-/.test(ev.name)) s.errors = [];
			if (!/^(panel|comment-draft)$/.test(ev.name)) { s.actions++; s.undo = null; }
			action(c, ev.name)(s, c, ev.values || {}, ev.arg);
			// one wrong action is one mistake, with what was expected
			var wrong = s.errors.map(e => e.msg);
			if (s.app.error && s.app.error !== before) wrong.push(s.app.error);
			if (wrong.length) {
				s.mistakes.push({ screen: /^app-/.test(ev.name) ? 'phone' : from, msg: wrong.join(' '), expected: expected, at: s.clock });
				if (s.mistakes.length > 100) s.mistakes = s.mistakes.slice(-100);
				s.explain = expected;
			}
		} else if (ev.type === 'fix') {
			// an answered field loses its error at once
			s.errors = s.errors.filter(e => e.field !== ev.field);
		} else if (ev.type === 'mode') {
			s.mode = mode(ev.mode);
			if (s.test && !s.test.end) s.test = null;
		} else if (ev.type === 'tick') {
			s.clock += Math.max(0, +ev.minutes || 0);
			var r = request(s, c);
			if (r && r.status === 'pending' && s.clock - r.at >= approvalMin(c)) decide(s, c, 'approved');
		} else if (ev.type === 'approve' || ev.type === 'reject') {
			if (!decide(s, c, ev.type === 'approve' ? 'approved' : 'rejected')) note(s, c, 'nothing_pending');
		} else if (ev.type === 'session') s.session = trim(ev.code).toUpperCase().slice(0, 12);
		else if (ev.type === 'finish-test' && s.test && !s.test.end) s.test.end = +ev.now || s.test.start;
		if (s.mode === 'test' && s.test && !s.test.end && milestones(s, c).every(m => m.done)) s.test.end = +ev.now || s.test.start;
		return s;
	}

	// how fast the simulated clock moves on by itself: {seconds, minutes}; faster while a request waits
	function pace(state, config) {
		var c = compile(config), r = request(state, c), k = r && r.status === 'pending' ? 'waiting' : 'auto';
		return extend({ seconds: k === 'auto' ? 60 : 2, minutes: k === 'auto' ? 1 : 120 }, c.clock[k]);
	}

	// the check code of a certificate: name, date, result and the trainer's session code
	function certCode(nm, date, result, session) {
		var t = [trim(nm).toLowerCase().replace(/\s+/g, ' '), str(date), str(result), trim(session).toUpperCase()].join('|');
		var h = hash(t) + hash(t + '#'), o = '';
		for (var i = 0; i < 8; i++) o += CHARS.charAt(parseInt(h.slice(i * 2, i * 2 + 2), 16) % CHARS.length) + (i === 3 ? '-' : '');
		return o;
	}

	// --- milestones and hints

	function done(s, c, id) {
		var r = request(s, c);
		return id === 'account' ? !!s.account : id === 'password' ? !!(s.account && s.account.active)
			: id === 'phone' ? s.phones.some(p => p.verified) : id === 'device' ? hasDevice(s)
			: id === 'request' ? !!r : id === 'approved' ? !!(r && r.status === 'approved') : id === 'preferences' ? !!s.prefs : false;
	}
	function milestones(s, c) {
		var l = c.sb.milestones || {};
		return c.milestones.map(id => ({ id: id, label: l[id] || id, done: done(s, c, id) }));
	}
	function next(s, c) { var m = find(milestones(s, c), x => !x.done); return m ? m.id : 'done'; }

	function hintKey(s, c) {
		var sc = s.screen, r = request(s, c), n = 'next/' + (r && r.status === 'rejected' ? 'rejected' : next(s, c)), st = s.signin.step, p = s.pw.state;
		switch (sc) {
			case 'cpms-login': return n === 'next/preferences' || (n === 'next/done' && !s.prefs) ? sc : n;
			case 'cpms-home': return s.prefs ? n : sc;
			case 'eul-device-add': return s.devForm ? sc : sc + '/manage';
			case 'cpms2-home': case 'eul-myaccount': return n;
			case 'eul-create': return s.created ? sc + '/sent' : sc;
			case 'eul-password': return p === 'set' ? sc : p === 'done' || p === 'sent' ? n : sc + '/expired';
			case 'eul-signin': return st === 'done' ? n : sc + '/' + (st === 'password' && (target(c, s.signin.target).mfa || hasDevice(s)) ? 'password-mfa' : st);
			case 'eul-phone-add': return c.smsOffered ? sc : sc + '/no-sms';
			case 'saas-org': return sc + '/' + level(s);
			case 'saas-pending': case 'cpms2-submitted': return r && r.status !== 'pending' ? sc + '/' + r.status : sc;
			case 'cpms-preferences': return s.prefs ? sc + '/done' : sc;
		}
		return sc;
	}
	function hint(s, c) {
		var hs = c.sb.hints || {}, k = hintKey(s, c), h = s.account && s.account.sample && hs[k + '-sample'] || (hs[k] != null ? hs[k] : hs[k.split('/')[0]]);
		if (h && typeof h === 'object') h = h[c.system] || h['default'] || '';
		return fill(h || '', vars(s, c));
	}

	// the guide step of what the learner should do now: the hint's target screen, or the nearest
	// earlier screen (flow order) that a guide step names
	var AIM = { account: 'eul-create', password: 'eul-password', phone: 'eul-phone-add', device: 'eul-device-add', request: ['saas-app', 'cpms2-signup-1'],
		approved: ['saas-pending', 'cpms2-submitted'], preferences: 'cpms-preferences', rejected: ['saas-pending', 'cpms2-submitted'] };
	function guideStep(s, c) {
		var k = hintKey(s, c), m = /^next\/(\w+)/.exec(k), aim = m && AIM[m[1]];
		aim = aim ? (typeof aim === 'string' ? aim : aim[c.system === 'cpms2' ? 1 : 0]) : s.screen;
		var o = order(c), i = o.indexOf(aim), st;
		for (; i >= 0; i--) if ((st = find(c.steps, x => x.sandbox === o[i]))) return st;
		return find(c.steps, x => x.sandbox === aim);
	}
	function order(c) { var o = (c.sb.order || []).filter(id => allowed(c, id)); return o.length ? o : Object.keys(c.sb.screens || {}).filter(id => allowed(c, id)); }
	function usable(c, x) { return !(x.sms_only && !c.smsOffered); }
	// the Trainer panel's screen list: on-screen names, grouped by site, in flow order
	function screenGroups(c) {
		var g = [], names = c.sb.sites || {};
		order(c).forEach(id => {
			var d = def(c, id), last = g[g.length - 1];
			if (!usable(c, d)) return;
			if (!last || last.site !== d.site) g.push(last = { site: d.site, name: names[d.site] || d.site, screens: [] });
			last.screens.push({ id: id, name: d.name || d.title });
		});
		return g;
	}

	// --- view

	function time(c, min) {
		var st = str(c.clock.start || '09:00').split(':'), t = (+st[0] || 0) * 60 + (+st[1] || 0) + (min || 0);
		var d = Math.floor(t / 1440), date = c.asOf;
		t %= 1440;
		if (d && isDate(date)) { var x = new Date(date + 'T00:00:00Z'); x.setUTCDate(x.getUTCDate() + d); date = x.toISOString().slice(0, 10); }
		return (date ? date + ' ' : '') + ('0' + Math.floor(t / 60)).slice(-2) + ':' + ('0' + (t % 60)).slice(-2);
	}

	function mailView(s, c, m) {
		var tpl = (c.sb.emails || {})[m.kind] || { subject: m.kind, body: [] }, r = request(s, c) || {};
		var vv = vars(s, c, { org: r.org ? r.org.label : '', profiles: (r.profiles || []).join(', ') });
		return {
			id: m.id, from: tpl.from || '', subject: fill(tpl.subject, vv), time: time(c, m.at), unread: !m.read,
			body: (tpl.body || []).map(b => {
				return typeof b === 'string' ? { text: fill(b, vv) } : b.link ? { link: fill(b.link, vv), action: b.action || 'open-link', arg: m.id }
					: { code: fill(b.code, vv) };
			})
		};
	}

	function phoneView(s, c) {
		var t = c.sb.phone || {}, st = s.app.step, init = hasDevice(s), pin = st === 'init-pin' || st === 'auth-pin';
		var txt = { 'init-pin': t.app_init_scanned, 'auth-pin': t.app_auth, otp: t.app_otp, 'done-init': t.app_done_init, 'done-auth': t.app_done_auth }[st] ||
			(init ? t.app_ready : t.app_uninitialised);
		var dev = find(s.devices, d => d.initialised);
		return {
			step: st, text: fill(txt, vars(s, c, { device: dev ? dev.name : '' })), otp: st === 'otp' ? s.app.otp : '', pin: pin, pending: pin,
			buttons: pin ? [] : (!init || s.deviceQr ? ['initialise'] : []).concat(init ? ['scan'] : []), error: s.app.error,
			sms: s.sms.slice().reverse().map(m => ({ id: m.id, time: time(c, m.at), text: m.text, unread: !m.read }))
		};
	}

	function prefill(s) {
		switch (s.screen) {
			case 'saas-app': return { app: s.saas.app };
			case 'saas-profile': return { profiles: s.saas.profiles };
			case 'saas-recap': return { comment: s.saas.comment };
			case 'cpms-preferences': return s.prefs;
			case 'cpms2-signup-1': return s.c2.p1;
			case 'cpms2-signup-2': return s.c2.p2;
			case 'eul-signin': return { email: s.signin.email };
		}
		return null;
	}

	function view(state, config) {
		var c = compile(config), s = state, d = def(c, s.screen) || {}, r = request(s, c), a = s.account || {}, p = c.sample, n = c.network;
		var sel = method(c, s.signin.method), lv = level(s), mine = s.auth && r && r.status === 'approved';
		var flags = ['mode-' + s.mode, 'pw-' + s.pw.state, 'si-' + s.signin.step, 'request-' + (r ? r.status : 'none'), 'org-' + lv];
		var on = {
			'signed-in': s.auth, sms: c.smsOffered, created: s.created, 'si-stronger': s.signin.target === 'device',
			'si-requires': target(c, s.signin.target).requires, 'si-method-sms': sel && sel.kind === 'sms', 'has-request': r, 'c2-member': s.c2.member === 'yes', 'c2-guest': s.c2.member === 'no', 'c2-welcome': mine && c.system === 'cpms2',
			'cpms-welcome': mine && c.system === 'saas' && s.prefs, 'sample-account': a.sample,
			'device-sample': s.deviceQr && s.deviceQr.sample, 'test-running': s.test && !s.test.end, 'test-done': s.test && s.test.end,
			'can-undo': s.undo, 'has-explain': s.explain && s.errors.length, 'dev-form': s.devForm, 
			progress: hasProgress(s), 'test-pass': testView(s, c, milestones(s, c)).pass
		};
		for (var f in on) if (on[f]) flags.push(f);
		var ms = milestones(s, c);
		var slots = {
			name: name(a), email: a.email || '', username: a.username || '', signin_email: s.signin.email, signin_phone: shown(s.signin.phone),
			requires: target(c, s.signin.target).requires || '', challenge_number: s.challenge ? shown(s.challenge.number) : '',
			saas_app: s.saas.app, saas_org: s.saas.org ? s.saas.org.label : '', saas_profiles: s.saas.profiles.join(', '),
			clock: time(c, s.clock), explain: s.explain, samples: s.pw.samples.join(' '), network: n.name || '', helpdesk: (n.helpdesk || {}).name || '', helpdesk_email: (n.helpdesk || {}).email || '',
			request_status: r ? r.status : '', helpdesk_contact: vars(s, c).helpdesk_contact, sample_email: p.email, sample_password: p.password, sample_pin: p.pin
		};
		extend(slots, part(c).slots ? part(c).slots(s, c) : {});
		var ph = phoneView(s, c), unread = l => { return l.filter(m => !m.read).length; };
		var step = guideStep(s, c);
		return {
			screen: s.screen, site: d.site || '', address: d.address || '',
			title: s.screen === 'eul-signin' && s.signin.step === 'lost' && c.labels.lost_title || d.title || s.screen,
			stepKey: s.screen + '/' + (s.screen === 'eul-signin' ? s.signin.step : s.screen === 'eul-password' ? s.pw.state
				: s.screen === 'saas-org' ? lv + s.saas.path.join('/') : s.screen === 'eul-create' ? s.created : s.screen === 'eul-device-add' ? s.devForm : ''),
			flags: flags, slots: slots, errors: s.errors.slice(), notice: s.notice, hint: hint(s, c), hintKey: hintKey(s, c),
			guideStep: step ? { title: step.title, url: step.url || '' } : null, rules: c.ruleTexts,
			banners: banners(c, s.screen).map(b => b.text),
			methods: methodsFor(s, c).map(m => ({ id: m.id, label: m.label, description: m.description, selected: m.id === s.signin.method })),
			captcha: s.captcha,
			qr: s.screen === 'eul-device-qr' ? 'dev:' + (s.deviceQr ? s.deviceQr.name + s.deviceQr.pin : '') : s.signin.qr,
			org: s.screen === 'saas-org' && part(c).org ? part(c).org(s, c) : null,
			profiles: c.profiles,
			requests: r && c.system === 'saas' ? [{ app: (c.sb.saas || {}).target_application || 'CPMS', org: r.org ? r.org.label : '',
				profiles: (r.profiles || []).join(', '), time: time(c, r.at), status: r.status }] : [],
			phones: s.phones.map(x => shown(x.number)), devices: s.devices.map(x => x.name),
			inbox: s.inbox.slice().reverse().map(m => mailView(s, c, m)), unreadMail: unread(s.inbox),
			phone: ph, unreadPhone: unread(s.sms) + (ph.pending ? 1 : 0),
			milestones: ms, mode: s.mode,
			test: testView(s, c, ms),
			prefill: prefill(s), fill: s.fill, scenario: s.scenario, ui: s.ui,
			screens: screenGroups(c), scenarios: scenarios(c).filter(x => usable(c, x)).map(x => x.id)
		};
	}

	// the result of a test: each milestone, time taken, mistakes with what was expected, pass or fail
	function testView(s, c, ms) {
		var t = s.test || {}, th = c.sb.test || {}, done = ms.filter(m => m.done).length;
		var need = th.min_milestones == null ? ms.length : Math.min(th.min_milestones, ms.length), max = th.max_mistakes == null ? 0 : th.max_mistakes;
		return {
			running: !!(s.test && !t.end), done: !!t.end, completed: done, total: ms.length, actions: s.actions, milestones: ms,
			seconds: t.end ? Math.max(0, Math.round((t.end - t.start) / 1000)) : 0, minutes: s.clock, need: need, max: max,
			pass: !!t.end && done >= need && s.mistakes.length <= max, date: t.end ? new Date(t.end).toISOString().slice(0, 10) : '',
			mistakes: s.mistakes.map(m => { var x = def(c, m.screen); return { screen: x ? x.name || x.title : m.screen, msg: m.msg, expected: m.expected || '' }; })
		};
	}

	// --- routes #/<screen>?scenario=<id>

	function parseRoute(h) {
		h = str(h).replace(/^#\/?/, '');
		var q = h.indexOf('?'), out = { screen: decodeURIComponent((q >= 0 ? h.slice(0, q) : h).replace(/\/+$/, '')), scenario: '' };
		(q >= 0 ? h.slice(q + 1) : '').split('&').forEach(kv => {
			var i = kv.indexOf('=');
			if (i > 0 && kv.slice(0, i) === 'scenario') out.scenario = decodeURIComponent(kv.slice(i + 1));
		});
		return out;
	}
	function formatRoute(screen, scenario) { return '#/' + screen + (scenario ? '?scenario=' + encodeURIComponent(scenario) : ''); }

	function withC(f) { return (x, y) => f(x, compile(y)); }
	var api = {
		// a system's own part (flow-saas.js, flow-cpms2.js) adds itself: make(helpers) -> part;
		// what the part exports (its `api`) is added to this module's functions
		addSystem: (id, make) => {
			var p = SYSTEMS[id] = make({ compile: compile, str: str, trim: trim, arr: arr, find: find, name: name, need: need, errs: errs, E: E, go: go, note: note, msg: msg, level: level });
			extend(api, p.api);
		},
		compile: compile, initialState: initialState, transition: transition, view: view,
		milestones: withC(milestones), hint: withC(hint), hintKey: withC(hintKey), guideStep: withC(guideStep),
		pace: pace, certCode: certCode, hasProgress: hasProgress, screenGroups: c => screenGroups(compile(c)), isPracticeEmail: isPracticeEmail,
		screenAllowed: (c, id) => allowed(compile(c), id),
		isOffered: (c, id) => isOffered(compile(c), id),
		offeredMethods: c => { return compile(c).methods.filter(m => m.offered); },
		bannersFor: (c, screen) => banners(compile(c), screen),
		checkPassword: checkPassword, checkCreateAccount: checkCreateAccount, checkDevice: checkDevice,
		isEmail: isEmail, isInternationalPhone: isInternationalPhone, isPin: isPin, passwordGroups: groups,
		hash: hash, fill: fill, current: current, parseRoute: parseRoute, formatRoute: formatRoute
	};
	return api;
});
