'use strict';
// Unit tests of the sandbox as a place to learn (issue 13): the learner's own state, modes and the
// test, the certificate's check code, the real sequence after approval, the rules, the clock and
// the Trainer panel's list. Pure flow (themes/default/static/sandbox/flow.js) on the bundled data.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pageConfig, siteWith, REPO } = require('./config');
const F = require(path.join(REPO, 'themes/default/static/sandbox/flow.js'));

const SAMPLE = { first_name: 'Maria', last_name: 'Example', email: 'maria.example@example.org', email_confirm: 'maria.example@example.org' };
const OWN = 'MyOwn!Pass99';
// The configs the practice pages of the bundled guides get (`ernguide dump-sandbox`).
const paedcan = pageConfig('paedcan');
const cpms2 = pageConfig('paedcan-cpms2');
const old = pageConfig('paedcan', siteWith({ as_of: '2025-05-01' }));

const act = (s, cfg, name, values = {}, arg) => F.transition(s, { type: 'action', name, values, arg }, cfg);
const ev = (s, cfg, e) => F.transition(s, e, cfg);
const codes = (s) => s.errors.map((e) => `${e.field}:${e.code}`);
const lastMail = (s) => s.inbox[s.inbox.length - 1];

// a learner's own account with their own password
function own(cfg = paedcan) {
  let s = act(F.initialState(cfg, 'new-user', { seed: 3 }), cfg, 'create-link');
  s = act(s, cfg, 'create-account', { ...SAMPLE, code: s.captcha, privacy: true });
  s = act(s, cfg, 'open-link', {}, lastMail(s).id);
  s = act(s, cfg, 'set-password', { password: OWN, confirm: OWN });
  assert.deepEqual(codes(s), []);
  return act(s, cfg, 'proceed');
}
const signin = (s, cfg, password) => act(s, cfg, 'signin', { password, method: 'password' });

// ---------------------------------------------------------------- 1. the learner's own state

test('progress: a new user or a fresh scenario has none; any action of the learner is progress', () => {
  assert.equal(F.hasProgress(F.initialState(paedcan)), false);
  assert.equal(F.hasProgress(F.initialState(paedcan, 'access-approved')), false);
  assert.equal(F.hasProgress(act(F.initialState(paedcan), paedcan, 'create-link')), true);
  assert.equal(F.hasProgress(act(F.initialState(paedcan), paedcan, 'panel', {}, 'inbox')), false, 'opening the Inbox is not progress');
});

test('a deep link that continues with the practice account keeps the learner\'s own password', () => {
  let s = own();
  s = ev(s, paedcan, { type: 'go', screen: 'eul-signin', deep: true });
  assert.equal(s.screen, 'eul-signin');
  assert.deepEqual(codes(signin(s, paedcan, OWN)), []);
  assert.deepEqual(codes(signin(s, paedcan, 'Practice-Pass-2026')), ['password:wrong_password']);
});

test('reset, a scenario jump and a screen jump can be undone once; the next action ends the undo', () => {
  const mine = own();
  for (const e of [{ type: 'reset' }, { type: 'scenario', scenario: 'access-approved' }, { type: 'go', screen: 'saas-recap', deep: true }]) {
    const r = ev(mine, paedcan, e);
    assert.ok(r.undo, `${e.type}: undo offered`);
    assert.ok(F.view(r, paedcan).flags.includes('can-undo'));
    const back = ev(r, paedcan, { type: 'undo' });
    assert.equal(back.undo, null, 'only once');
    assert.equal(back.account.sample, false);
    assert.deepEqual(codes(signin(back, paedcan, OWN)), [], `${e.type}: own password works again`);
    assert.equal(act(r, paedcan, 'create-link').undo, null);
  }
  assert.equal(ev(F.initialState(paedcan), paedcan, { type: 'reset' }).undo, null, 'nothing to undo without progress');
});

test('a scenario\'s example account: its password and PIN are on screen, and the hint names them', () => {
  const s = F.initialState(paedcan, 'app-initialised');
  const v = F.view(s, paedcan);
  assert.ok(v.flags.includes('sample-account'));
  assert.equal(v.slots.sample_password, 'Practice-Pass-2026');
  assert.equal(v.slots.sample_pin, '1234');
  const t = ev(s, paedcan, { type: 'go', screen: 'eul-signin' });
  assert.match(F.hint(t, paedcan), /Practice-Pass-2026/);
  assert.doesNotMatch(F.hint(own(), paedcan), /Practice-Pass-2026/, 'not for the learner\'s own account');
});

