'use strict';
// Unit tests of the sandbox flow (themes/default/static/sandbox/flow.js) on the bundled data.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pageConfig, siteWith, REPO } = require('./config');
const F = require(path.join(REPO, 'themes/default/static/sandbox/flow.js'));

const SAMPLE = { first_name: 'Maria', last_name: 'Example', email: 'maria.example@example.org', email_confirm: 'maria.example@example.org' };
const PW = 'Practice-Pass-2026';
// the screen ids of docs/content-model.md
const SCREENS = ['cpms-login', 'cpms2-home', 'eul-create', 'eul-password', 'eul-signin', 'eul-myaccount',
  'eul-phone-add', 'eul-phone-challenge', 'eul-device-add', 'eul-device-qr', 'saas-app', 'saas-org',
  'saas-profile', 'saas-recap', 'saas-pending', 'cpms-preferences', 'cpms2-signup-1', 'cpms2-signup-2',
  'cpms2-signup-3', 'cpms2-submitted'];

// The configs the practice pages of the bundled guides get (`ernguide dump-sandbox`), some on a
// copy of the portal dated otherwise.
const atDate = (asOf) => pageConfig('paedcan', siteWith({ as_of: asOf }));
const paedcan = pageConfig('paedcan');
const old = atDate('2025-05-01');
const cpms2 = pageConfig('paedcan-cpms2');
const rnd = pageConfig('ern-rnd');

function deepFreeze(o) {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const k of Object.keys(o)) deepFreeze(o[k]);
  }
  return o;
}
// Every transition in these tests runs on a frozen state: the flow must never change its input.
function act(s, cfg, name, values = {}, arg) {
  return F.transition(deepFreeze(s), { type: 'action', name, values, arg }, cfg);
}
function ev(s, cfg, e) { return F.transition(deepFreeze(s), e, cfg); }
const codes = (s) => s.errors.map((e) => `${e.field}:${e.code}`);
const lastMail = (s) => s.inbox[s.inbox.length - 1];
const lastSms = (s) => s.sms[s.sms.length - 1];
const smsCode = (s) => /([A-Z0-9]{3}(?:-[A-Z0-9]{3})+)/.exec(lastSms(s).text)[1];

function createAccount(cfg, s = F.initialState(cfg, 'new-user', { seed: 1 })) {
  s = act(s, cfg, 'create-link');
  s = act(s, cfg, 'create-account', { ...SAMPLE, code: s.captcha, privacy: true });
  assert.deepEqual(codes(s), []);
  return s;
}
function setPassword(cfg, s) {
  s = act(s, cfg, 'open-link', {}, lastMail(s).id);
  assert.equal(s.pw.state, 'set');
  s = act(s, cfg, 'set-password', { password: PW, confirm: PW });
  assert.deepEqual(codes(s), []);
  return s;
}
function signIn(cfg, s, method = 'password') {
  if (s.signin.step === 'email') s = act(s, cfg, 'signin-email', { email: SAMPLE.email });
  return act(s, cfg, 'signin', { password: PW, method });
}
function addApp(cfg, s, pin = '2468') {
  s = act(s, cfg, 'myaccount');
  s = act(s, cfg, 'manage-devices');
  assert.equal(s.screen, 'eul-device-add');
  s = act(s, cfg, 'device-add', { name: 'Work Phone', pin, pin_confirm: pin });
  assert.equal(s.screen, 'eul-device-qr');
  s = act(s, cfg, 'app-initialise');
  s = act(s, cfg, 'app-pin', { pin });
  assert.equal(s.screen, 'eul-myaccount');
  return s;
}
function signInApp(cfg, s, pin = '2468') {
  s = act(s, cfg, 'signin', { password: PW, method: 'mobile_app_pin' });
  assert.equal(s.signin.step, 'wait-app');
  return act(s, cfg, 'app-pin', { pin });
}

// ---------------------------------------------------------------- data and as_of

test('every content-model screen and scenario is defined in sandbox.yaml', () => {
  const sb = paedcan.data.sandbox;
  // each page ships the screens of its system (the SMS ones only while SMS is offered)
  const screens = { ...sb.screens, ...cpms2.data.sandbox.screens, ...old.data.sandbox.screens };
  for (const id of SCREENS) assert.ok(screens[id], `screen ${id}`);
  const ids = sb.scenarios.map((x) => x.id);
  assert.deepEqual(ids, ['new-user', 'has-eulogin', 'phone-linked', 'app-initialised', 'access-pending', 'access-approved']);
});

test('SMS is filtered by as_of: gone at the default date, offered before 30 June 2025', () => {
  assert.equal(F.isOffered(paedcan, 'sms'), false);
  assert.equal(F.isOffered(old, 'sms'), true);
  assert.equal(F.isOffered(atDate('2025-06-30'), 'sms'), true, 'last day it was offered');
  assert.equal(F.isOffered(atDate('2025-07-01'), 'sms'), false);
  const s = F.initialState(paedcan, 'has-eulogin');
  const ids = F.view(s, paedcan).methods.map((m) => m.id);
  assert.ok(!ids.includes('sms'));
  assert.ok(ids.includes('security_key'));
  assert.ok(ids.includes('mobile_app_pin'));
  assert.ok(F.view(F.initialState(old, 'has-eulogin'), old).methods.some((m) => m.id === 'sms'));
});

