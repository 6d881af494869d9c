/*
 * ernguide practice sandbox: the flow logic (pure, no DOM).
 *
 *   initialState(config, scenarioId?, {seed}?) -> state
 *   transition(state, event, config)          -> new state (the input is never changed)
 *   view(state, config)                       -> what the screens show (flags, texts, lists, errors)
 *
 * `config` is the page's sandbox data: {as_of, guide, network, data: {sandbox, eu_login, erns,
 * countries, profiles, ...}, steps?}. Everything the user sees comes from that data
 * (content/data/sandbox.yaml and the portal's reference data); this file only holds the rules.
 * State is plain JSON (kept in sessionStorage by sandbox.js). Passwords and PINs are kept only
 * as hashes. Loads as a classic script (window.ErnSandboxFlow) and under node (module.exports).
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ErnSandboxFlow = api;
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var SCREENS = ['cpms-login', 'cpms2-home', 'eul-create', 'eul-password', 'eul-signin', 'eul-myaccount',
    'eul-phone-add', 'eul-phone-challenge', 'eul-device-add', 'eul-device-qr', 'saas-app', 'saas-org',
    'saas-profile', 'saas-recap', 'saas-pending', 'cpms-preferences', 'cpms2-signup-1', 'cpms2-signup-2',
    'cpms2-signup-3', 'cpms2-submitted'];
  var CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  var GROUPS = {
    upper: /[A-Z]/, lower: /[a-z]/, digit: /[0-9]/,
    special: /[^A-Za-z0-9\s]/
  };

  // ------------------------------------------------------------------ helpers

  function clone(x) { return JSON.parse(JSON.stringify(x)); }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function str(x) { return x == null ? '' : String(x); }
  function trim(x) { return str(x).trim(); }
  function arr(x) { return Array.isArray(x) ? x : (x == null || x === '' || x === false ? [] : [x]); }
  function find(list, fn) { for (var i = 0; i < list.length; i++) if (fn(list[i])) return list[i]; return null; }

  // FNV-1a: the sandbox never keeps a typed password or PIN in clear text.
  function hash(text) {
    var h = 0x811c9dc5;
    text = str(text);
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ('0000000' + h.toString(16)).slice(-8);
  }

  // Deterministic PRNG (mulberry32) whose seed lives in the state.
  function rnd(s) {
    var t = (s.seed = (s.seed + 0x6D2B79F5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  function pick(s, chars) { return chars.charAt(Math.floor(rnd(s) * chars.length)); }
  function makeCode(s, n, chars) {
    var out = '';
    for (var i = 0; i < n; i++) out += pick(s, chars || CODE_CHARS);
    return out;
  }
  // Codes are compared without case, spaces or dashes.
  function norm(code) { return str(code).replace(/[\s-]+/g, '').toUpperCase(); }

  function fill(text, vars) {
    return str(text).replace(/\{(\w+)\}/g, function (m, k) {
      return vars && vars[k] != null ? String(vars[k]) : m;
    });
  }

  function isDate(d) { return /^\d{4}-\d{2}-\d{2}$/.test(str(d)); }
  function dateStr(d) { return d == null || d === '' ? null : str(d).slice(0, 10); }
  // A dated item (method, banner) is current when from <= asOf <= until.
  function current(from, until, asOf) {
    from = dateStr(from); until = dateStr(until);
    if (!isDate(asOf)) return !until;
    return (!from || from <= asOf) && (!until || asOf <= until);
  }

  var EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  function isEmail(x) { return EMAIL_RE.test(trim(x)); }
  // International format: +, country code, then digits (spaces allowed).
  function isInternationalPhone(x) { return /^\+[1-9][0-9 ]{6,18}$/.test(trim(x)) && trim(x).replace(/\D/g, '').length >= 8; }
  function normPhone(x) { return trim(x).replace(/\s+/g, ''); }
  function isPin(x) { return /^[0-9]{4}$/.test(str(x)); }

  // ------------------------------------------------------------------ config

  var cache = typeof WeakMap === 'function' ? new WeakMap() : null;

  function compile(raw) {
    if (raw && raw.__compiled) return raw;
    if (cache && raw && typeof raw === 'object' && cache.has(raw)) return cache.get(raw);
    raw = raw || {};
    var d = raw.data || {};
    var sb = d.sandbox || {};
    var guide = raw.guide || {};
    var network = raw.network || {};
    var asOf = dateStr(raw.as_of) || '';
    var system = guide.system === 'cpms2' ? 'cpms2' : 'saas';
    var eul = d.eu_login || {};
    var behaviours = sb.methods || {};
    var methods = (eul.methods || []).map(function (m) {
      var b = behaviours[m.id] || {};
      return {
        id: m.id, label: m.label, description: m.description || '',
        kind: b.kind || 'explain',
        text: b.text || '',
        list: b.list !== false,
        offered: current(m.available_from, m.available_until, asOf),
        until: m.available_until || null
      };
    });
    var rules = eul.password_rules || {};
    var variants = rules.variants || [];
    var ruleId = sb.password_variant || rules.shown;
    var rule = find(variants, function (v) { return v.id === ruleId; }) || variants[0] ||
      { id: 'default', min_length: 8, min_groups: 3, forbid_username: true, text: '' };
    var ern = find(d.erns || [], function (e) { return e.code === network.ern; }) || { code: network.ern || '', name: '' };
    var allProfiles = d.profiles || [];
    var profiles = (network.profiles || []).map(function (p) {
      var name = typeof p === 'string' ? p : p.name;
      var base = find(allProfiles, function (x) { return x.name === name; }) || { name: name, description: '', status: '' };
      return { name: name, description: base.description || '', status: typeof p === 'object' && p.status != null ? p.status : (base.status || '') };
    });
    var smsOffered = !!find(methods, function (m) { return m.kind === 'sms' && m.offered; });
    var netVariant = (sb.networks || {})[network.id] || {};
    var sys = (sb.systems || {})[system] || {};
    var milestones = (netVariant.milestones || sys.milestones || ['account', 'password', 'device', 'request', 'approved'])
      .filter(function (m) {
        if (m === 'phone' && !smsOffered) return false;
        if (m === 'preferences' && system !== 'saas') return false;
        return true;
      });
    var institutions = [];
    (network.countries || []).forEach(function (c) {
      (c.institutions || []).forEach(function (i) { institutions.push({ code: i.code, name: i.name, country: c.name }); });
    });
    var cfg = {
      __compiled: true,
      raw: raw, sb: sb, d: d, asOf: asOf, system: system, guide: guide, network: network, ern: ern,
      methods: methods, rule: rule, profiles: profiles, smsOffered: smsOffered, milestones: milestones,
      institutions: institutions,
      sample: sb.sample || {},
      clock: sb.clock || {},
      start: sys.start || (system === 'cpms2' ? 'cpms2-home' : 'cpms-login'),
      steps: raw.steps || []
    };
    if (cache && typeof raw === 'object') cache.set(raw, cfg);
    return cfg;
  }

  function screenDef(cfg, id) { return (cfg.sb.screens || {})[id] || null; }
  function screenAllowed(cfg, id) {
    if (SCREENS.indexOf(id) < 0 && !screenDef(cfg, id)) return false;
    var def = screenDef(cfg, id);
    return !(def && def.systems && def.systems.indexOf(cfg.system) < 0);
  }
  function scenarios(cfg) { return cfg.sb.scenarios || []; }
  function linkMinutes(cfg) { return cfg.clock.link_minutes != null ? cfg.clock.link_minutes : 5; }
  function approvalMinutes(cfg) { return cfg.clock.approval_minutes != null ? cfg.clock.approval_minutes : 1440; }

  function vars(s, cfg, extra) {
    var a = s.account || {};
    var sample = cfg.sample;
    var v = {
      name: a.first ? a.first + ' ' + a.last : (sample.first_name || '') + ' ' + (sample.last_name || ''),
      first_name: a.first || sample.first_name,
      email: a.email || sample.email,
      username: a.username || sample.username,
      network: cfg.network.name || cfg.ern.code,
      ern: cfg.ern.code,
      ern_name: cfg.ern.name,
      helpdesk: (cfg.network.helpdesk || {}).name || '',
      helpdesk_email: (cfg.network.helpdesk || {}).email || '',
      approval_time: cfg.network.approval_time || '',
      minutes: linkMinutes(cfg),
      number: sample.phone,
      device: (s.deviceQr && s.deviceQr.name) || (s.devices.length ? s.devices[s.devices.length - 1].name : sample.device),
      guest: (cfg.network.guest_access || {}).code || '0000',
      comment_hint: (cfg.network.wording || {}).comment_hint || ''
    };
    if (extra) for (var k in extra) if (has(extra, k)) v[k] = extra[k];
    return v;
  }

  function msg(s, cfg, code, extra) {
    var text = (cfg.sb.messages || {})[code];
    return fill(text == null ? code : text, vars(s, cfg, extra));
  }

  // ------------------------------------------------------------------ validators (exported)

  function passwordGroups(pw) {
    var n = 0;
    for (var g in GROUPS) if (GROUPS[g].test(pw)) n++;
    return n;
  }

  // -> list of {field, code, params}
  function checkPassword(pw, confirm, username, rule) {
    var errs = [];
    pw = str(pw);
    rule = rule || {};
    if (!pw) errs.push({ field: 'password', code: 'required' });
    else {
      var min = rule.min_length || 0;
      var groups = rule.min_groups || 0;
      if (pw.length < min) errs.push({ field: 'password', code: 'pw_short', params: { min: min } });
      if (rule.max_length && pw.length > rule.max_length) errs.push({ field: 'password', code: 'pw_long', params: { max: rule.max_length } });
      if (passwordGroups(pw) < groups) errs.push({ field: 'password', code: groups >= 4 ? 'pw_groups_all' : 'pw_groups', params: { groups: groups } });
      else if (rule.required_groups) {
        for (var i = 0; i < rule.required_groups.length; i++) {
          var re = GROUPS[rule.required_groups[i]];
          if (re && !re.test(pw)) { errs.push({ field: 'password', code: 'pw_groups_all', params: { groups: groups } }); break; }
        }
      }
      if (rule.forbid_username && username && pw.toLowerCase().indexOf(str(username).toLowerCase()) >= 0) {
        errs.push({ field: 'password', code: 'pw_username', params: { username: username } });
      }
    }
    if (!str(confirm)) errs.push({ field: 'confirm', code: 'required' });
    else if (pw && str(confirm) !== pw) errs.push({ field: 'confirm', code: 'pw_mismatch' });
    return errs;
  }

  function checkCreateAccount(v, captcha) {
    var errs = [];
    ['first_name', 'last_name', 'email', 'email_confirm'].forEach(function (f) {
      if (!trim(v[f])) errs.push({ field: f, code: 'required' });
    });
    if (trim(v.email) && !isEmail(v.email)) errs.push({ field: 'email', code: 'email_invalid' });
    else if (trim(v.email) && trim(v.email_confirm) && trim(v.email).toLowerCase() !== trim(v.email_confirm).toLowerCase()) {
      errs.push({ field: 'email_confirm', code: 'email_mismatch' });
    }
    if (!trim(v.code)) errs.push({ field: 'code', code: 'required' });
    else if (norm(v.code) !== norm(captcha)) errs.push({ field: 'code', code: 'captcha' });
    if (!v.privacy) errs.push({ field: 'privacy', code: 'privacy' });
    return errs;
  }

  function checkDevice(v) {
    var errs = [];
    if (!trim(v.name)) errs.push({ field: 'name', code: 'required' });
    if (!str(v.pin)) errs.push({ field: 'pin', code: 'required' });
    else if (!isPin(v.pin)) errs.push({ field: 'pin', code: 'pin_format' });
    if (!str(v.pin_confirm)) errs.push({ field: 'pin_confirm', code: 'required' });
    else if (isPin(v.pin) && str(v.pin_confirm) !== str(v.pin)) errs.push({ field: 'pin_confirm', code: 'pin_mismatch' });
    return errs;
  }

  function checkSignup1(v, cfg) {
    var errs = [];
    if (!v.role) errs.push({ field: 'role', code: 'c2_role' });
    if (v.member !== 'yes' && v.member !== 'no') errs.push({ field: 'member', code: 'c2_member' });
    if (v.member === 'yes') {
      if (!trim(v.hospital)) errs.push({ field: 'hospital', code: 'c2_hospital' });
      if (!arr(v.ern).length) errs.push({ field: 'ern', code: 'c2_ern' });
    } else if (v.member === 'no') {
      if (!trim(v.guest_hospital)) errs.push({ field: 'guest_hospital', code: 'c2_hospital' });
      if (!arr(v.invited).length) errs.push({ field: 'invited', code: 'c2_invited' });
      if (!trim(v.country)) errs.push({ field: 'country', code: 'c2_country' });
    }
    return errs;
  }

  function checkSignup2(v, cfg) {
    var errs = [];
    if (!arr(v.cares).length) errs.push({ field: 'cares', code: 'c2_cares' });
    if (!trim(v.profession)) errs.push({ field: 'profession', code: 'c2_profession' });
    if ((cfg.network.thematic_areas || []).length && !arr(v.areas).length) errs.push({ field: 'areas', code: 'c2_area' });
    return errs;
  }

  function offeredMethods(cfg) { return cfg.methods.filter(function (m) { return m.offered; }); }
  function isOffered(cfg, id) { var m = find(cfg.methods, function (x) { return x.id === id; }); return !!(m && m.offered); }

  function bannersFor(cfg, screen) {
    return (cfg.sb.banners || []).filter(function (b) {
      return (!b.screens || b.screens.indexOf(screen) >= 0) && current(b.from, b.until, cfg.asOf);
    });
  }

  // ------------------------------------------------------------------ state

  function emptyState(cfg, seed) {
    var s = {
      v: 1,
      scenario: 'new-user',
      screen: cfg.start,
      clock: 0,
      seed: (seed == null ? 20251122 : seed) | 0,
      mode: 'guided',
      account: null,
      captcha: '',
      created: false,
      links: [],
      inbox: [],
      sms: [],
      phones: [],
      challenge: null,
      devices: [],
      deviceQr: null,
      app: { step: 'idle', otp: '', msg: '', error: '' },
      auth: null,
      signin: { step: 'email', email: '', target: 'eulogin', method: '', phone: '', sms: '', qr: '' },
      pw: { state: 'none', token: '', samples: [] },
      saas: { app: '', path: [], search: '', perPage: 0, page: 1, org: null, profiles: [], comment: '', request: null },
      prefs: null,
      c2: { member: '', p1: null, p2: null, request: null },
      ui: { inbox: false, phone: false },
      errors: [],
      notice: null,
      fill: null,
      mistakes: [],
      actions: 0,
      testDone: false,
      n: 0
    };
    s.saas.perPage = (cfg.sb.saas || {}).default_records_per_page || 25;
    s.captcha = makeCode(s, 5);
    s.pw.samples = samplePasswords(s, cfg);
    return s;
  }

  function initialState(config, scenarioId, opts) {
    var cfg = compile(config);
    var s = emptyState(cfg, opts && opts.seed);
    var sc = find(scenarios(cfg), function (x) { return x.id === scenarioId; }) ||
      find(scenarios(cfg), function (x) { return x.id === 'new-user'; });
    if (sc) {
      s.scenario = sc.id;
      (sc.facts || []).forEach(function (f) { applyFact(s, cfg, f); });
      var scr = sc.screen && (typeof sc.screen === 'string' ? sc.screen : sc.screen[cfg.system]);
      if (scr && screenAllowed(cfg, scr)) enter(s, cfg, scr);
    }
    if (opts && opts.mode) s.mode = opts.mode;
    s.errors = []; s.notice = null; s.mistakes = []; s.actions = 0;
    return s;
  }

  function usernameFor(first, last) {
    var clean = function (x) { return str(x).toLowerCase().replace(/[^a-z]/g, ''); };
    return ('n00' + (clean(last) + 'xx').slice(0, 2) + (clean(first) + 'xxx').slice(0, 3));
  }

  function addMail(s, kind, extra) {
    s.n++;
    var m = { id: 'm' + s.n, kind: kind, at: s.clock, read: false };
    if (extra) for (var k in extra) if (has(extra, k)) m[k] = extra[k];
    s.inbox.push(m);
    return m;
  }

  function sendLink(s, kind) {
    s.links.forEach(function (l) { l.replaced = true; });
    var token = makeCode(s, 10);
    s.links.push({ token: token, kind: kind, at: s.clock, used: false, replaced: false });
    addMail(s, kind, { token: token });
  }

  function makeAccount(s, cfg, v) {
    var sample = cfg.sample;
    v = v || { first_name: sample.first_name, last_name: sample.last_name, email: sample.email, lang: '' };
    s.account = {
      first: trim(v.first_name), last: trim(v.last_name), email: trim(v.email).toLowerCase(), lang: str(v.lang),
      username: usernameFor(v.first_name, v.last_name), pw: '', active: false, sample: !!v.sample
    };
    sendLink(s, 'confirm');
  }

  function activate(s, pwHash) {
    s.account.pw = pwHash;
    s.account.active = true;
    s.links.forEach(function (l) { l.used = true; });
    s.signin.email = s.account.email;
    if (s.signin.step === 'email') s.signin.step = 'password';
  }

  function samplePasswords(s, cfg) {
    var rule = cfg.rule || {};
    var len = Math.max(rule.min_length || 8, 8);
    var sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%&()*+-./:;<=>?@_'];
    var need = Math.min(4, Math.max(rule.min_groups || 3, 3));
    var out = [];
    for (var k = 0; k < 3; k++) {
      var chars = [];
      for (var g = 0; g < need; g++) chars.push(pick(s, sets[g]));
      var all = sets.slice(0, need).join('');
      while (chars.length < len) chars.push(pick(s, all));
      for (var i = chars.length - 1; i > 0; i--) {
        var j = Math.floor(rnd(s) * (i + 1));
        var t = chars[i]; chars[i] = chars[j]; chars[j] = t;
      }
      out.push(chars.join(''));
    }
    return out;
  }

  function saasLevel(s) { return s.saas.path.length === 0 ? 'ern' : s.saas.path.length === 1 ? 'country' : 'institution'; }

  function sampleOrg(cfg) {
    var inst = cfg.institutions[0];
    if (inst) return { path: [cfg.ern.code, inst.country], org: { code: inst.code, name: inst.name, label: inst.code + ' - ' + inst.name } };
    var g = cfg.network.guest_access || { code: '0000', label: 'Guest Access' };
    var country = ((cfg.network.countries || [])[0] || {}).name || '';
    return { path: [cfg.ern.code, country], org: { code: g.code, name: g.label, label: g.code + ' ' + g.label } };
  }

  function samplePage1(cfg) {
    var sample = cfg.sample;
    var inst = cfg.institutions[0];
    if (inst) return { role: 'Clinician', member: 'yes', hospital: inst.name, ern: [cfg.ern.code], guest_hospital: '', invited: [], country: '' };
    var country = ((cfg.network.countries || [])[0] || {}).name || ((cfg.d.countries || [])[0] || '');
    return { role: 'Clinician', member: 'no', hospital: '', ern: [], guest_hospital: sample.hospital || 'Hospital', invited: [cfg.ern.code], country: country };
  }
  function samplePage2(cfg) {
    var areas = cfg.network.thematic_areas || [];
    return { cares: ['Pediatric'], profession: cfg.sample.profession || 'Other', areas: areas.slice(0, 1), subarea: '', focus: '' };
  }

  function submitRequest(s, cfg) {
    if (cfg.system === 'cpms2') {
      if (!s.c2.p1) s.c2.p1 = samplePage1(cfg);
      if (!s.c2.p2) s.c2.p2 = samplePage2(cfg);
      s.c2.request = { status: 'pending', at: s.clock };
    } else {
      if (!s.saas.app) s.saas.app = (cfg.sb.saas || {}).target_application || 'CPMS';
      if (!s.saas.org) { var o = sampleOrg(cfg); s.saas.path = o.path; s.saas.org = o.org; }
      if (!s.saas.profiles.length) s.saas.profiles = [defaultProfile(cfg)];
      s.saas.request = { status: 'pending', at: s.clock, org: s.saas.org, profiles: s.saas.profiles.slice(), comment: s.saas.comment };
    }
  }

  function defaultProfile(cfg) {
    return (find(cfg.profiles, function (p) { return p.name === 'HP'; }) || cfg.profiles[0] || { name: 'HP' }).name;
  }

  function request(s, cfg) { return cfg.system === 'cpms2' ? s.c2.request : s.saas.request; }

  function decide(s, cfg, status) {
    var r = request(s, cfg);
    if (!r || r.status !== 'pending') return false;
    r.status = status;
    r.decidedAt = s.clock;
    var kind = (cfg.system === 'cpms2' ? 'c2_' : '') + status;
    addMail(s, kind, {});
    return true;
  }

  function addDevice(s, name, pinHash) {
    s.devices.push({ name: name, pin: pinHash, initialised: true });
  }

  function applyFact(s, cfg, f) {
    var sample = cfg.sample;
    switch (f) {
      case 'account':
        if (!s.account) makeAccount(s, cfg, { first_name: sample.first_name, last_name: sample.last_name, email: sample.email, sample: true });
        break;
      case 'link':
        applyFact(s, cfg, 'account');
        var l = s.links[s.links.length - 1];
        if (!l || l.used || l.replaced || s.clock - l.at >= linkMinutes(cfg)) sendLink(s, s.account.active ? 'reset' : 'confirm');
        s.pw.state = 'set';
        s.pw.token = s.links[s.links.length - 1].token;
        break;
      case 'password':
        applyFact(s, cfg, 'account');
        if (!s.account.active) { activate(s, hash(sample.password)); s.account.sample = true; }
        break;
      case 'signed_in':
        if (!s.auth) s.auth = { level: 'password', method: 'password' };
        s.signin.step = 'done';
        break;
      case 'signed_in_mfa':
        s.auth = { level: 'mfa', method: 'mobile_app_pin' };
        s.signin.step = 'done';
        break;
      case 'phone':
        applyFact(s, cfg, 'password');
        if (!s.phones.length) s.phones.push({ number: normPhone(sample.phone), verified: true });
        break;
      case 'challenge':
        if (!s.challenge) startChallenge(s, cfg, normPhone(sample.phone));
        break;
      case 'device':
        applyFact(s, cfg, 'password');
        if (!s.devices.some(function (d) { return d.initialised; })) addDevice(s, sample.device, hash(sample.pin));
        break;
      case 'device_pending':
        if (!s.deviceQr) s.deviceQr = { name: sample.device, pin: hash(sample.pin), sample: true };
        break;
      case 'saas_app':
        if (!s.saas.app) s.saas.app = (cfg.sb.saas || {}).target_application || 'CPMS';
        break;
      case 'saas_org':
        if (!s.saas.org) { var o = sampleOrg(cfg); s.saas.path = o.path; s.saas.org = o.org; }
        break;
      case 'saas_profile':
        if (!s.saas.profiles.length) s.saas.profiles = [defaultProfile(cfg)];
        break;
      case 'request':
        applyFact(s, cfg, 'password');
        if (!request(s, cfg)) submitRequest(s, cfg);
        break;
      case 'approved':
        applyFact(s, cfg, 'request');
        if (request(s, cfg).status !== 'approved') {
          request(s, cfg).status = 'pending';
          decide(s, cfg, 'approved');
        }
        break;
      case 'c2_page1':
        if (!s.c2.p1) s.c2.p1 = samplePage1(cfg);
        s.c2.member = s.c2.p1.member;
        break;
      case 'c2_page2':
        if (!s.c2.p2) s.c2.p2 = samplePage2(cfg);
        break;
    }
  }

  function startChallenge(s, cfg, number) {
    var code = makeCode(s, 3, '0123456789') + '-' + makeCode(s, 3, '0123456789');
    s.challenge = { number: number, code: code };
    addSms(s, fill((cfg.sb.phone || {}).sms_add, { code: code }));
  }

  function addSms(s, text) {
    s.n++;
    s.sms.push({ id: 's' + s.n, at: s.clock, text: text, read: false });
  }

  // ------------------------------------------------------------------ navigation

  function enter(s, cfg, screen) {
    s.screen = screen;
    if (screen === 'eul-create') s.created = false;
    if (screen === 'eul-signin' && s.signin.step === 'done' && !s.auth) s.signin.step = s.signin.email ? 'password' : 'email';
  }

  function go(s, cfg, screen, deep) {
    if (!screenAllowed(cfg, screen)) screen = cfg.start;
    if (deep) {
      var def = screenDef(cfg, screen) || {};
      (def.ensure || []).forEach(function (f) { applyFact(s, cfg, f); });
      if (screen === 'eul-signin' && !s.auth) { s.signin.target = 'eulogin'; s.signin.step = s.signin.email ? 'password' : 'email'; }
      if (screen === 'eul-signin' && s.auth) s.signin.step = 'done';
      if (screen === 'saas-profile' || screen === 'saas-recap') { /* selections ensured */ }
    }
    enter(s, cfg, screen);
  }

  function target(cfg, t) { return (cfg.sb.targets || {})[t] || {}; }

  function hasFactor(s, cfg) {
    return s.devices.some(function (d) { return d.initialised; }) ||
      (cfg.smsOffered && s.phones.some(function (p) { return p.verified; }));
  }

  function startSignin(s, cfg, t) {
    var need = target(cfg, t);
    if (s.auth && (!need.mfa || s.auth.level === 'mfa')) return finishSignin(s, cfg, t, s.auth.level, s.auth.method);
    s.signin.target = t;
    s.signin.method = '';
    s.signin.step = s.signin.email && s.account ? 'password' : 'email';
    s.screen = 'eul-signin';
  }

  function finishSignin(s, cfg, t, level, method) {
    s.auth = { level: level, method: method };
    s.signin.step = 'done';
    s.signin.target = t;
    s.app.step = s.app.step === 'auth-pin' ? 'idle' : s.app.step;
    if (t === 'cpms') {
      var r = s.saas.request;
      if (r && r.status === 'approved') s.screen = 'cpms-preferences';
      else {
        s.screen = 'cpms-login';
        s.notice = { kind: 'warning', text: msg(s, cfg, r && r.status === 'pending' ? 'request_pending' : 'not_authorised') };
      }
    } else if (t === 'saas') {
      s.screen = s.saas.request ? 'saas-pending' : 'saas-app';
    } else if (t === 'cpms2') {
      var q = s.c2.request;
      if (q && q.status === 'approved') s.screen = 'cpms2-home';
      else if (q && q.status === 'pending') s.screen = 'cpms2-submitted';
      else s.screen = 'cpms2-signup-1';
    } else if (t === 'device') {
      s.screen = 'eul-device-add';
    } else {
      s.screen = 'eul-signin';
    }
  }

  // ------------------------------------------------------------------ errors

  function addErrors(s, cfg, list) {
    list.forEach(function (e) {
      var text = msg(s, cfg, e.code, e.params);
      s.errors.push({ field: e.field, code: e.code, msg: text });
      s.mistakes.push({ screen: s.screen, code: e.code, field: e.field, msg: text, at: s.clock });
    });
    if (s.mistakes.length > 100) s.mistakes = s.mistakes.slice(-100);
    return list.length > 0;
  }
  function err(s, cfg, field, code, params) { return addErrors(s, cfg, [{ field: field, code: code, params: params }]); }
  function notice(s, cfg, code, kind, extra) { s.notice = { kind: kind || 'info', code: code, text: msg(s, cfg, code, extra) }; }
  function appError(s, cfg, code) {
    s.app.error = msg(s, cfg, code);
    s.mistakes.push({ screen: 'phone', code: code, field: 'app', msg: s.app.error, at: s.clock });
  }

  function findAccount(s, id) {
    id = trim(id).toLowerCase();
    if (!s.account || !id) return null;
    return s.account.email === id || s.account.username === id ? s.account : null;
  }

  function method(cfg, id) { return find(cfg.methods, function (m) { return m.id === id; }); }

  function methodsFor(s, cfg) {
    var mfa = !!target(cfg, s.signin.target).mfa;
    return cfg.methods.filter(function (m) { return m.offered && m.list && !(mfa && m.kind === 'password'); });
  }

  // ------------------------------------------------------------------ actions

  var ACTIONS = {
    // --- bookmarks, CPMS pages
    bookmark: function (s, cfg, v, arg) {
      if (arg === 'cpms') go(s, cfg, 'cpms-login');
      else if (arg === 'cpms2') go(s, cfg, 'cpms2-home');
      else if (arg === 'saas') startSignin(s, cfg, 'saas');
      else startSignin(s, cfg, 'eulogin');
    },
    'cpms-login': function (s, cfg) { startSignin(s, cfg, 'cpms'); },
    'cpms-request': function (s, cfg) { startSignin(s, cfg, 'saas'); },
    'cpms2-login': function (s, cfg) { startSignin(s, cfg, 'cpms2'); },
    'create-link': function (s, cfg) { go(s, cfg, 'eul-create'); },

    // --- EU Login: create an account
    'new-captcha': function (s, cfg) { s.captcha = makeCode(s, 5); notice(s, cfg, 'captcha_new'); },
    'privacy-statement': function (s, cfg) { notice(s, cfg, 'privacy_statement'); },
    'fill-sample': function (s, cfg) {
      var p = cfg.sample;
      s.fill = { first_name: p.first_name, last_name: p.last_name, email: p.email, email_confirm: p.email };
    },
    'create-account': function (s, cfg, v) {
      if (addErrors(s, cfg, checkCreateAccount(v, s.captcha))) {
        if (s.errors.some(function (e) { return e.code === 'captcha'; })) s.captcha = makeCode(s, 5);
        return;
      }
      if (s.account && s.account.active && s.account.email === trim(v.email).toLowerCase()) return err(s, cfg, 'email', 'email_taken');
      makeAccount(s, cfg, v);
      s.created = true;
      s.pw.state = 'none';
      s.captcha = makeCode(s, 5);
      notice(s, cfg, 'account_created', 'success');
    },
    cancel: function (s, cfg) { go(s, cfg, cfg.start); },

    // --- Inbox
    'open-link': function (s, cfg, v, arg) {
      var m = find(s.inbox, function (x) { return x.id === arg; });
      if (!m) return;
      m.read = true;
      var l = find(s.links, function (x) { return x.token === m.token; });
      s.screen = 'eul-password';
      s.pw.token = m.token;
      if (!l) return;
      if (l.used || l.replaced) { s.pw.state = 'expired'; notice(s, cfg, 'link_used', 'warning'); return; }
      if (s.clock - l.at >= linkMinutes(cfg)) {
        s.pw.state = 'expired';
        err(s, cfg, 'link', 'link_expired');
        return;
      }
      s.pw.state = 'set';
    },
    'go-cpms': function (s, cfg) { go(s, cfg, cfg.system === 'cpms2' ? 'cpms2-home' : 'cpms-login'); },
    'go-cpms2': function (s, cfg) { go(s, cfg, cfg.system === 'cpms2' ? 'cpms2-home' : 'cpms-login'); },

    // --- New password
    'set-password': function (s, cfg, v) {
      var l = find(s.links, function (x) { return x.token === s.pw.token; });
      if (s.pw.state !== 'set' || !l || !s.account) { s.pw.state = 'expired'; return err(s, cfg, 'link', 'link_used'); }
      if (s.clock - l.at >= linkMinutes(cfg)) { s.pw.state = 'expired'; return err(s, cfg, 'link', 'link_expired'); }
      var username = cfg.rule.forbid_username ? s.account.username : '';
      if (addErrors(s, cfg, checkPassword(v.password, v.confirm, username, cfg.rule))) return;
      activate(s, hash(v.password));
      l.used = true;
      s.pw.state = 'done';
      s.signin.target = 'eulogin';
      notice(s, cfg, 'password_set', 'success');
    },
    samples: function (s, cfg) { s.pw.samples = samplePasswords(s, cfg); },
    'request-link': function (s, cfg, v) {
      if (!trim(v.email)) return err(s, cfg, 'email', 'required');
      var a = findAccount(s, v.email);
      if (!a) return err(s, cfg, 'email', 'unknown_email');
      sendLink(s, a.active ? 'reset' : 'confirm');
      s.pw.state = 'sent';
      notice(s, cfg, 'link_sent', 'success');
    },
    proceed: function (s, cfg) { startSignin(s, cfg, 'eulogin'); },

    // --- Sign in
    'signin-email': function (s, cfg, v) {
      var e = trim(v.email);
      if (!e) return err(s, cfg, 'email', 'required');
      if (!findAccount(s, e)) return err(s, cfg, 'email', e.indexOf('@') > 0 && !isEmail(e) ? 'email_invalid' : 'unknown_email');
      s.signin.email = s.account.email;
      s.signin.step = 'password';
      s.signin.method = '';
    },
    'signin-different': function (s) { s.signin.step = 'email'; s.signin.email = ''; },
    'signin-create': function (s, cfg) { go(s, cfg, 'eul-create'); },
    eid: function (s, cfg) {
      var m = method(cfg, 'eid');
      s.notice = { kind: 'info', text: (m && m.text) || msg(s, cfg, 'not_simulated') };
    },
    method: function (s, cfg, v) { s.signin.method = str(v.value); },
    lost: function (s) { s.signin.step = 'lost'; },
    'lost-send': function (s, cfg, v) {
      var e = trim(v.lost_email);
      if (!e) return err(s, cfg, 'lost_email', 'required');
      var a = findAccount(s, e);
      if (a) sendLink(s, a.active ? 'reset' : 'confirm');
      s.signin.step = s.signin.email ? 'password' : 'email';
      notice(s, cfg, 'reset_sent', 'success', { email: e });
    },
    'signin-back': function (s) { s.signin.step = s.signin.email ? 'password' : 'email'; },
    signin: function (s, cfg, v) {
      var a = s.account;
      var id = str(v.method || s.signin.method);
      s.signin.method = id;
      var m = method(cfg, id);
      var list = methodsFor(s, cfg);
      var errs = [];
      if (!str(v.password)) errs.push({ field: 'password', code: 'required' });
      if (!id) errs.push({ field: 'method', code: 'choose_method' });
      else if (!m || !m.offered || list.indexOf(m) < 0) errs.push({ field: 'method', code: m && !m.offered ? 'sms_retired' : 'method_unavailable' });
      if (addErrors(s, cfg, errs)) return;
      if (m.kind === 'explain') { s.notice = { kind: 'info', text: m.text || msg(s, cfg, 'not_simulated') }; return; }
      if (!a || a.email !== s.signin.email) { s.signin.step = 'email'; return err(s, cfg, 'email', 'unknown_email'); }
      if (!a.active) return err(s, cfg, 'password', 'not_activated');
      if (hash(v.password) !== a.pw) return err(s, cfg, 'password', 'wrong_password');
      var t = s.signin.target;
      var need = target(cfg, t);
      if (m.kind === 'password') {
        if (need.mfa) return err(s, cfg, 'method', 'mfa_needed', { target: need.requires || t });
        return finishSignin(s, cfg, t, 'password', id);
      }
      if (m.kind === 'app-pin' || m.kind === 'app-qr') {
        if (!s.devices.some(function (d) { return d.initialised; })) {
          return err(s, cfg, 'method', t === 'eulogin' ? 'no_device' : 'mfa_needed', { target: cfg.network.name });
        }
        if (m.kind === 'app-pin') {
          s.signin.step = 'wait-app';
          s.app.step = 'auth-pin';
          s.app.error = '';
          notice(s, cfg, 'app_wait');
        } else {
          s.signin.step = 'qr';
          s.signin.qr = makeCode(s, 8, '0123456789');
          s.app.step = 'idle';
          s.app.error = '';
        }
        s.signin.level = 'mfa';
        return;
      }
      if (m.kind === 'sms') {
        var num = normPhone(v.phone);
        if (!num) return err(s, cfg, 'phone', 'required');
        if (!isInternationalPhone(v.phone)) return err(s, cfg, 'phone', 'phone_format');
        if (!s.phones.some(function (p) { return p.verified && p.number === num; })) return err(s, cfg, 'phone', 'no_phone');
        var code = makeCode(s, 3) + '-' + makeCode(s, 3) + '-' + makeCode(s, 3);
        s.signin.sms = code;
        s.signin.phone = num;
        s.signin.step = 'sms';
        addSms(s, fill((cfg.sb.phone || {}).sms_signin, { code: code }));
      }
    },
    'signin-sms': function (s, cfg, v) {
      if (!trim(v.code)) return err(s, cfg, 'code', 'required');
      if (!cfg.smsOffered) return err(s, cfg, 'code', 'sms_retired');
      if (norm(v.code) !== norm(s.signin.sms)) return err(s, cfg, 'code', 'sms_code');
      finishSignin(s, cfg, s.signin.target, 'mfa', 'sms');
    },
    'signin-qr': function (s, cfg, v) {
      if (!trim(v.qr)) return err(s, cfg, 'qr', 'required');
      if (!s.signin.qr || norm(v.qr) !== norm(s.signin.qr)) return err(s, cfg, 'qr', 'qr_code');
      s.app.step = 'idle';
      finishSignin(s, cfg, s.signin.target, 'mfa', 'mobile_app_qr');
    },
    'signin-cancel': function (s, cfg) {
      s.app.step = 'idle';
      var t = s.signin.target;
      s.signin.step = s.signin.email ? 'password' : 'email';
      if (t === 'device') go(s, cfg, 'eul-myaccount');
      else if (t === 'cpms' || t === 'saas') go(s, cfg, 'cpms-login');
      else if (t === 'cpms2') go(s, cfg, 'cpms2-home');
    },

    // --- Account menu and My Account
    myaccount: function (s, cfg) { if (s.auth) go(s, cfg, 'eul-myaccount'); else startSignin(s, cfg, 'eulogin'); },
    logout: function (s, cfg) {
      s.auth = null;
      s.signin.step = s.signin.email ? 'password' : 'email';
      s.signin.target = 'eulogin';
      s.screen = 'eul-signin';
      notice(s, cfg, 'signed_out');
    },
    'manage-phones': function (s, cfg) { go(s, cfg, 'eul-phone-add'); },
    'manage-devices': function (s, cfg) {
      if (hasFactor(s, cfg) && (!s.auth || s.auth.level !== 'mfa')) {
        s.signin.target = 'device';
        s.signin.method = '';
        s.signin.step = 'password';
        s.screen = 'eul-signin';
        return;
      }
      go(s, cfg, 'eul-device-add');
    },
    'manage-keys': function (s, cfg) {
      var m = method(cfg, 'security_key');
      s.notice = { kind: 'info', text: (m && m.text) || msg(s, cfg, 'not_simulated') };
    },
    'back-myaccount': function (s, cfg) { s.challenge = null; go(s, cfg, 'eul-myaccount'); },

    // --- Mobile phone number (SMS)
    'phone-add': function (s, cfg, v) {
      if (!cfg.smsOffered) return err(s, cfg, 'number', 'sms_retired');
      var num = normPhone(v.number);
      if (!num) return err(s, cfg, 'number', 'required');
      if (!isInternationalPhone(v.number)) return err(s, cfg, 'number', 'phone_format');
      if (s.phones.some(function (p) { return p.number === num; })) return err(s, cfg, 'number', 'phone_duplicate');
      startChallenge(s, cfg, num);
      s.screen = 'eul-phone-challenge';
    },
    'phone-finalise': function (s, cfg, v) {
      if (!s.challenge) return go(s, cfg, 'eul-phone-add');
      if (!trim(v.code)) return err(s, cfg, 'code', 'required');
      if (norm(v.code) !== norm(s.challenge.code)) return err(s, cfg, 'code', 'sms_code');
      s.phones.push({ number: s.challenge.number, verified: true });
      s.challenge = null;
      s.screen = 'eul-myaccount';
      notice(s, cfg, 'phone_added', 'success');
    },

    // --- Mobile device and the EU Login app
    'device-add': function (s, cfg, v) {
      if (addErrors(s, cfg, checkDevice(v))) return;
      s.deviceQr = { name: trim(v.name), pin: hash(v.pin) };
      s.app.error = '';
      s.screen = 'eul-device-qr';
    },
    'device-cancel': function (s, cfg) { s.deviceQr = null; s.app.step = 'idle'; go(s, cfg, 'eul-myaccount'); },
    'app-initialise': function (s, cfg) {
      s.app.error = '';
      if (s.screen !== 'eul-device-qr' || !s.deviceQr) return appError(s, cfg, 'no_qr');
      s.app.step = 'init-pin';
    },
    'app-scan': function (s, cfg) {
      s.app.error = '';
      if (!s.devices.some(function (d) { return d.initialised; })) return appError(s, cfg, 'no_device');
      if (s.screen !== 'eul-signin' || s.signin.step !== 'qr') return appError(s, cfg, 'no_qr');
      s.app.step = 'otp';
      s.app.otp = s.signin.qr;
    },
    'app-pin': function (s, cfg, v) {
      s.app.error = '';
      var pin = str(v.pin);
      if (!isPin(pin)) return appError(s, cfg, 'pin_format');
      if (s.app.step === 'init-pin' && s.deviceQr) {
        if (hash(pin) !== s.deviceQr.pin) return appError(s, cfg, 'pin_wrong');
        addDevice(s, s.deviceQr.name, s.deviceQr.pin);
        notice(s, cfg, 'device_added', 'success', { device: s.deviceQr.name });
        s.deviceQr = null;
        s.app.step = 'done-init';
        s.screen = 'eul-myaccount';
        return;
      }
      if (s.app.step === 'auth-pin') {
        var dev = find(s.devices, function (d) { return d.initialised && d.pin === hash(pin); });
        if (!dev) return appError(s, cfg, 'pin_wrong');
        s.app.step = 'done-auth';
        s.notice = null;
        finishSignin(s, cfg, s.signin.target, 'mfa', 'mobile_app_pin');
        s.app.step = 'done-auth';
        return;
      }
      appError(s, cfg, 'no_request');
    },
    'app-cancel': function (s) { s.app.step = 'idle'; s.app.error = ''; },

    // --- SAAS
    'saas-step1': function (s, cfg) { go(s, cfg, 'saas-app'); },
    'saas-step2': function (s, cfg, v) {
      var app = trim(v.app);
      if (!app) return err(s, cfg, 'app', 'app_required');
      if (app !== ((cfg.sb.saas || {}).target_application || 'CPMS')) return err(s, cfg, 'app', 'app_not_cpms');
      s.saas.app = app;
      go(s, cfg, 'saas-org');
    },
    'org-open': function (s, cfg, v, arg) {
      if (s.saas.path.length === 0) {
        if (arg !== cfg.ern.code) return err(s, cfg, 'org', 'org_other_ern');
      } else if (s.saas.path.length >= 2) return;
      s.saas.path.push(arg);
      s.saas.search = '';
      s.saas.page = 1;
    },
    'org-up': function (s) { s.saas.path.pop(); s.saas.search = ''; s.saas.page = 1; },
    'org-search': function (s, cfg, v) { s.saas.search = str(v.value); s.saas.page = 1; },
    'org-perpage': function (s, cfg, v) {
      var n = parseInt(v.value, 10);
      s.saas.perPage = n > 0 ? n : 25;
      s.saas.page = 1;
    },
    'org-page': function (s, cfg, v, arg) { s.saas.page = Math.max(1, parseInt(arg, 10) || 1); },
    'org-select': function (s, cfg, v) {
      var row = find(orgRows(s, cfg), function (r) { return r.key === str(v.value); });
      if (row && row.kind === 'radio') s.saas.org = { code: row.key, name: row.name, label: row.label };
    },
    'saas-step3': function (s, cfg) {
      if (!s.saas.org) return err(s, cfg, 'org', 'org_required');
      go(s, cfg, 'saas-profile');
    },
    'saas-back2': function (s, cfg) { go(s, cfg, 'saas-org'); },
    'saas-step4': function (s, cfg, v) {
      var names = arr(v.profiles).filter(function (n) { return find(cfg.profiles, function (p) { return p.name === n; }); });
      s.saas.profiles = names;
      if (!names.length) return err(s, cfg, 'profiles', 'profile_required');
      go(s, cfg, 'saas-recap');
    },
    'saas-back3': function (s, cfg) { go(s, cfg, 'saas-profile'); },
    'saas-submit': function (s, cfg, v) {
      if (!s.saas.org) return err(s, cfg, 'org', 'org_required');
      if (!s.saas.profiles.length) return err(s, cfg, 'profiles', 'profile_required');
      s.saas.comment = str(v.comment);
      submitRequest(s, cfg);
      s.screen = 'saas-pending';
      notice(s, cfg, 'request_submitted', 'success');
    },
    'saas-cancel': function (s, cfg) {
      s.saas.app = ''; s.saas.path = []; s.saas.org = null; s.saas.profiles = []; s.saas.search = '';
      go(s, cfg, s.saas.request ? 'saas-pending' : 'saas-app');
    },
    'saas-new': function (s, cfg) {
      s.saas.request = null; s.saas.app = ''; s.saas.path = []; s.saas.org = null; s.saas.profiles = []; s.saas.comment = '';
      go(s, cfg, 'saas-app');
    },

    // --- CPMS ERN Preferences
    'prefs-save': function (s, cfg, v) {
      var errs = [];
      if (!trim(v.role)) errs.push({ field: 'role', code: 'prefs_role' });
      if (!arr(v.areas).length) errs.push({ field: 'areas', code: 'prefs_areas' });
      if (addErrors(s, cfg, errs)) return;
      s.prefs = { role: trim(v.role), areas: arr(v.areas), specialist: trim(v.specialist) };
      notice(s, cfg, 'prefs_saved', 'success');
    },

    // --- CPMS 2.0 sign-up
    'c2-member': function (s, cfg, v) { s.c2.member = str(v.value); },
    'c2-next1': function (s, cfg, v) {
      s.c2.member = str(v.member) || s.c2.member;
      if (addErrors(s, cfg, checkSignup1(v, cfg))) return;
      s.c2.p1 = {
        role: str(v.role), member: v.member, hospital: trim(v.hospital), ern: arr(v.ern),
        guest_hospital: trim(v.guest_hospital), invited: arr(v.invited), country: trim(v.country)
      };
      s.screen = 'cpms2-signup-2';
    },
    'c2-back': function (s) { s.screen = 'cpms2-signup-1'; },
    'c2-next2': function (s, cfg, v) {
      if (addErrors(s, cfg, checkSignup2(v, cfg))) return;
      s.c2.p2 = { cares: arr(v.cares), profession: trim(v.profession), areas: arr(v.areas), subarea: trim(v.subarea), focus: trim(v.focus) };
      s.screen = 'cpms2-signup-3';
    },
    'c2-edit': function (s) { s.screen = 'cpms2-signup-1'; },
    'c2-submit': function (s, cfg) {
      if (!s.c2.p1) { s.screen = 'cpms2-signup-1'; return err(s, cfg, 'role', 'c2_role'); }
      if (!s.c2.p2) { s.screen = 'cpms2-signup-2'; return err(s, cfg, 'cares', 'c2_cares'); }
      submitRequest(s, cfg);
      s.screen = 'cpms2-submitted';
      notice(s, cfg, 'c2_submitted', 'success');
    },
    'c2-signout': function (s, cfg) { s.auth = null; go(s, cfg, 'cpms2-home'); },

    // --- panels
    panel: function (s, cfg, v, arg) {
      var open = !s.ui[arg];
      s.ui[arg] = open;
      if (open && arg === 'inbox') s.inbox.forEach(function (m) { m.read = true; });
      if (open && arg === 'phone') s.sms.forEach(function (m) { m.read = true; });
    }
  };

  // ------------------------------------------------------------------ transition

  function transition(state, ev, config) {
    var cfg = compile(config);
    ev = ev || {};
    if (ev.type === 'reset') return initialState(cfg, 'new-user', { seed: ev.seed != null ? ev.seed : (state ? state.seed + 1 : undefined), mode: state && state.mode });
    if (ev.type === 'scenario') {
      var ns = initialState(cfg, ev.scenario, { seed: ev.seed != null ? ev.seed : (state ? state.seed + 7 : undefined), mode: state && state.mode });
      if (ev.screen && screenAllowed(cfg, ev.screen)) go(ns, cfg, ev.screen, true);
      return ns;
    }
    var s = clone(state || initialState(cfg));
    s.fill = null;
    switch (ev.type) {
      case 'go':
        s.errors = []; s.notice = null;
        go(s, cfg, ev.screen, !!ev.deep);
        break;
      case 'action': {
        var fn = ACTIONS[ev.name];
        if (!fn) break;
        if (ev.name.indexOf('app-') !== 0 && ev.name !== 'panel' && ev.name !== 'method' && ev.name !== 'c2-member' &&
          ev.name.indexOf('org-') !== 0) { s.errors = []; s.notice = null; }
        else if (ev.name.indexOf('org-') === 0) s.errors = [];
        s.actions++;
        fn(s, cfg, ev.values || {}, ev.arg);
        break;
      }
      case 'mode':
        if (ev.mode === 'guided' || ev.mode === 'free' || ev.mode === 'test') {
          if (ev.mode === 'test' && s.mode !== 'test') { s.mistakes = []; s.actions = 0; s.testDone = false; }
          s.mode = ev.mode;
        }
        break;
      case 'tick': {
        var mins = Math.max(0, +ev.minutes || 0);
        s.clock += mins;
        var r = request(s, cfg);
        if (r && r.status === 'pending' && s.clock - r.at >= approvalMinutes(cfg)) decide(s, cfg, 'approved');
        break;
      }
      case 'approve':
        if (!decide(s, cfg, 'approved')) notice(s, cfg, 'nothing_pending');
        else notice(s, cfg, 'approved', 'success');
        break;
      case 'reject':
        if (!decide(s, cfg, 'rejected')) notice(s, cfg, 'nothing_pending');
        else notice(s, cfg, 'rejected', 'warning');
        break;
      case 'finish-test':
        s.testDone = true;
        break;
    }
    if (s.mode === 'test' && milestones(s, cfg).every(function (m) { return m.done; })) s.testDone = true;
    return s;
  }

  // ------------------------------------------------------------------ milestones, hints

  function milestoneDone(s, cfg, id) {
    var r = request(s, cfg);
    switch (id) {
      case 'account': return !!s.account;
      case 'password': return !!(s.account && s.account.active);
      case 'phone': return s.phones.some(function (p) { return p.verified; });
      case 'device': return s.devices.some(function (d) { return d.initialised; });
      case 'request': return !!r;
      case 'approved': return !!(r && r.status === 'approved');
      case 'preferences': return !!s.prefs;
    }
    return false;
  }

  function milestones(s, cfg) {
    var labels = cfg.sb.milestones || {};
    return cfg.milestones.map(function (id) { return { id: id, label: labels[id] || id, done: milestoneDone(s, cfg, id) }; });
  }

  function nextMilestone(s, cfg) {
    var m = find(milestones(s, cfg), function (x) { return !x.done; });
    return m ? m.id : 'done';
  }

  function hintKey(s, cfg) {
    var sc = s.screen;
    var next = nextMilestone(s, cfg);
    var r = request(s, cfg);
    switch (sc) {
      case 'cpms-login':
        if (next === 'preferences' || (next === 'done' && !s.prefs)) return 'cpms-login';
        return 'next/' + next;
      case 'cpms2-home':
        return 'next/' + next;
      case 'eul-create': return s.created ? 'eul-create/sent' : 'eul-create';
      case 'eul-password':
        if (s.pw.state === 'set') return 'eul-password';
        if (s.pw.state === 'done' || s.pw.state === 'sent') return 'next/' + next;
        return 'eul-password/expired';
      case 'eul-signin':
        if (s.signin.step === 'done') return 'next/' + next;
        if (s.signin.step === 'password' && target(cfg, s.signin.target).mfa) return 'eul-signin/password-mfa';
        return 'eul-signin/' + s.signin.step;
      case 'eul-myaccount': return 'next/' + next;
      case 'eul-phone-add': return cfg.smsOffered ? 'eul-phone-add' : 'eul-phone-add/no-sms';
      case 'saas-org': return 'saas-org/' + saasLevel(s);
      case 'saas-pending': return r && r.status !== 'pending' ? 'saas-pending/' + r.status : 'saas-pending';
      case 'cpms-preferences': return s.prefs ? 'cpms-preferences/done' : 'cpms-preferences';
      case 'cpms2-submitted': return r && r.status !== 'pending' ? 'cpms2-submitted/' + r.status : 'cpms2-submitted';
    }
    return sc;
  }

  function hint(s, cfg) {
    var hints = cfg.sb.hints || {};
    var key = hintKey(s, cfg);
    var h = hints[key];
    if (h == null) h = hints[key.split('/')[0]];
    if (h && typeof h === 'object') h = h[cfg.system] || h['default'] || '';
    return fill(h || '', vars(s, cfg));
  }

  // ------------------------------------------------------------------ view

  function orgRows(s, cfg) {
    var p = s.saas.path;
    var rows;
    if (p.length === 0) {
      rows = (cfg.d.erns || []).map(function (e) { return { kind: 'open', key: e.code, label: e.code + ' - ' + e.name, name: e.name }; });
      ((cfg.sb.saas || {}).extra_organisations || []).forEach(function (x) { rows.push({ kind: 'open', key: x, label: x, name: x }); });
      rows.sort(function (a, b) { return a.label.toLowerCase() < b.label.toLowerCase() ? -1 : 1; });
    } else if (p.length === 1) {
      rows = (cfg.network.countries || []).map(function (c) {
        var n = (c.institutions || []).length + 1;
        return { kind: 'open', key: c.name, label: c.name, name: c.name, count: n };
      });
    } else {
      var c = find(cfg.network.countries || [], function (x) { return x.name === p[1]; }) || { institutions: [] };
      var g = cfg.network.guest_access || { code: '0000', label: 'Guest Access' };
      rows = [{ kind: 'radio', key: g.code, label: g.code + ' ' + g.label, name: g.label }];
      (c.institutions || []).forEach(function (i) { rows.push({ kind: 'radio', key: i.code, label: i.code + ' - ' + i.name, name: i.name }); });
    }
    return rows;
  }

  function orgView(s, cfg) {
    var all = orgRows(s, cfg);
    var q = trim(s.saas.search).toLowerCase();
    var rows = q ? all.filter(function (r) { return r.label.toLowerCase().indexOf(q) >= 0; }) : all;
    var per = s.saas.perPage || 25;
    var pages = Math.max(1, Math.ceil(rows.length / per));
    var page = Math.min(s.saas.page || 1, pages);
    var start = (page - 1) * per;
    var shown = rows.slice(start, start + per).map(function (r) {
      return { kind: r.kind, key: r.key, label: r.label, selected: !!(s.saas.org && r.kind === 'radio' && s.saas.org.code === r.key), count: r.count };
    });
    var crumbs = [];
    if (s.saas.path.length) {
      var e = find(cfg.d.erns || [], function (x) { return x.code === s.saas.path[0]; });
      crumbs.push(e ? e.code + ' - ' + e.name : s.saas.path[0]);
      if (s.saas.path[1]) crumbs.push(s.saas.path[1]);
    }
    return {
      level: saasLevel(s), rows: shown, crumbs: crumbs, page: page, pages: pages, perPage: per,
      total: rows.length, from: rows.length ? start + 1 : 0, to: Math.min(start + per, rows.length), search: s.saas.search
    };
  }

  function fmtTime(cfg, minutes) {
    var st = str(cfg.clock.start || '09:00').split(':');
    var total = (+st[0] || 0) * 60 + (+st[1] || 0) + (minutes || 0);
    var day = Math.floor(total / 1440);
    var t = total % 1440;
    var hh = ('0' + Math.floor(t / 60)).slice(-2);
    var mm = ('0' + (t % 60)).slice(-2);
    var date = cfg.asOf;
    if (day && isDate(date)) {
      var dt = new Date(date + 'T00:00:00Z');
      dt.setUTCDate(dt.getUTCDate() + day);
      date = dt.toISOString().slice(0, 10);
    }
    return (date ? date + ' ' : '') + hh + ':' + mm;
  }

  function mailView(s, cfg, m) {
    var tpl = (cfg.sb.emails || {})[m.kind] || { from: '', subject: m.kind, body: [] };
    var r = request(s, cfg) || {};
    var extra = {
      minutes: linkMinutes(cfg),
      org: r.org ? r.org.label : '',
      profiles: (r.profiles || []).join(', ')
    };
    var vv = vars(s, cfg, extra);
    return {
      id: m.id, from: tpl.from, subject: fill(tpl.subject, vv), time: fmtTime(cfg, m.at), unread: !m.read,
      body: (tpl.body || []).map(function (b) {
        if (typeof b === 'string') return { text: fill(b, vv) };
        if (b.link) return { link: fill(b.link, vv), action: b.action || 'open-link', arg: m.id };
        if (b.code) return { code: fill(b.code, vv) };
        return { text: '' };
      })
    };
  }

  function phoneView(s, cfg) {
    var t = cfg.sb.phone || {};
    var initialised = s.devices.some(function (d) { return d.initialised; });
    var step = s.app.step;
    var text, input = false, buttons = [];
    if (step === 'init-pin') { text = t.app_init_scanned; input = true; }
    else if (step === 'auth-pin') { text = t.app_auth; input = true; }
    else if (step === 'otp') { text = t.app_otp; }
    else if (step === 'done-init') { text = t.app_done_init; }
    else if (step === 'done-auth') { text = t.app_done_auth; }
    else text = initialised ? t.app_ready : t.app_uninitialised;
    if (step !== 'init-pin' && step !== 'auth-pin') {
      if (!initialised || s.deviceQr) buttons.push('initialise');
      if (initialised) buttons.push('scan');
    }
    return {
      step: step,
      text: fill(text, vars(s, cfg, { device: (find(s.devices, function (d) { return d.initialised; }) || {}).name || '' })),
      otp: step === 'otp' ? s.app.otp : '',
      pin: input,
      buttons: buttons,
      error: s.app.error,
      pending: step === 'auth-pin' || step === 'init-pin',
      sms: s.sms.slice().reverse().map(function (m) { return { id: m.id, time: fmtTime(cfg, m.at), text: m.text, unread: !m.read }; })
    };
  }

  function overview(s, cfg) {
    var p1 = s.c2.p1 || {}, p2 = s.c2.p2 || {}, a = s.account || {};
    var roles = (cfg.sb.cpms2 || {}).role_overview || {};
    return {
      c2_name: a.first ? a.first + ' ' + a.last : '-',
      c2_email: a.email || '-',
      c2_username: a.username || '-',
      c2_role: roles[p1.role] || p1.role || '-',
      c2_ern: (p1.member === 'yes' ? arr(p1.ern) : arr(p1.invited)).join(', ') || '-',
      c2_hospital: (p1.member === 'yes' ? p1.hospital : p1.guest_hospital) || '-',
      c2_country: p1.country || '-',
      c2_cares: arr(p2.cares).join(', ') || '-',
      c2_profession: p2.profession || '-',
      c2_area: arr(p2.areas).join(', ') || '-',
      c2_subarea: p2.subarea || '-',
      c2_focus: p2.focus || '-'
    };
  }

  function statusWord(st) { return st || ''; }

  function prefill(s, cfg) {
    switch (s.screen) {
      case 'saas-app': return { app: s.saas.app };
      case 'saas-profile': return { profiles: s.saas.profiles };
      case 'saas-recap': return { comment: s.saas.comment };
      case 'cpms-preferences': return s.prefs ? { role: s.prefs.role, areas: s.prefs.areas, specialist: s.prefs.specialist } : null;
      case 'cpms2-signup-1': return s.c2.p1;
      case 'cpms2-signup-2': return s.c2.p2;
      case 'eul-signin': return { email: s.signin.email, method: s.signin.method };
    }
    return null;
  }

  function view(state, config) {
    var cfg = compile(config);
    var s = state;
    var def = screenDef(cfg, s.screen) || {};
    var r = request(s, cfg);
    var flags = [];
    function flag(name, on) { if (on) flags.push(name); }
    flag('mode-' + s.mode, true);
    flag('system-' + cfg.system, true);
    flag('signed-in', !!s.auth);
    flag('mfa', !!(s.auth && s.auth.level === 'mfa'));
    flag('sms', cfg.smsOffered);
    flag('created', s.created);
    flag('pw-' + s.pw.state, true);
    flag('si-' + s.signin.step, true);
    flag('si-stronger', s.signin.target === 'device');
    flag('si-requires', !!target(cfg, s.signin.target).requires);
    var sel = method(cfg, s.signin.method);
    flag('si-method-sms', !!(sel && sel.kind === 'sms'));
    flag('has-account', !!s.account);
    flag('has-request', !!r);
    flag('request-' + (r ? r.status : 'none'), true);
    flag('prefs-saved', !!s.prefs);
    flag('c2-member', s.c2.member === 'yes');
    flag('c2-guest', s.c2.member === 'no');
    flag('c2-welcome', !!(s.auth && r && r.status === 'approved' && cfg.system === 'cpms2'));
    flag('cpms-welcome', !!(s.auth && r && r.status === 'approved' && s.prefs && cfg.system === 'saas'));
    flag('test-done', s.testDone);
    flag('sample-account', !!(s.account && s.account.sample));
    flag('device-sample', !!(s.deviceQr && s.deviceQr.sample));
    flag('has-phones', s.phones.length > 0);
    flag('has-devices', s.devices.length > 0);
    flag('inbox-open', s.ui.inbox);
    flag('phone-open', s.ui.phone);
    var level = saasLevel(s);
    flag('org-' + level, true);

    var a = s.account || {};
    var sample = cfg.sample;
    var slots = {
      name: a.first ? a.first + ' ' + a.last : '',
      email: a.email || '',
      username: a.username || '',
      signin_email: s.signin.email,
      signin_phone: s.signin.phone,
      requires: target(cfg, s.signin.target).requires || '',
      challenge_number: s.challenge ? s.challenge.number : '',
      device_name: s.deviceQr ? s.deviceQr.name : '',
      saas_app: s.saas.app,
      saas_org: s.saas.org ? s.saas.org.label : '',
      saas_profiles: s.saas.profiles.join(', '),
      clock: fmtTime(cfg, s.clock),
      pw_rule: cfg.rule.text || '',
      samples: s.pw.samples.join(' '),
      comment_hint: (cfg.network.wording || {}).comment_hint || '',
      approval_time: cfg.network.approval_time || '',
      network: cfg.network.name || '',
      helpdesk: (cfg.network.helpdesk || {}).name || '',
      helpdesk_email: (cfg.network.helpdesk || {}).email || '',
      request_status: r ? r.status : '',
      sample_email: sample.email,
      sample_password: sample.password,
      sample_pin: sample.pin,
      sample_phone: sample.phone,
      prefs_role: s.prefs ? s.prefs.role : '',
      prefs_areas: s.prefs ? s.prefs.areas.join(', ') : '',
      scenario: s.scenario
    };
    var ov = overview(s, cfg);
    for (var k in ov) slots[k] = ov[k];

    var mils = milestones(s, cfg);
    var unreadMail = s.inbox.filter(function (m) { return !m.read; }).length;
    var ph = phoneView(s, cfg);
    var unreadSms = s.sms.filter(function (m) { return !m.read; }).length + (ph.pending ? 1 : 0);
    var title = def.title || s.screen;
    if (s.screen === 'eul-signin' && s.signin.step === 'lost') title = ((cfg.sb.labels || {}).lost_title) || title;
    var stepKey = s.screen + '/' + (s.screen === 'eul-signin' ? s.signin.step : s.screen === 'eul-password' ? s.pw.state :
      s.screen === 'saas-org' ? level + s.saas.path.join('/') : s.screen === 'eul-create' ? String(s.created) : '');

    return {
      screen: s.screen,
      stepKey: stepKey,
      site: def.site || '',
      title: title,
      address: def.address || '',
      flags: flags,
      slots: slots,
      errors: s.errors.slice(),
      notice: s.notice,
      hint: hint(s, cfg),
      hintKey: hintKey(s, cfg),
      guideStep: guideStep(s, cfg),
      banners: bannersFor(cfg, s.screen).map(function (b) { return b.text; }),
      methods: methodsFor(s, cfg).map(function (m) {
        return { id: m.id, label: m.label, description: m.description, selected: m.id === s.signin.method };
      }),
      captcha: s.captcha,
      qr: s.screen === 'eul-device-qr' ? 'dev:' + (s.deviceQr ? s.deviceQr.name + s.deviceQr.pin : '') : s.signin.qr,
      org: s.screen === 'saas-org' ? orgView(s, cfg) : null,
      profiles: cfg.profiles,
      requests: r && cfg.system === 'saas' ? [{
        app: s.saas.request.org ? (cfg.sb.saas || {}).target_application || 'CPMS' : '', org: r.org ? r.org.label : '',
        profiles: (r.profiles || []).join(', '), time: fmtTime(cfg, r.at), status: statusWord(r.status)
      }] : [],
      phones: s.phones.map(function (p) { return p.number; }),
      devices: s.devices.map(function (d) { return d.name; }),
      inbox: s.inbox.slice().reverse().map(function (m) { return mailView(s, cfg, m); }),
      unreadMail: unreadMail,
      phone: ph,
      unreadPhone: unreadSms,
      milestones: mils,
      mode: s.mode,
      test: {
        done: s.testDone,
        mistakes: s.mistakes.map(function (m) {
          var d = screenDef(cfg, m.screen);
          return { screen: d ? d.title : m.screen, msg: m.msg };
        }),
        completed: mils.filter(function (m) { return m.done; }).length,
        total: mils.length,
        actions: s.actions
      },
      prefill: prefill(s, cfg),
      fill: s.fill,
      scenarios: scenarios(cfg).map(function (x) { return { id: x.id, label: x.label }; }),
      scenario: s.scenario,
      ui: s.ui
    };
  }

  function guideStep(s, cfg) {
    var st = find(cfg.steps || [], function (x) { return x.sandbox === s.screen; });
    return st ? { title: st.title, url: st.url || '' } : null;
  }

  // ------------------------------------------------------------------ routes

  function parseRoute(hash) {
    var h = str(hash).replace(/^#/, '');
    if (h.charAt(0) === '/') h = h.slice(1);
    var q = h.indexOf('?');
    var path = q >= 0 ? h.slice(0, q) : h;
    var query = q >= 0 ? h.slice(q + 1) : '';
    var out = { screen: decodeURIComponent(path.replace(/\/+$/, '')), scenario: '' };
    query.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0 && kv.slice(0, i) === 'scenario') out.scenario = decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }
  function formatRoute(screen, scenario) {
    return '#/' + screen + (scenario ? '?scenario=' + encodeURIComponent(scenario) : '');
  }

  return {
    SCREENS: SCREENS,
    compile: compile,
    initialState: initialState,
    transition: transition,
    view: view,
    milestones: function (s, c) { return milestones(s, compile(c)); },
    hint: function (s, c) { return hint(s, compile(c)); },
    hintKey: function (s, c) { return hintKey(s, compile(c)); },
    parseRoute: parseRoute,
    formatRoute: formatRoute,
    screenAllowed: function (c, id) { return screenAllowed(compile(c), id); },
    offeredMethods: function (c) { return offeredMethods(compile(c)); },
    isOffered: function (c, id) { return isOffered(compile(c), id); },
    bannersFor: function (c, screen) { return bannersFor(compile(c), screen); },
    checkPassword: checkPassword,
    checkCreateAccount: checkCreateAccount,
    checkDevice: checkDevice,
    checkSignup1: checkSignup1,
    checkSignup2: checkSignup2,
    isEmail: isEmail,
    isInternationalPhone: isInternationalPhone,
    isPin: isPin,
    passwordGroups: passwordGroups,
    hash: hash,
    fill: fill,
    current: current,
    orgRows: function (s, c) { return orgRows(s, compile(c)); }
  };
});