test('progress never holds a real-looking personal value: practice e-mail domains, masked phone numbers', () => {
  let s = act(F.initialState(paedcan), paedcan, 'create-link');
  const real = act(s, paedcan, 'create-account', { ...SAMPLE, email: 'maria.rossi@gmail.com', email_confirm: 'maria.rossi@gmail.com', code: s.captcha, privacy: true });
  assert.deepEqual(codes(real), ['email:email_real']);
  assert.equal(real.account, null);
  for (const ok of ['a@example.org', 'a@example.com', 'a@hospital.example', 'a@x.test']) assert.ok(F.isPracticeEmail(ok, paedcan.data.sandbox.practice_email_domains), ok);
  assert.ok(!F.isPracticeEmail('a@example.org.evil.com', paedcan.data.sandbox.practice_email_domains));
  s = F.initialState(old, 'phone-linked');
  assert.ok(!JSON.stringify(s).includes('3212345'));
});

// ---------------------------------------------------------------- 2. modes and the test

test('modes: Guided, Practice (Free is its old name), Test', () => {
  const s = F.initialState(paedcan);
  assert.equal(ev(s, paedcan, { type: 'mode', mode: 'practice' }).mode, 'practice');
  assert.equal(ev(s, paedcan, { type: 'mode', mode: 'free' }).mode, 'practice');
  assert.equal(F.initialState(paedcan, 'new-user', { mode: 'free' }).mode, 'practice');
});

test('practice mode: a mistake is explained with what was expected', () => {
  let s = ev(act(F.initialState(paedcan), paedcan, 'create-link'), paedcan, { type: 'mode', mode: 'practice' });
  s = act(s, paedcan, 'create-account', {});
  assert.ok(F.view(s, paedcan).flags.includes('has-explain'));
  assert.match(F.view(s, paedcan).slots.explain, /Fill in every field/);
});

test('a test starts from an empty practice account, whatever came before', () => {
  const t = ev(F.initialState(paedcan, 'access-approved'), paedcan, { type: 'mode', mode: 'test', now: 1000 });
  assert.equal(t.mode, 'test');
  assert.equal(t.account, null);
  assert.equal(F.view(t, paedcan).test.completed, 0);
  assert.ok(F.view(t, paedcan).flags.includes('test-running'));
  // the learner's progress before the test is put aside, not lost
  const mine = own();
  const t2 = ev(mine, paedcan, { type: 'mode', mode: 'test', now: 1 });
  assert.equal(ev(t2, paedcan, { type: 'undo' }).account.sample, false);
});

test('a test counts one mistake per wrong action, with what was expected', () => {
  let t = ev(F.initialState(paedcan), paedcan, { type: 'mode', mode: 'test', now: 0 });
  t = act(t, paedcan, 'create-link');
  t = act(t, paedcan, 'create-account', {});
  assert.equal(t.errors.length, 6, 'six fields are wrong');
  const v = F.view(t, paedcan).test;
  assert.equal(v.mistakes.length, 1, 'but it is one wrong action');
  assert.equal(v.mistakes[0].screen, 'Create an account');
  assert.match(v.mistakes[0].msg, /This field is required/);
  assert.match(v.mistakes[0].expected, /Fill in every field/);
});

test('during a test, trainer tools and jumps are refused; switching mode ends it without a result', () => {
  let t = ev(F.initialState(paedcan), paedcan, { type: 'mode', mode: 'test', now: 0 });
  for (const e of [{ type: 'scenario', scenario: 'access-approved' }, { type: 'approve' }, { type: 'tick', minutes: 1440 }, { type: 'go', screen: 'cpms-preferences', deep: true }]) {
    const r = ev(t, paedcan, e);
    assert.equal(r.account, null, e.type);
    assert.equal(r.screen, t.screen, e.type);
    assert.equal(r.notice.code, 'test_locked');
  }
  assert.equal(ev(t, paedcan, { type: 'tick', minutes: 1, auto: true }).clock, 1, 'the clock still moves on by itself');
  t = act(t, paedcan, 'create-link');
  t = act(t, paedcan, 'create-account', {});
  const g = ev(t, paedcan, { type: 'mode', mode: 'guided' });
  assert.equal(g.test, null);
  assert.equal(g.mistakes.length, 1, 'the mistakes stay on record');
});