test('the SMS warning banner shows only before 30 June 2025', () => {
  const s = F.initialState(paedcan, 'has-eulogin');
  assert.equal(s.screen, 'eul-signin');
  assert.deepEqual(F.view(s, paedcan).banners, []);
  const b = F.view(F.initialState(old, 'has-eulogin'), old).banners;
  assert.equal(b.length, 1);
  assert.match(b[0], /^WARNING \| 06-05-2025 By 30 June 2025, authentication by SMS will stop/);
  // the boundary, with the same config for the state and the view
  const banners = (asOf) => { const c = atDate(asOf); return F.view(F.initialState(c, 'has-eulogin'), c).banners.length; };
  assert.equal(banners('2025-06-29'), 1, 'last day of the banner');
  assert.equal(banners('2025-06-30'), 0, 'gone on 30 June 2025');
});

test('milestones: phone only while SMS is offered, preferences only for SAAS, ERN-RND order', () => {
  const m = (cfg) => F.milestones(F.initialState(cfg), cfg).map((x) => x.id);
  assert.deepEqual(m(paedcan), ['account', 'password', 'device', 'request', 'approved', 'preferences']);
  assert.deepEqual(m(old), ['account', 'password', 'phone', 'device', 'request', 'approved', 'preferences']);
  assert.deepEqual(m(cpms2), ['account', 'password', 'device', 'request', 'approved']);
  assert.deepEqual(m(rnd), ['account', 'password', 'request', 'approved', 'device', 'preferences']);
});

// ---------------------------------------------------------------- create an account

test('create account: every field empty, box unticked, no code', () => {
  let s = act(F.initialState(paedcan), paedcan, 'create-link');
  assert.equal(s.screen, 'eul-create');
  s = act(s, paedcan, 'create-account', {});
  assert.deepEqual(codes(s), ['first_name:required', 'last_name:required', 'email:required', 'email_confirm:required', 'code:required', 'privacy:privacy']);
  assert.equal(s.account, null);
  assert.equal(s.inbox.length, 0);
});

test('create account: e-mails differ, invalid e-mail, unticked box, wrong code (new code shown)', () => {
  let s = act(F.initialState(paedcan), paedcan, 'create-link');
  const code = s.captcha;
  s = act(s, paedcan, 'create-account', { ...SAMPLE, email_confirm: 'maria@example.org', code, privacy: true });
  assert.deepEqual(codes(s), ['email_confirm:email_mismatch']);
  s = act(s, paedcan, 'create-account', { ...SAMPLE, email: 'maria.example', email_confirm: 'maria.example', code, privacy: true });
  assert.deepEqual(codes(s), ['email:email_invalid']);
  s = act(s, paedcan, 'create-account', { ...SAMPLE, code, privacy: false });
  assert.deepEqual(codes(s), ['privacy:privacy']);
  s = act(s, paedcan, 'create-account', { ...SAMPLE, code: 'WRONG', privacy: true });
  assert.deepEqual(codes(s), ['code:captcha']);
  assert.notEqual(s.captcha, code, 'a wrong code shows a new one');
  assert.equal(s.account, null);
  // the code is case- and space-insensitive
  s = act(s, paedcan, 'create-account', { ...SAMPLE, code: ` ${s.captcha.toLowerCase().split('').join(' ')} `, privacy: true });
  assert.deepEqual(codes(s), []);
  assert.equal(s.account.email, SAMPLE.email);
  assert.equal(s.account.username, 'n00exmar');
  assert.equal(lastMail(s).kind, 'confirm');
  assert.equal(s.notice.code, 'account_created');
});

test('error messages come from sandbox.yaml', () => {
  let s = act(F.initialState(paedcan), paedcan, 'create-link');
  s = act(s, paedcan, 'create-account', { ...SAMPLE, email_confirm: 'x@example.org', code: s.captcha, privacy: true });
  assert.equal(s.errors[0].msg, paedcan.data.sandbox.messages.email_mismatch);
});

test('checkCreateAccount is usable on its own', () => {
  assert.deepEqual(F.checkCreateAccount({ ...SAMPLE, code: 'ab12c', privacy: true }, 'AB12C'), []);
  assert.equal(F.checkCreateAccount({ ...SAMPLE, code: 'AB12D', privacy: true }, 'AB12C')[0].code, 'captcha');
});

// ---------------------------------------------------------------- confirmation link

test('the e-mail link expires after 5 simulated minutes ("a maximum of 5 min"); a new link can be requested', () => {
  let s = createAccount(paedcan);
  s = ev(s, paedcan, { type: 'tick', minutes: 5 });
  let t = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  assert.equal(t.pw.state, 'set', 'still valid at 5 minutes');
  // the clock can also run out while the New password page is open
  t = ev(t, paedcan, { type: 'tick', minutes: 1 });
  t = act(t, paedcan, 'set-password', { password: PW, confirm: PW });
  assert.deepEqual(codes(t), ['link:link_expired']);
  s = ev(s, paedcan, { type: 'tick', minutes: 1 });
  s = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  assert.equal(s.screen, 'eul-password');
  assert.equal(s.pw.state, 'expired');
  assert.deepEqual(codes(s), ['link:link_expired']);
  s = act(s, paedcan, 'request-link', { email: '' });
  assert.deepEqual(codes(s), ['email:required']);
  s = act(s, paedcan, 'request-link', { email: 'someone@example.org' });
  assert.deepEqual(codes(s), ['email:unknown_email']);
  const oldMail = lastMail(s).id;
  s = act(s, paedcan, 'request-link', { email: 'n00exmar' });
  assert.deepEqual(codes(s), []);
  assert.equal(s.inbox.length, 2);
  const replaced = act(s, paedcan, 'open-link', {}, oldMail);
  assert.equal(replaced.pw.state, 'expired', 'an older link no longer works');
  s = setPassword(paedcan, s);
  assert.equal(s.account.active, true);
  const again = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  assert.equal(again.pw.state, 'expired', 'a used link does not work twice');
});