test('a test ends with a result: milestones, time taken, pass or fail against the flow data threshold', () => {
  let t = ev(F.initialState(paedcan), paedcan, { type: 'mode', mode: 'test', now: 10_000 });
  t = ev(t, paedcan, { type: 'finish-test', now: 70_000 + 5_000 });
  const v = F.view(t, paedcan).test;
  assert.equal(v.done, true);
  assert.equal(v.seconds, 65);
  assert.equal(v.pass, false);
  assert.equal(v.need, v.total, 'null min_milestones: all of them');
  assert.equal(v.max, paedcan.data.sandbox.test.max_mistakes);
  assert.deepEqual(v.milestones.map((m) => m.done), v.milestones.map(() => false));
  // a full run without mistakes passes; more mistakes than the threshold fails
  const cfg = pageConfig('paedcan', siteWith({
    edits: { 'content/data/sandbox.yaml': [['test:\n  min_milestones: null\n  max_mistakes: 3', 'test:\n  min_milestones: 2\n  max_mistakes: 0']] },
  }));
  let s = ev(F.initialState(cfg), cfg, { type: 'mode', mode: 'test', now: 0 });
  s = act(s, cfg, 'create-link');
  s = act(s, cfg, 'create-account', { ...SAMPLE, code: s.captcha, privacy: true });
  s = act(s, cfg, 'open-link', {}, lastMail(s).id);
  s = act(s, cfg, 'set-password', { password: OWN, confirm: OWN });
  const passed = ev(s, cfg, { type: 'finish-test', now: 60_000 });
  assert.equal(F.view(passed, cfg).test.pass, true);
  assert.ok(F.view(passed, cfg).flags.includes('test-pass'));
  assert.equal(F.view(passed, cfg).test.date, '1970-01-01');
  const failed = ev(act(s, cfg, 'set-password', {}), cfg, { type: 'finish-test', now: 60_000 });
  assert.equal(F.view(failed, cfg).test.pass, false);
});

// ---------------------------------------------------------------- 3. certificate check code