// ---------------------------------------------------------------- passwords

test('password rules: the portal variant (10 characters, all four groups)', () => {
  let s = createAccount(paedcan);
  s = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  const tryPw = (password, confirm = password) => codes(act(s, paedcan, 'set-password', { password, confirm }));
  assert.deepEqual(tryPw('', ''), ['password:required', 'confirm:required']);
  assert.deepEqual(tryPw('Ab1!'), ['password:pw_short']);
  assert.deepEqual(tryPw('Abcdefghij1'), ['password:pw_groups_all']);
  assert.deepEqual(tryPw('Abcdefgh1!', 'Abcdefgh1?'), ['confirm:pw_mismatch']);
  assert.deepEqual(tryPw('Abcdefgh1!', ''), ['confirm:required']);
  assert.deepEqual(tryPw('Abcdefgh1!'), []);
  const msg = act(s, paedcan, 'set-password', { password: 'Ab1!', confirm: 'Ab1!' }).errors[0].msg;
  assert.match(msg, /at least 10 characters/);
});

// A portal whose sandbox enforces the 8-of-3 variant (its page ships that variant only).
const eightOfThree = pageConfig('paedcan', siteWith({
  edits: { 'content/data/sandbox.yaml': [['password_variant: null', 'password_variant: screen-8-of-3-groups']] },
}));

test('password rules: the 8-character / 3-groups / not-the-username variant', () => {
  const rule = eightOfThree.data.eu_login.password_rules.variants.find((v) => v.id === 'screen-8-of-3-groups');
  assert.ok(rule);
  const c = (pw, confirm = pw) => F.checkPassword(pw, confirm, 'n00exmar', rule).map((e) => e.code);
  assert.deepEqual(c('Abcdefg1'), [], '8 characters from 3 groups');
  assert.deepEqual(c('abcdefg1'), ['pw_groups']);
  assert.deepEqual(c('Abc de1'), ['pw_short']);
  assert.deepEqual(c('Xn00EXMAR1'), ['pw_username']);
  assert.deepEqual(c('Abc def 1'), [], 'white space permitted');
  // the sandbox enforces it when sandbox.yaml selects it
  const cfg = eightOfThree;
  let s = createAccount(cfg);
  s = act(s, cfg, 'open-link', {}, lastMail(s).id);
  assert.deepEqual(codes(act(s, cfg, 'set-password', { password: 'Pn00exmar1', confirm: 'Pn00exmar1' })), ['password:pw_username']);
  assert.deepEqual(codes(act(s, cfg, 'set-password', { password: 'Abcdefg1', confirm: 'Abcdefg1' })), []);
});

test('sample passwords follow the rule and can be regenerated', () => {
  const s = act(createAccount(paedcan), paedcan, 'samples');
  assert.equal(s.pw.samples.length, 3);
  for (const p of s.pw.samples) assert.deepEqual(F.checkPassword(p, p, 'n00exmar', paedcan.data.eu_login.password_rules.variants.find((v) => v.id === 'official-2026')), []);
  const t = act(s, paedcan, 'samples');
  assert.notDeepEqual(t.pw.samples, s.pw.samples);
});

test('the typed password is never stored in clear', () => {
  const s = setPassword(paedcan, createAccount(paedcan));
  assert.ok(!JSON.stringify(s).includes(PW));
});

// ---------------------------------------------------------------- sign in

test('sign in: unknown e-mail, choose method, wrong password, password only for EU Login', () => {
  let s = setPassword(paedcan, createAccount(paedcan));
  s = act(s, paedcan, 'proceed');
  assert.equal(s.screen, 'eul-signin');
  assert.equal(s.signin.step, 'password', 'the e-mail is remembered');
  s = act(s, paedcan, 'signin-different');
  s = act(s, paedcan, 'signin-email', { email: '' });
  assert.deepEqual(codes(s), ['email:required']);
  s = act(s, paedcan, 'signin-email', { email: 'other@example.org' });
  assert.deepEqual(codes(s), ['email:unknown_email']);
  s = act(s, paedcan, 'signin-email', { email: SAMPLE.email });
  assert.equal(s.signin.step, 'password');
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: '', method: '' })), ['password:required', 'method:choose_method']);
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: 'nope', method: 'password' })), ['password:wrong_password']);
  s = act(s, paedcan, 'signin', { password: PW, method: 'password' });
  assert.deepEqual(codes(s), []);
  assert.equal(s.signin.step, 'done');
  assert.equal(s.auth.level, 'password');
});

test('security key, eID, tokens: listed where offered and explained as not simulated', () => {
  let s = F.initialState(paedcan, 'has-eulogin');
  s = act(s, paedcan, 'signin', { password: PW, method: 'security_key' });
  assert.equal(s.auth, null);
  assert.match(s.notice.text, /cannot simulate a hardware security key/);
  s = act(s, paedcan, 'signin', { password: PW, method: 'token' });
  assert.match(s.notice.text, /staff/);
  s = act(s, paedcan, 'eid');
  assert.match(s.notice.text, /eID/);
  // a method's own explanation is guidance (translated, in the page's language), not a screen text
  assert.equal(s.notice.guide, true);
  const other = act(s, paedcan, 'privacy-statement').notice;
  assert.ok(other && other.text && !other.guide, 'a screen notice is not guidance');
  assert.ok(!F.view(s, paedcan).methods.some((m) => m.id === 'eid'), 'eID is a separate button');
});

test('CPMS needs a second factor: password is not offered, the app is required', () => {
  let s = F.initialState(paedcan, 'has-eulogin');
  s = act(s, paedcan, 'bookmark', {}, 'cpms');
  s = act(s, paedcan, 'cpms-login');
  assert.equal(s.signin.target, 'cpms');
  assert.ok(!F.view(s, paedcan).methods.some((m) => m.id === 'password'));
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: PW, method: 'password' })), ['method:method_unavailable']);
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: PW, method: 'mobile_app_pin' })), ['method:mfa_needed']);
  // SMS is not a way round it after 30 June 2025 (the page has no SMS method any more)
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: PW, method: 'sms', phone: '+32 470 12 34 56' })), ['method:method_unavailable']);
});

test('lost password sends a reset link', () => {
  let s = F.initialState(paedcan, 'has-eulogin');
  s = act(s, paedcan, 'lost');
  assert.equal(s.signin.step, 'lost');
  assert.deepEqual(codes(act(s, paedcan, 'lost-send', { lost_email: '' })), ['lost_email:required']);
  s = act(s, paedcan, 'lost-send', { lost_email: SAMPLE.email });
  assert.equal(lastMail(s).kind, 'reset');
  s = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  assert.equal(s.pw.state, 'set');
  s = act(s, paedcan, 'set-password', { password: 'Another-Pass-99', confirm: 'Another-Pass-99' });
  assert.deepEqual(codes(s), []);
  s = act(s, paedcan, 'proceed');
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: PW, method: 'password' })), ['password:wrong_password']);
  assert.deepEqual(codes(act(s, paedcan, 'signin', { password: 'Another-Pass-99', method: 'password' })), []);
});

// ---------------------------------------------------------------- phone number (SMS)

test('SMS phone linking before 30 June 2025: format, wrong challenge code, success', () => {
  let s = F.initialState(old, 'has-eulogin');
  s = signIn(old, s);
  s = act(s, old, 'myaccount');
  assert.equal(s.screen, 'eul-myaccount');
  s = act(s, old, 'manage-phones');
  assert.equal(s.screen, 'eul-phone-add');
  assert.deepEqual(codes(act(s, old, 'phone-add', { number: '' })), ['number:required']);
  assert.deepEqual(codes(act(s, old, 'phone-add', { number: '0470 12 34 56' })), ['number:phone_format']);
  s = act(s, old, 'phone-add', { number: '+32 470 12 34 56' });
  assert.equal(s.screen, 'eul-phone-challenge');
  assert.match(lastSms(s).text, /challenge code/);
  assert.deepEqual(codes(act(s, old, 'phone-finalise', { code: '' })), ['code:required']);
  assert.deepEqual(codes(act(s, old, 'phone-finalise', { code: '000-000' })), ['code:sms_code']);
  s = act(s, old, 'phone-finalise', { code: smsCode(s) });
  assert.deepEqual(codes(s), []);
  assert.equal(s.screen, 'eul-myaccount');
  assert.equal(s.notice.text, 'Number successfully registered');
  assert.equal(s.phones.length, 1);
  assert.ok(!JSON.stringify(s).includes('470123456') && !JSON.stringify(s).includes('470 12 34 56'), 'the number is not kept in clear');
  assert.deepEqual(F.view(s, old).phones, ['+32 \u2026 56']);
  assert.deepEqual(codes(act(act(s, old, 'manage-phones'), old, 'phone-add', { number: '+32 470 123 456' })), ['number:phone_duplicate']);
});

test('no SMS challenge at the default as_of', () => {
  let s = signIn(paedcan, F.initialState(paedcan, 'has-eulogin'));
  s = act(act(s, paedcan, 'myaccount'), paedcan, 'manage-phones');
  assert.ok(!F.view(s, paedcan).flags.includes('sms'));
  s = act(s, paedcan, 'phone-add', { number: '+32 470 12 34 56' });
  assert.deepEqual(codes(s), ['number:sms_retired']);
  assert.equal(s.sms.length, 0);
});

test('SMS sign-in before 30 June 2025: unregistered number, wrong code, then success', () => {
  let s = F.initialState(old, 'phone-linked');
  s = act(s, old, 'bookmark', {}, 'cpms');
  s = act(s, old, 'cpms-request');
  assert.equal(s.signin.target, 'saas');
  assert.deepEqual(codes(act(s, old, 'signin', { password: PW, method: 'sms', phone: '+32 499 99 99 99' })), ['phone:no_phone']);
  s = act(s, old, 'signin', { password: PW, method: 'sms', phone: '+32 123 45 67 89' });
  assert.equal(s.signin.step, 'sms');
  assert.deepEqual(codes(act(s, old, 'signin-sms', { code: 'AAA-BBB-CCC' })), ['code:sms_code']);
  s = act(s, old, 'signin-sms', { code: smsCode(s) });
  assert.equal(s.auth.level, 'mfa');
  assert.equal(s.screen, 'saas-app');
});

// ---------------------------------------------------------------- mobile device and app

test('add a mobile device: name, PIN of 4 digits, PIN mismatch', () => {
  let s = signIn(paedcan, F.initialState(paedcan, 'has-eulogin'));
  s = act(act(s, paedcan, 'myaccount'), paedcan, 'manage-devices');
  assert.equal(s.screen, 'eul-device-add', 'a new account adds the app with its password only');
  assert.deepEqual(codes(act(s, paedcan, 'device-add', {})), ['name:required', 'pin:required', 'pin_confirm:required']);
  assert.deepEqual(codes(act(s, paedcan, 'device-add', { name: 'Work Phone', pin: '12a4', pin_confirm: '12a4' })), ['pin:pin_format']);
  assert.deepEqual(codes(act(s, paedcan, 'device-add', { name: 'Work Phone', pin: '12345', pin_confirm: '12345' })), ['pin:pin_format']);
  assert.deepEqual(codes(act(s, paedcan, 'device-add', { name: 'Work Phone', pin: '1234', pin_confirm: '1243' })), ['pin_confirm:pin_mismatch']);
  s = act(s, paedcan, 'device-add', { name: 'Work Phone', pin: '2468', pin_confirm: '2468' });
  assert.equal(s.screen, 'eul-device-qr');
});