test('certificate check code: from name, date, result and session code; short and checkable', () => {
  const c = F.certCode('Maria Example', '2026-11-22', '6/6', 'ROOM7');
  assert.match(c, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(F.certCode('  maria   example ', '2026-11-22', '6/6', 'room7'), c, 'case and spaces do not matter');
  for (const other of [F.certCode('Mario Example', '2026-11-22', '6/6', 'ROOM7'), F.certCode('Maria Example', '2026-11-23', '6/6', 'ROOM7'),
    F.certCode('Maria Example', '2026-11-22', '5/6', 'ROOM7'), F.certCode('Maria Example', '2026-11-22', '6/6', 'ROOM8')]) assert.notEqual(other, c);
});

test('the certificate name is never part of the flow state', () => {
  const s = ev(F.initialState(paedcan), paedcan, { type: 'session', code: 'room7' });
  assert.equal(s.session, 'ROOM7');
  assert.ok(!('certName' in s) && !('name' in s));
});

// ---------------------------------------------------------------- 4. the real sequence and the rules

test('after approval: stale notice replaced, session ended, CPMS home, then ERN > ERN Preferences', () => {
  let s = F.initialState(paedcan, 'access-pending');
  s = act(s, paedcan, 'bookmark', {}, 'cpms');
  s = act(s, paedcan, 'cpms-login');
  s = act(s, paedcan, 'signin', { password: 'Practice-Pass-2026', method: 'mobile_app_pin' });
  s = act(s, paedcan, 'app-pin', { pin: '1234' });
  assert.equal(s.notice.code, 'request_pending');
  s = ev(s, paedcan, { type: 'tick', minutes: 1440 });
  assert.equal(s.notice.code, 'approved', 'the "still pending" notice is gone');
  assert.equal(s.auth, null);
  assert.ok(!F.view(s, paedcan).flags.includes('request-pending'), 'nothing left to approve');
  s = act(s, paedcan, 'cpms-login');
  assert.equal(s.screen, 'eul-signin', 'sign in again, with the app');
  s = act(s, paedcan, 'signin', { password: 'Practice-Pass-2026', method: 'mobile_app_pin' });
  s = act(s, paedcan, 'app-pin', { pin: '1234' });
  assert.equal(s.screen, 'cpms-home');
  assert.match(F.hint(s, paedcan), /"ERN".*"ERN Preferences"/);
  s = act(s, paedcan, 'cpms-prefs');
  assert.equal(s.screen, 'cpms-preferences');
});

test('the username rule is shown and enforced with the portal\'s rule; the variant follows eu_login.yaml', () => {
  let s = act(own(), paedcan, 'lost');
  s = act(s, paedcan, 'lost-send', { lost_email: SAMPLE.email });
  s = act(s, paedcan, 'open-link', {}, lastMail(s).id);
  const v = F.view(s, paedcan);
  const shown = paedcan.data.eu_login.password_rules.shown;
  const variant = paedcan.data.eu_login.password_rules.variants.find((x) => x.id === shown);
  assert.deepEqual(v.rules, [paedcan.data.sandbox.username_rule, variant.text].filter((x, i) => i || !/username/i.test(variant.text)));
  assert.deepEqual(codes(act(s, paedcan, 'set-password', { password: 'Xy!9n00exmarQz', confirm: 'Xy!9n00exmarQz' })), ['password:pw_username']);
  assert.deepEqual(codes(act(s, paedcan, 'set-password', { password: 'Xy!9abcdefQz', confirm: 'Xy!9abcdefQz' })), []);
  // a site choosing the 8-of-3 variant: its text already states the username rule
  const cfg = pageConfig('paedcan', siteWith({
    edits: { 'content/data/eu_login.yaml': [['shown: official-2026', 'shown: screen-8-of-3-groups']] },
  }));
  assert.equal(F.compile(cfg).ruleTexts.length, 1);
  assert.equal(F.compile(cfg).rule.min_length, 8);
});

test('contradictory answers: "None" together with a thematic area is refused', () => {
  let s = act(F.initialState(paedcan, 'access-approved'), paedcan, 'cpms-login');
  s = ev(s, paedcan, { type: 'go', screen: 'cpms-preferences', deep: true });
  assert.deepEqual(codes(act(s, paedcan, 'prefs-save', { role: 'Paediatrician', areas: ['None', 'Solid Tumour'] })), ['areas:prefs_none_and_area']);
  assert.deepEqual(codes(act(s, paedcan, 'prefs-save', { role: 'Paediatrician', areas: ['None'] })), []);
});

test('an answered field loses its error at once (CPMS 2.0 "Choose your role.")', () => {
  let s = ev(F.initialState(cpms2, 'app-initialised'), cpms2, { type: 'go', screen: 'cpms2-signup-1', deep: true });
  s = act(s, cpms2, 'c2-next1', {});
  assert.deepEqual(codes(s), ['role:c2_role', 'member:c2_member']);
  s = ev(s, cpms2, { type: 'fix', field: 'role' });
  assert.deepEqual(codes(s), ['member:c2_member']);
});

test('CPMS 2.0 rejection: the hint says how to recover', () => {
  let s = F.initialState(cpms2, 'access-pending');
  s = ev(s, cpms2, { type: 'reject' });
  assert.equal(F.hintKey(s, cpms2), 'cpms2-submitted/rejected');
  assert.match(F.hint(s, cpms2), /Login/);
});

// ---------------------------------------------------------------- 5. the clock

test('the clock moves on by itself, faster while a request waits', () => {
  const idle = F.pace(F.initialState(paedcan), paedcan);
  const waiting = F.pace(F.initialState(paedcan, 'access-pending'), paedcan);
  assert.deepEqual(idle, paedcan.data.sandbox.clock.auto);
  assert.deepEqual(waiting, paedcan.data.sandbox.clock.waiting);
  assert.ok(waiting.minutes / waiting.seconds > idle.minutes / idle.seconds);
});

// ---------------------------------------------------------------- 6. Trainer panel

test('Trainer panel: on-screen names grouped by site in flow order; SMS screens only while SMS is offered', () => {
  const g = F.screenGroups(paedcan);
  assert.deepEqual(g.map((x) => x.name), ['CPMS', 'EU Login', 'SAAS', 'CPMS']);
  const names = g.flatMap((x) => x.screens.map((y) => y.name));
  assert.ok(names.includes('Add a mobile device: QR code'));
  assert.ok(!names.some((n) => /^[a-z0-9]+-[a-z0-9-]+$/.test(n)), 'no technical ids');
  assert.ok(!g.flatMap((x) => x.screens).some((x) => x.id === 'eul-phone-challenge'));
  assert.ok(F.screenGroups(old).flatMap((x) => x.screens).some((x) => x.id === 'eul-phone-challenge'));
  assert.deepEqual(F.screenGroups(cpms2).map((x) => x.name), ['CPMS 2.0', 'EU Login', 'CPMS 2.0']);
  assert.ok(!F.view(F.initialState(paedcan), paedcan).scenarios.includes('phone-linked'));
  assert.ok(F.view(F.initialState(old), old).scenarios.includes('phone-linked'));
});

test('the guide step offered is the one of what to do next', () => {
  const steps = [{ title: 'Create your EU Login', url: '../eu-login/', sandbox: 'eul-create' }, { title: 'Log in to CPMS', url: '../login/', sandbox: 'cpms-login' }];
  const cfg = { ...paedcan, steps };
  assert.equal(F.guideStep(F.initialState(cfg), cfg).title, 'Create your EU Login');
  const s = act(act(F.initialState(cfg), cfg, 'create-link'), cfg, 'create-account', {});
  assert.equal(F.view(s, cfg).guideStep.title, 'Create your EU Login');
});