test('initialise the app: needs the QR on screen, confirms with the PIN', () => {
  let s = signIn(paedcan, F.initialState(paedcan, 'has-eulogin'));
  let t = act(s, paedcan, 'app-initialise');
  assert.match(t.app.error, /no QR code/i);
  s = act(act(s, paedcan, 'myaccount'), paedcan, 'manage-devices');
  s = act(s, paedcan, 'device-add', { name: 'Work Phone', pin: '2468', pin_confirm: '2468' });
  s = act(s, paedcan, 'app-initialise');
  assert.equal(s.app.step, 'init-pin');
  t = act(s, paedcan, 'app-pin', { pin: '1111' });
  assert.match(t.app.error, /Wrong PIN/);
  assert.equal(t.devices.length, 0);
  t = act(s, paedcan, 'app-pin', { pin: '12' });
  assert.match(t.app.error, /exactly 4 digits/);
  s = act(s, paedcan, 'app-pin', { pin: '2468' });
  assert.equal(s.devices.length, 1);
  assert.equal(s.screen, 'eul-myaccount');
  assert.match(s.notice.text, /Work Phone/);
  assert.ok(!JSON.stringify(s).includes('"2468"'), 'the PIN is not stored in clear');
});

test('with a second factor, managing devices asks for stronger authentication', () => {
  let s = F.initialState(paedcan, 'app-initialised');
  s = act(s, paedcan, 'bookmark', {}, 'eulogin');
  s = signIn(paedcan, s);
  s = act(act(s, paedcan, 'myaccount'), paedcan, 'manage-devices');
  assert.equal(s.screen, 'eul-signin');
  assert.ok(F.view(s, paedcan).flags.includes('si-stronger'));
  assert.ok(!F.view(s, paedcan).methods.some((m) => m.id === 'password'));
  s = signInApp(paedcan, s, '1234');
  assert.equal(s.screen, 'eul-device-add');
});

test('sign in with the app PIN: the phone asks for the PIN; a wrong PIN is refused', () => {
  let s = F.initialState(paedcan, 'app-initialised');
  s = act(s, paedcan, 'cpms-request');
  s = act(s, paedcan, 'signin', { password: PW, method: 'mobile_app_pin' });
  assert.equal(s.signin.step, 'wait-app');
  assert.equal(s.app.step, 'auth-pin');
  assert.ok(F.view(s, paedcan).phone.pending);
  const t = act(s, paedcan, 'app-pin', { pin: '9999' });
  assert.match(t.app.error, /Wrong PIN/);
  assert.equal(t.auth, null);
  s = act(s, paedcan, 'app-pin', { pin: '1234' });
  assert.equal(s.auth.level, 'mfa');
  assert.equal(s.screen, 'saas-app');
});

test('sign in with the app QR code: the app shows a one-time code; a wrong code is refused', () => {
  let s = F.initialState(paedcan, 'app-initialised');
  s = act(s, paedcan, 'cpms-login');
  s = act(s, paedcan, 'signin', { password: PW, method: 'mobile_app_qr' });
  assert.equal(s.signin.step, 'qr');
  assert.deepEqual(codes(act(s, paedcan, 'signin-qr', { qr: '' })), ['qr:required']);
  assert.deepEqual(codes(act(s, paedcan, 'signin-qr', { qr: '00000000' })), ['qr:qr_code']);
  s = act(s, paedcan, 'app-scan');
  assert.equal(s.app.step, 'otp');
  assert.equal(F.view(s, paedcan).phone.otp.length, 8);
  s = act(s, paedcan, 'signin-qr', { qr: s.app.otp });
  assert.equal(s.auth.level, 'mfa');
  assert.equal(s.screen, 'cpms-login', 'not authorised yet: back on CPMS with a notice');
  assert.match(s.notice.text, /not yet authorised/);
});

// ---------------------------------------------------------------- SAAS

function toOrg(cfg, s) {
  s = act(s, cfg, 'cpms-request');
  if (s.screen === 'eul-signin') s = signIn(cfg, s);
  assert.equal(s.screen, 'saas-app');
  return s;
}

test('SAAS step 1: an application must be chosen, and it must be CPMS', () => {
  let s = toOrg(paedcan, F.initialState(paedcan, 'has-eulogin'));
  assert.deepEqual(codes(act(s, paedcan, 'saas-step2', { app: '' })), ['app:app_required']);
  assert.deepEqual(codes(act(s, paedcan, 'saas-step2', { app: 'EUROPHYT' })), ['app:app_not_cpms']);
  s = act(s, paedcan, 'saas-step2', { app: 'CPMS' });
  assert.equal(s.screen, 'saas-org');
  assert.equal(paedcan.data.sandbox.saas.target_application, 'CPMS');
});

test('SAAS step 2: ERN list, Open, countries, institutions with codes and Guest Access, search, paging, Up', () => {
  let s = toOrg(paedcan, F.initialState(paedcan, 'has-eulogin'));
  s = act(s, paedcan, 'saas-step2', { app: 'CPMS' });
  let v = F.view(s, paedcan).org;
  assert.equal(v.level, 'ern');
  assert.equal(v.total, 25, '24 ERNs and COVID-19');
  assert.equal(v.rows.length, 25, '25 records per page');
  assert.ok(v.rows.some((r) => r.label === 'PaedCAN - Paediatric Cancer'));
  s = act(s, paedcan, 'org-perpage', { value: '10' });
  v = F.view(s, paedcan).org;
  assert.deepEqual([v.rows.length, v.pages, v.from, v.to], [10, 3, 1, 10]);
  s = act(s, paedcan, 'org-page', {}, '3');
  assert.equal(F.view(s, paedcan).org.rows.length, 5);
  s = act(s, paedcan, 'org-search', { value: 'paed' });
  v = F.view(s, paedcan).org;
  assert.deepEqual(v.rows.map((r) => r.key), ['PaedCAN']);
  assert.deepEqual(codes(act(s, paedcan, 'org-open', {}, 'BOND')), ['org:org_other_ern']);
  assert.deepEqual(codes(act(s, paedcan, 'saas-step3')), ['org:org_required']);
  s = act(s, paedcan, 'org-open', {}, 'PaedCAN');
  v = F.view(s, paedcan).org;
  assert.equal(v.level, 'country');
  assert.deepEqual(v.crumbs, ['PaedCAN - Paediatric Cancer']);
  assert.equal(v.search, '', 'search is cleared when opening');
  s = act(s, paedcan, 'org-open', {}, 'Italy');
  v = F.view(s, paedcan).org;
  assert.equal(v.level, 'institution');
  assert.deepEqual(v.crumbs, ['PaedCAN - Paediatric Cancer', 'Italy']);
  assert.equal(v.rows[0].label, '000 Guest Access', 'as PaedCAN\'s list screen shows it');
  assert.ok(v.rows.some((r) => r.label === '037 - Foundation IRCCS Polyclinic San Matteo, Pavia'));
  s = act(s, paedcan, 'org-up');
  assert.equal(F.view(s, paedcan).org.level, 'country');
  s = act(s, paedcan, 'org-open', {}, 'Italy');
  s = act(s, paedcan, 'org-select', { value: '037' });
  s = act(s, paedcan, 'saas-step3');
  assert.equal(s.screen, 'saas-profile');
  assert.equal(s.saas.org.label, '037 - Foundation IRCCS Polyclinic San Matteo, Pavia');
});

test('SAAS step 3: at least one access profile, from the network list with status and description', () => {
  let s = F.transition(F.initialState(paedcan, 'has-eulogin'), { type: 'go', screen: 'saas-profile', deep: true }, paedcan);
  assert.equal(s.screen, 'saas-profile');
  const profiles = F.view(s, paedcan).profiles;
  assert.deepEqual(profiles.map((p) => p.name), ['Coordinator', 'Dispatcher', 'HP', 'Panel Manager ERN', 'Panel Manager HCP', 'Researcher']);
  assert.equal(F.view(F.initialState(rnd), rnd).profiles.length, 4);
  s = act(s, paedcan, 'saas-step4', { profiles: [] });
  assert.deepEqual(codes(s), ['profiles:profile_required']);
  s = act(s, paedcan, 'saas-step4', { profiles: ['HP'] });
  assert.equal(s.screen, 'saas-recap');
});

// Each profile's description is part of the page's HTML (templates/sandbox/saas.html), not of the
// flow's data: tests/bundled.rs checks it on the built practice pages.

test('SAAS recap, submit, pending; approval by trainer, by the clock, or rejection, by e-mail', () => {
  let s = F.transition(F.initialState(rnd, 'has-eulogin'), { type: 'go', screen: 'saas-recap', deep: true }, rnd);
  s = act(s, rnd, 'saas-submit', { comment: 'Neurologist' });
  assert.equal(s.screen, 'saas-pending');
  assert.equal(s.saas.request.status, 'pending');
  assert.equal(s.saas.request.comment, 'Neurologist');
  const approved = ev(s, rnd, { type: 'approve' });
  assert.equal(approved.saas.request.status, 'approved');
  assert.equal(lastMail(approved).kind, 'approved');
  assert.match(F.view(approved, rnd).inbox[0].subject, /approved/);
  const rejected = ev(s, rnd, { type: 'reject' });
  assert.equal(rejected.saas.request.status, 'rejected');
  assert.equal(lastMail(rejected).kind, 'rejected');
  assert.equal(ev(rejected, rnd, { type: 'approve' }).saas.request.status, 'rejected', 'nothing pending any more');
  const renewed = act(rejected, rnd, 'saas-new');
  assert.equal(renewed.saas.request, null);
  assert.equal(renewed.screen, 'saas-app');
  let t = ev(s, rnd, { type: 'tick', minutes: 60 });
  assert.equal(t.saas.request.status, 'pending');
  t = ev(t, rnd, { type: 'tick', minutes: 1440 });
  assert.equal(t.saas.request.status, 'approved', 'the clock approves a pending request');
});

// ---------------------------------------------------------------- CPMS preferences

test('CPMS first login: ERN Preferences with the network thematic areas', () => {
  let s = F.initialState(rnd, 'access-approved');
  assert.equal(s.screen, 'cpms-login');
  s = act(s, rnd, 'cpms-login');
  s = signInApp(rnd, s, '1234');
  assert.equal(s.screen, 'cpms-home', 'seed 002: log in, then ERN > ERN Preferences');
  s = act(s, rnd, 'cpms-prefs');
  assert.equal(s.screen, 'cpms-preferences');
  assert.deepEqual(codes(act(s, rnd, 'prefs-save', {})), ['role:prefs_role', 'areas:prefs_areas']);
  s = act(s, rnd, 'prefs-save', { role: 'Neurologist', areas: ['Leukodystrophies'], specialist: 'ataxias' });
  assert.deepEqual(codes(s), []);
  assert.equal(s.prefs.role, 'Neurologist');
  assert.ok(F.milestones(s, rnd).every((m) => m.done));
});

// ---------------------------------------------------------------- CPMS 2.0

test('CPMS 2.0 sign-up page 1: member and guest required fields', () => {
  let s = F.initialState(cpms2, 'app-initialised');
  assert.equal(s.screen, 'cpms2-home');
  s = act(s, cpms2, 'cpms2-login');
  s = signInApp(cpms2, s, '1234');
  assert.equal(s.screen, 'cpms2-signup-1');
  assert.deepEqual(codes(act(s, cpms2, 'c2-next1', {})), ['role:c2_role', 'member:c2_member']);
  assert.deepEqual(codes(act(s, cpms2, 'c2-next1', { role: 'Clinician', member: 'yes' })), ['hospital:c2_hospital', 'ern:c2_ern']);
  assert.deepEqual(codes(act(s, cpms2, 'c2-next1', { role: 'Clinician', member: 'no' })),
    ['guest_hospital:c2_hospital', 'invited:c2_invited', 'country:c2_country']);
  const guest = act(s, cpms2, 'c2-next1', { role: 'Assistant', member: 'no', guest_hospital: 'Example Hospital', invited: ['PaedCAN'], country: 'Austria' });
  assert.equal(guest.screen, 'cpms2-signup-2');
  s = act(s, cpms2, 'c2-next1', { role: 'Clinician', member: 'yes', hospital: 'AOU Siena', ern: ['PaedCAN'] });
  assert.equal(s.screen, 'cpms2-signup-2');
  assert.equal(cpms2.data.erns.length, 24, '"Which ERN invited you" lists 24 networks');
});

test('CPMS 2.0 page 2, overview, edit, submit, approval', () => {
  let s = F.transition(F.initialState(cpms2, 'app-initialised'), { type: 'go', screen: 'cpms2-signup-2', deep: true }, cpms2);
  assert.equal(s.screen, 'cpms2-signup-2');
  assert.deepEqual(codes(act(s, cpms2, 'c2-next2', {})), ['cares:c2_cares', 'profession:c2_profession', 'areas:c2_area']);
  s = act(s, cpms2, 'c2-next2', { cares: ['Pediatric'], profession: 'Paediatrician', areas: ['Solid Tumour'], focus: 'neuroblastoma' });
  assert.equal(s.screen, 'cpms2-signup-3');
  const slots = F.view(s, cpms2).slots;
  assert.equal(slots.c2_role, 'Healthcare Professional');
  assert.equal(slots.c2_area, 'Solid Tumour');
  assert.equal(slots.c2_focus, 'neuroblastoma');
  assert.equal(slots.c2_email, SAMPLE.email);
  assert.equal(act(s, cpms2, 'c2-edit').screen, 'cpms2-signup-1');
  s = act(s, cpms2, 'c2-submit');
  assert.equal(s.screen, 'cpms2-submitted');
  assert.equal(s.c2.request.status, 'pending');
  s = ev(s, cpms2, { type: 'approve' });
  assert.equal(lastMail(s).kind, 'c2_approved');
  assert.ok(F.milestones(s, cpms2).every((m) => m.done));
  assert.equal(s.auth, null, 'days passed: the EU Login session has ended');
  s = act(act(s, cpms2, 'go-cpms2'), cpms2, 'cpms2-login');
  s = signInApp(cpms2, s, '1234');
  assert.equal(s.screen, 'cpms2-home');
  assert.ok(F.view(s, cpms2).flags.includes('c2-welcome'));
});

// ---------------------------------------------------------------- scenarios, deep links, routes

test('scenarios put the earlier steps in place', () => {
  const done = (cfg, id) => F.milestones(F.initialState(cfg, id), cfg).filter((m) => m.done).map((m) => m.id);
  assert.deepEqual(done(paedcan, 'new-user'), []);
  assert.deepEqual(done(paedcan, 'has-eulogin'), ['account', 'password']);
  assert.deepEqual(done(old, 'phone-linked'), ['account', 'password', 'phone']);
  assert.deepEqual(done(paedcan, 'app-initialised'), ['account', 'password', 'device']);
  assert.deepEqual(done(paedcan, 'access-pending'), ['account', 'password', 'device', 'request']);
  assert.deepEqual(done(paedcan, 'access-approved'), ['account', 'password', 'device', 'request', 'approved']);
  assert.deepEqual(done(cpms2, 'access-approved'), ['account', 'password', 'device', 'request', 'approved']);
  const pending = F.initialState(cpms2, 'access-pending');
  assert.equal(pending.screen, 'cpms2-submitted');
});

test('a deep link to any screen of the system opens it with what it needs', () => {
  for (const [cfg, sys] of [[paedcan, 'saas'], [cpms2, 'cpms2']]) {
    for (const id of SCREENS) {
      const s = ev(F.initialState(cfg), cfg, { type: 'scenario', scenario: 'new-user', screen: id });
      const def = cfg.data.sandbox.screens[id];
      // the page ships only the screens of its system, and the SMS ones while SMS is offered
      if (!def || (def.systems && !def.systems.includes(sys)) || (def.sms_only && !F.isOffered(cfg, 'sms'))) {
        assert.equal(s.screen, cfg.data.sandbox.systems[sys].start, `${id} does not exist for ${sys}`);
        continue;
      }
      assert.equal(s.screen, id, `${sys}: ${id}`);
      const v = F.view(s, cfg);
      assert.ok(v.title, `${id} has a title`);
    }
  }
  const p = ev(F.initialState(paedcan), paedcan, { type: 'scenario', scenario: 'new-user', screen: 'eul-password' });
  assert.equal(p.pw.state, 'set', 'the password screen gets a fresh link');
  const c = ev(F.initialState(old), old, { type: 'scenario', scenario: 'has-eulogin', screen: 'eul-phone-challenge' });
  assert.ok(c.challenge && c.sms.length === 1, 'the challenge screen gets an SMS');
});

test('routes: #/<screen>?scenario=<id>', () => {
  assert.deepEqual(F.parseRoute('#/eul-create?scenario=new-user'), { screen: 'eul-create', scenario: 'new-user' });
  assert.deepEqual(F.parseRoute('#/saas-org'), { screen: 'saas-org', scenario: '' });
  assert.deepEqual(F.parseRoute(''), { screen: '', scenario: '' });
  assert.equal(F.formatRoute('saas-app', 'has-eulogin'), '#/saas-app?scenario=has-eulogin');
  assert.equal(F.formatRoute('saas-app'), '#/saas-app');
});

// ---------------------------------------------------------------- modes, hints

test('a whole SAAS run has a guided hint on every screen', () => {
  const cfg = old;
  const seen = [];
  const check = (s) => { const v = F.view(s, cfg); seen.push(v.hintKey); assert.ok(v.hint, `hint for ${v.hintKey}`); return s; };
  let s = check(F.initialState(cfg, 'new-user', { seed: 5 }));
  s = check(act(s, cfg, 'create-link'));
  s = check(act(s, cfg, 'create-account', { ...SAMPLE, code: s.captcha, privacy: true }));
  s = check(act(s, cfg, 'open-link', {}, lastMail(s).id));
  s = check(act(s, cfg, 'set-password', { password: PW, confirm: PW }));
  s = check(act(s, cfg, 'proceed'));
  s = check(act(s, cfg, 'signin', { password: PW, method: 'password' }));
  s = check(act(s, cfg, 'myaccount'));
  s = check(act(s, cfg, 'manage-phones'));
  s = check(act(s, cfg, 'phone-add', { number: '+32 470 12 34 56' }));
  s = check(act(s, cfg, 'phone-finalise', { code: smsCode(s) }));
  s = check(act(s, cfg, 'manage-devices'));
  assert.equal(s.screen, 'eul-signin', 'the linked phone asks for stronger authentication');
  s = check(act(s, cfg, 'signin', { password: PW, method: 'sms', phone: '+32 470 12 34 56' }));
  s = check(act(s, cfg, 'signin-sms', { code: smsCode(s) }));
  s = check(act(s, cfg, 'device-add', { name: 'Work Phone', pin: '2468', pin_confirm: '2468' }));
  s = check(act(s, cfg, 'app-initialise'));
  s = check(act(s, cfg, 'app-pin', { pin: '2468' }));
  s = check(act(s, cfg, 'bookmark', {}, 'cpms'));
  s = check(act(s, cfg, 'cpms-request'));
  s = check(act(s, cfg, 'saas-step2', { app: 'CPMS' }));
  s = check(act(s, cfg, 'org-open', {}, 'PaedCAN'));
  s = check(act(s, cfg, 'org-open', {}, 'Italy'));
  s = check(act(s, cfg, 'org-select', { value: '000' }));
  s = check(act(s, cfg, 'saas-step3'));
  s = check(act(s, cfg, 'saas-step4', { profiles: ['HP'] }));
  s = check(act(s, cfg, 'saas-submit', { comment: '' }));
  s = check(ev(s, cfg, { type: 'tick', minutes: 1440 }));
  s = check(act(s, cfg, 'go-cpms'));
  s = check(act(s, cfg, 'cpms-login'));
  s = check(act(s, cfg, 'signin', { password: PW, method: 'mobile_app_pin' }));
  s = check(act(s, cfg, 'app-pin', { pin: '2468' }));
  assert.equal(s.screen, 'cpms-home');
  s = check(act(s, cfg, 'cpms-prefs'));
  s = check(act(s, cfg, 'prefs-save', { role: 'Paediatrician', areas: ['Solid Tumour'] }));
  assert.ok(F.milestones(s, cfg).every((m) => m.done));
  assert.ok(seen.includes('eul-signin/sms'));
  assert.ok(seen.includes('cpms-preferences/done'));
});

test('transition never changes its input and unknown events are harmless', () => {
  const s = deepFreeze(F.initialState(paedcan));
  const before = JSON.stringify(s);
  const t = F.transition(s, { type: 'action', name: 'no-such-action' }, paedcan);
  assert.equal(JSON.stringify(s), before, 'the input is unchanged');
  assert.equal(t.screen, s.screen, 'an unknown action changes nothing visible');
  assert.deepEqual(t.errors, []);
  assert.equal(F.transition(s, { type: 'nonsense' }, paedcan).screen, s.screen);
  assert.equal(F.transition(s, { type: 'go', screen: 'not-a-screen' }, paedcan).screen, 'cpms-login');
});

test('reset starts over', () => {
  const s = F.initialState(paedcan, 'access-approved');
  const r = ev(s, paedcan, { type: 'reset' });
  assert.equal(r.account, null);
  assert.equal(r.screen, 'cpms-login');
  assert.equal(r.inbox.length, 0);
});
