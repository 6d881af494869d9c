'use strict';
// The practice sandbox in headless Chromium: every guide's whole flow, as a user does it (visible
// labels and roles only), with mistakes and recoveries, axe on every screen, and no request
// leaving the page's origin. Also: the SMS screens before 30 June 2025, and a network that is
// not in the bundled portal (tests/fixtures/sandbox-extra), built from data only.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const PW = 'Practice-Pass-2026';
const PIN = '2468';
const EMAIL = 'maria.example@example.org';
const TIMEOUT = { timeout: 5000 };

let browser;
const servers = [];
const sites = {};

async function site(name, dir) {
  if (!sites[name]) {
    const out = lib.buildSite(dir ? { site: dir } : {});
    const server = await lib.serveDir(out);
    servers.push(server);
    sites[name] = { out, server };
  }
  return sites[name];
}

test.before(async () => {
  browser = await lib.launchBrowser({ viewport: { width: 1280, height: 1000 } });
});
test.after(async () => {
  if (browser) await browser.close();
  for (const s of servers) await s.close();
});

// One practising user in one browser tab.
class User {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.checked = new Set();
    this.errors = [];
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  static async open(siteName, guide, hash = '', siteDir) {
    const { server } = await site(siteName, siteDir);
    const page = await browser.context.newPage();
    const guard = await lib.guardRequests(page.context(), server.origin);
    const u = new User(page, guide);
    u.guard = guard;
    u.origin = server.origin;
    page.setDefaultTimeout(5000);
    await page.goto(`${server.url}${guide}/sandbox/index.html${hash}`);
    await page.getByRole('heading', { level: 1, name: /Practice sandbox/ }).waitFor();
    // the sandbox has started: its first render (a task after the page's scripts) put the
    // screen into the address
    await page.waitForFunction(() => /^#\/[a-z0-9-]+/.test(location.hash), null, TIMEOUT);
    return u;
  }

  // axe on each screen the first time it shows (the whole page: screen, devices, panels)
  async axe(label) {
    const screen = await this.screen();
    const k = label || screen;
    if (this.checked.has(k)) return;
    this.checked.add(k);
    const v = await lib.runAxe(this.page);
    assert.equal(v.length, 0, lib.formatViolations(v, `${this.name} ${k}`));
  }

  async screen() {
    return this.page.evaluate(() => location.hash.replace(/^#\//, '').split('?')[0]);
  }
  async expectScreen(id) {
    await this.page.waitForFunction((s) => location.hash === `#/${s}`, id, TIMEOUT);
    // the focus moved to the screen (its heading or the visible sub-step heading)
    await this.axe();
  }
  get frame() { return this.page.locator('.sbx-page'); }
  button(name, scope) { return (scope || this.frame).getByRole('button', { name, exact: true }); }
  async click(name, scope) { await this.button(name, scope).click(); }
  async fill(label, value, scope) { await (scope || this.frame).getByRole('textbox', { name: label, exact: true }).fill(value); }
  async alert(re) {
    await assert.doesNotReject(this.frame.getByText(re).first().waitFor(TIMEOUT), `expected ${re}`);
  }

  // --- devices
  async openInbox() {
    const region = this.page.getByRole('region', { name: 'Inbox', exact: true });
    if (!(await region.isVisible())) await this.page.getByRole('button', { name: /^Inbox/ }).click();
    await region.waitFor();
    return region;
  }
  async openPhone() {
    const region = this.page.getByRole('region', { name: 'Phone', exact: true });
    if (!(await region.isVisible())) await this.page.getByRole('button', { name: /^Phone/ }).click();
    await region.waitFor();
    return region;
  }
  async trainer() {
    const panel = this.page.locator('details.sbx-trainer');
    if (!(await panel.evaluate((d) => d.open))) await this.page.getByText('Trainer panel', { exact: true }).click();
    return panel;
  }
  async bookmark(name) {
    await this.page.getByRole('navigation', { name: 'Simulated bookmarks' }).getByRole('button', { name, exact: true }).click();
  }

  // --- EU Login
  async createAccount({ mistakes = false } = {}) {
    await this.expectScreen('eul-create');
    if (mistakes) {
      await this.click('Create an account');
      await assert.doesNotReject(this.frame.getByText('This field is required.').first().waitFor(TIMEOUT));
      assert.equal(await this.frame.getByLabel('First name', { exact: true }).getAttribute('aria-invalid'), 'true');
    }
    await this.fill('First name', 'Maria');
    await this.fill('Last name', 'Example');
    await this.fill('E-mail', EMAIL);
    await this.fill('Confirm e-mail', mistakes ? 'maria@example.org' : EMAIL);
    const captcha = this.frame.getByRole('img', { name: /^Code/ });
    let code = (await captcha.getAttribute('aria-label')).replace(/^Code:/, '').replace(/\s+/g, '');
    if (mistakes) {
      await this.frame.getByRole('textbox', { name: 'Enter the code' }).fill('WRONG');
      await this.frame.getByRole('checkbox', { name: /privacy statement/ }).check();
      await this.click('Create an account');
      await this.alert(/The e-mail addresses do not match/);
      await this.alert(/The code you entered is not correct/);
      const fresh = (await captcha.getAttribute('aria-label')).replace(/^Code:/, '').replace(/\s+/g, '');
      assert.notEqual(fresh, code, 'a new code after a wrong one');
      code = fresh;
      await this.fill('Confirm e-mail', EMAIL);
      await this.frame.getByRole('checkbox', { name: /privacy statement/ }).uncheck();
      await this.frame.getByRole('textbox', { name: 'Enter the code' }).fill(code);
      await this.click('Create an account');
      await this.alert(/You must tick the box/);
      code = (await captcha.getAttribute('aria-label')).replace(/^Code:/, '').replace(/\s+/g, '');
    }
    await this.frame.getByRole('textbox', { name: 'Enter the code' }).fill(code.toLowerCase());
    await this.frame.getByRole('checkbox', { name: /privacy statement/ }).check();
    await this.click('Create an account');
    await this.alert(/Your account was created/);
  }

  async followMailLink() {
    const inbox = await this.openInbox();
    await this.axe('inbox');
    await inbox.getByRole('link', { name: 'this link' }).first().click();
    await this.expectScreen('eul-password');
  }

  async setPassword({ mistakes = false } = {}) {
    if (mistakes) {
      await this.fill('New password', 'short');
      await this.fill('Confirm new password', 'short');
      await this.click('Submit');
      await this.alert(/at least 10 characters/);
      await this.fill('New password', PW);
      await this.fill('Confirm new password', `${PW}x`);
      await this.click('Submit');
      await this.alert(/The two passwords do not match/);
    }
    await this.fill('New password', PW);
    await this.fill('Confirm new password', PW);
    await this.click('Submit');
    await this.alert(/Your password is set/);
    await this.click('Proceed');
    await this.expectScreen('eul-signin');
  }

  async signIn(method, { email = false } = {}) {
    await this.expectScreen('eul-signin');
    if (email) {
      await this.fill('Enter your email address or unique identifier', EMAIL);
      await this.click('Next');
    }
    await this.frame.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await this.fill('Password', PW);
    await this.frame.getByRole('radio', { name: method, exact: true }).check();
    await this.click('Sign in');
  }

  async confirmOnPhone(pin = PIN) {
    const phone = await this.openPhone();
    await this.axe('phone');
    await phone.getByRole('textbox', { name: 'PIN code' }).fill(pin);
    await phone.getByRole('button', { name: 'Confirm' }).click();
  }

  async myAccount() {
    await this.frame.getByRole('button', { name: /account menu/ }).click();
    await this.click('My Account');
    await this.expectScreen('eul-myaccount');
  }

  async addApp() {
    await this.myAccount();
    await this.frame.getByRole('link', { name: 'Manage my mobile devices' }).click();
    await this.expectScreen('eul-device-add');
    await this.click('Add a mobile device');
    await this.fill('Your device name', 'Work Phone');
    await this.fill('Your 4 digit PIN code', '12');
    await this.fill('Confirm your PIN code', '12');
    await this.click('Submit');
    await this.alert(/exactly 4 digits/);
    await this.fill('Your 4 digit PIN code', PIN);
    await this.fill('Confirm your PIN code', PIN);
    await this.click('Submit');
    await this.expectScreen('eul-device-qr');
    assert.ok(await this.frame.getByRole('img', { name: /QR code/ }).isVisible());
    const phone = await this.openPhone();
    await phone.getByRole('button', { name: 'Initialise' }).click();
    await this.confirmOnPhone();
    await this.expectScreen('eul-myaccount');
    await this.alert(/was added/);
  }

  // --- SAAS
  async requestAccess({ ern, ernName, country, org, profile = 'HP', comment = '' }) {
    await this.expectScreen('saas-app');
    await this.click('Step 2 : select an organisation →');
    await this.alert(/Choose an application/);
    await this.frame.getByRole('combobox', { name: 'Application', exact: true }).selectOption('CPMS');
    await this.click('Step 2 : select an organisation →');
    await this.expectScreen('saas-org');
    await this.frame.getByText('Showing 1 to 25 of 25 entries').waitFor();
    await this.frame.getByRole('searchbox', { name: 'Search:' }).fill(ern.slice(0, 4));
    await this.click(`Open ${ern} - ${ernName}`);
    await this.frame.getByText(`/ ${ern} - ${ernName}`, { exact: true }).waitFor();
    await this.click(`Open ${country}`);
    await this.frame.getByText(`/ ${ern} - ${ernName} / ${country}`, { exact: true }).waitFor();
    await this.click('Step 3 : select an access profile →');
    await this.alert(/Select an organisation/);
    await this.frame.getByRole('radio', { name: /^0{3,4} Guest Access$/ }).waitFor();
    await this.frame.getByRole('radio', { name: org }).check();
    await this.click('Step 3 : select an access profile →');
    await this.expectScreen('saas-profile');
    await this.click('Step 4 : type a comment →');
    await this.alert(/Select at least one access profile/);
    await this.frame.getByRole('checkbox', { name: profile, exact: true }).check();
    await this.click('Step 4 : type a comment →');
    await this.expectScreen('saas-recap');
    await this.frame.getByRole('definition').getByText(org, { exact: true }).waitFor();
    await this.fill('Comments', comment);
    await this.click('Submit request access');
    await this.expectScreen('saas-pending');
    await this.frame.getByRole('cell', { name: 'Pending' }).waitFor();
  }

  async approve() {
    const panel = await this.trainer();
    await this.axe('trainer');
    await panel.getByRole('button', { name: 'Approve pending request' }).click();
  }

  // after approval: CPMS home, then "ERN" > "ERN Preferences" (seeds 002, 004)
  async preferences(area) {
    await this.expectScreen('cpms-home');
    await this.click('ERN');
    await this.frame.getByRole('link', { name: 'ERN Preferences' }).click();
    await this.expectScreen('cpms-preferences');
    await this.click('Update ERN Preferences');
    await this.alert(/Describe your professional role/);
    await this.fill('My professional role:', 'Paediatrician');
    await this.frame.getByRole('checkbox', { name: area, exact: true }).check();
    await this.fill("I'm a specialist in:", 'practice');
    await this.click('Update ERN Preferences');
    await this.alert(/Registration complete!/);
  }

  async progressComplete() {
    const items = this.page.getByRole('region', { name: 'Progress' }).getByRole('listitem');
    const texts = await items.allTextContents();
    assert.ok(texts.length >= 4, texts.join('|'));
    for (const t of texts) assert.match(t, /\(done\)/, `progress: ${texts.join(' | ')}`);
  }

  async finish() {
    assert.deepEqual(this.guard.external, [], this.guard.report());
    assert.deepEqual(this.errors, [], 'no script errors');
    // nothing the user typed was kept in clear text
    const stored = await this.page.evaluate(() => JSON.stringify(sessionStorage));
    assert.ok(!stored.includes(PW), 'the password is not stored');
    await this.page.close();
  }
}

// ---------------------------------------------------------------- the bundled guides

test('PaedCAN (CPMS via SAAS): create account with mistakes, app, SAAS request, approval, preferences', async () => {
  const u = await User.open('bundled', 'paedcan');
  await u.expectScreen('cpms-login');
  assert.ok(await u.page.getByText('Practice simulation - not the real EU Login / CPMS').first().isVisible());
  assert.ok(await u.page.getByRole('region', { name: 'What to do next' }).isVisible());
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount({ mistakes: true });
  await u.followMailLink();
  await u.setPassword({ mistakes: true });
  // the portal's as_of is after 30 June 2025: no SMS, no warning; the security key is explained
  assert.equal(await u.frame.getByRole('radio', { name: 'Mobile Phone + SMS' }).count(), 0);
  assert.equal(await u.page.getByText(/authentication by SMS will stop/).count(), 0, 'a banner out of date is not even in the page');
  await u.fill('Password', PW);
  await u.frame.getByRole('radio', { name: 'Security Key / Trusted Platform / Passkey' }).check();
  await u.click('Sign in');
  await u.alert(/cannot simulate a hardware security key/);
  await u.signIn('Password');
  await u.frame.getByRole('heading', { name: 'You are signed in' }).waitFor();
  await u.addApp();
  await u.bookmark('CPMS');
  await u.frame.getByRole('listitem').filter({ hasText: 'To request authorisation' }).getByRole('link', { name: 'click here' }).click();
  await u.requestAccess({ ern: 'PaedCAN', ernName: 'Paediatric Cancer', country: 'Italy', org: '037 - Foundation IRCCS Polyclinic San Matteo, Pavia' });
  await u.approve();
  // nothing left to approve: the button goes, the notice says what happened
  assert.equal(await u.page.getByRole('button', { name: 'Approve pending request' }).isVisible(), false);
  await u.alert(/Your request was approved/);
  const inbox = await u.openInbox();
  await inbox.getByText(/was approved/).first().waitFor();
  await inbox.getByRole('link', { name: 'Go to CPMS' }).click();
  await u.expectScreen('cpms-login');
  await u.click('Login via EU Login');
  await u.signIn('EU Login Mobile App PIN Code');
  await u.confirmOnPhone('9999');
  await assert.doesNotReject(u.page.getByRole('region', { name: 'Phone', exact: true }).getByText('Wrong PIN code. Try again.').waitFor(TIMEOUT));
  await u.confirmOnPhone();
  await u.preferences('Solid Tumour');
  await u.progressComplete();
  await u.finish();
});

test('ReCONNET (CPMS via SAAS): expired e-mail link recovered, QR code sign-in', async () => {
  const u = await User.open('bundled', 'reconnet');
  await u.expectScreen('cpms-login');
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount();
  // the trainer fast-forwards the simulated clock past the 5 minutes ("a maximum of 5 min")
  const panel = await u.trainer();
  await panel.getByRole('button', { name: '+5 minutes' }).click();
  await panel.getByRole('button', { name: '+5 minutes' }).click();
  await u.followMailLink();
  await u.alert(/This link has expired/);
  await u.fill('Username or e-mail address', EMAIL);
  await u.click('Send a new link');
  await u.alert(/A new e-mail was sent/);
  await u.followMailLink();
  await u.frame.getByRole('textbox', { name: 'New password', exact: true }).waitFor();
  await u.setPassword();
  await u.signIn('Password');
  await u.addApp();
  await u.bookmark('SAAS');
  await u.requestAccess({ ern: 'ReCONNET', ernName: 'Connective Tissue and Musculoskeletal Diseases', country: 'Italy', org: 'IT08 - AOU Pisan' });
  // the clock brings the approval
  await (await u.trainer()).getByRole('button', { name: '+1 day' }).click();
  await u.frame.getByRole('cell', { name: 'Approved' }).waitFor();
  await u.bookmark('CPMS');
  await u.click('Login via EU Login');
  await u.fill('Password', PW);
  await u.frame.getByRole('radio', { name: 'EU Login Mobile App QR Code' }).check();
  await u.click('Sign in');
  await u.frame.getByRole('heading', { name: 'QR code authentication.' }).waitFor();
  await u.axe('eul-signin-qr');
  await u.fill('Code generated by your app', '12345678');
  await u.click('Sign in');
  await u.alert(/The code is not correct/);
  const phone = await u.openPhone();
  await phone.getByRole('button', { name: 'Scan QR code' }).click();
  const otp = (await phone.locator('.sbx-otp').textContent()).trim();
  assert.match(otp, /^\d{8}$/);
  await u.fill('Code generated by your app', otp);
  await u.click('Sign in');
  await u.preferences('None');
  await u.progressComplete();
  await u.finish();
});

test('ERN-RND (CPMS via SAAS, its own order): request first, then the app; comment hint', async () => {
  const u = await User.open('bundled', 'ern-rnd');
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount();
  await u.followMailLink();
  await u.setPassword();
  await u.bookmark('CPMS');
  await u.frame.getByRole('listitem').filter({ hasText: 'To request authorisation' }).getByRole('link', { name: 'click here' }).click();
  // SAAS accepts the password alone: the sign-in page asks for it
  await u.signIn('Password');
  await u.expectScreen('saas-app');
  await u.frame.getByRole('combobox', { name: 'Application', exact: true }).selectOption('CPMS');
  await u.click('Step 2 : select an organisation →');
  await u.frame.getByRole('combobox', { name: 'records per page' }).selectOption('10');
  await u.frame.getByText('Showing 1 to 10 of 25 entries').waitFor();
  await u.frame.getByRole('button', { name: 'Page 2' }).click();
  await u.frame.getByText('Showing 11 to 20 of 25 entries').waitFor();
  await u.frame.getByRole('searchbox', { name: 'Search:' }).fill('RND');
  await u.frame.getByText('Showing 1 to 1 of 1 entries').waitFor();
  await u.click('Open ERN-RND - Neurological Diseases');
  await u.click('Open Germany');
  await u.frame.getByRole('radio', { name: 'DE22 - Universitätsklinikum Tübingen' }).check();
  await u.click('Step 3 : select an access profile →');
  await u.frame.getByRole('checkbox', { name: 'HP', exact: true }).check();
  await u.click('Step 4 : type a comment →');
  await u.frame.getByText(/It would be useful to write your speciality/).waitFor();
  await u.fill('Comments', 'Neurologist');
  await u.click('Submit request access');
  await u.expectScreen('saas-pending');
  await u.approve();
  await u.bookmark('EU Login');
  await u.signIn('Password');
  await u.addApp();
  await u.bookmark('CPMS');
  await u.click('Login via EU Login');
  await u.signIn('EU Login Mobile App PIN Code');
  await u.confirmOnPhone();
  await u.preferences('Leukodystrophies');
  await u.progressComplete();
  await u.finish();
});

async function cpms2Start(u) {
  await u.expectScreen('cpms2-home');
  await u.frame.getByRole('link', { name: 'here', exact: true }).click();
  await u.createAccount();
  await u.followMailLink();
  await u.setPassword();
  await u.signIn('Password');
  await u.addApp();
  await u.bookmark('CPMS 2.0');
  await u.expectScreen('cpms2-home');
  await u.click('Login');
  await u.signIn('EU Login Mobile App PIN Code');
  await u.confirmOnPhone();
  await u.expectScreen('cpms2-signup-1');
}

async function cpms2Finish(u) {
  await u.expectScreen('cpms2-signup-3');
  await u.click('Submit access request');
  await u.expectScreen('cpms2-submitted');
  await u.approve();
  const inbox = await u.openInbox();
  await inbox.getByRole('link', { name: 'Go to CPMS 2.0' }).click();
  await u.expectScreen('cpms2-home');
  // days have passed: log in again, with the app
  await u.click('Login');
  await u.signIn('EU Login Mobile App PIN Code');
  await u.confirmOnPhone();
  await u.expectScreen('cpms2-home');
  await u.frame.getByText(/Welcome to CPMS 2.0/).waitFor();
  await u.progressComplete();
  await u.finish();
}

test('PaedCAN CPMS 2.0, ERN member: 3-page sign-up with Edit', async () => {
  const u = await User.open('bundled', 'paedcan-cpms2');
  await cpms2Start(u);
  await u.click('Next');
  await u.alert(/Choose your role/);
  await u.frame.getByRole('radio', { name: 'Clinician' }).check();
  await u.frame.getByRole('radio', { name: 'Yes' }).check();
  await u.click('Next');
  await u.alert(/Select your ERN/);
  await u.frame.getByRole('combobox', { name: 'Healthcare provider / hospital' }).selectOption('AOU Siena');
  await u.frame.getByRole('checkbox', { name: 'PaedCAN' }).check();
  await u.click('Next');
  await u.expectScreen('cpms2-signup-2');
  await u.click('Next');
  await u.alert(/Select who you care for/);
  await u.frame.getByRole('checkbox', { name: 'Pediatric' }).check();
  await u.frame.getByRole('combobox', { name: 'Profession' }).selectOption('Paediatrician');
  await u.frame.getByRole('checkbox', { name: 'Solid Tumour' }).check();
  await u.fill('In your own words, what is your specific clinical or research focus, for which you feel competent to give expert advice?', 'neuroblastoma');
  await u.click('Next');
  await u.expectScreen('cpms2-signup-3');
  await u.frame.getByRole('definition').getByText('Healthcare Professional', { exact: true }).waitFor();
  await u.frame.getByRole('definition').getByText('AOU Siena', { exact: true }).waitFor();
  await u.click('Edit');
  await u.expectScreen('cpms2-signup-1');
  assert.equal(await u.frame.getByRole('combobox', { name: 'Healthcare provider / hospital' }).inputValue(), 'AOU Siena');
  await u.click('Next');
  await u.click('Next');
  await cpms2Finish(u);
});

test('PaedCAN CPMS 2.0, guest: hospital, which ERN invited you (24 networks), working country', async () => {
  const u = await User.open('bundled', 'paedcan-cpms2');
  await cpms2Start(u);
  await u.frame.getByRole('radio', { name: 'Assistant' }).check();
  await u.frame.getByRole('radio', { name: 'No' }).check();
  await u.click('Next');
  await u.alert(/Select the ERN that invited you/);
  const group = u.frame.getByRole('group', { name: /Which ERN invited you/ });
  assert.equal(await group.getByRole('checkbox').count(), 24);
  await u.fill('Healthcare provider / hospital', "Example Children's Hospital");
  await group.getByRole('checkbox', { name: 'PaedCAN' }).check();
  await u.frame.getByRole('combobox', { name: 'Working Country' }).selectOption('Austria');
  await u.click('Next');
  await u.frame.getByRole('checkbox', { name: 'Pediatric' }).check();
  await u.frame.getByRole('combobox', { name: 'Profession' }).selectOption('Paediatrician');
  await u.frame.getByRole('checkbox', { name: 'Solid Tumour' }).check();
  await u.click('Next');
  await u.expectScreen('cpms2-signup-3');
  await u.frame.getByRole('definition').getByText('Austria', { exact: true }).waitFor();
  await cpms2Finish(u);
});

// ---------------------------------------------------------------- deep links, modes, keyboard

// ---------------------------------------------------------------- the learner's own state (issue 13)

const OWN = 'MyOwn!Pass99';
async function ownAccount(u) {
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount();
  await u.followMailLink();
  await u.frame.getByText('Passwords cannot include your username.').waitFor();
  await u.fill('New password', 'Xy!9n00exmarQz');
  await u.fill('Confirm new password', 'Xy!9n00exmarQz');
  await u.click('Submit');
  await u.alert(/must not contain your username \(n00exmar\)/);
  await u.fill('New password', OWN);
  await u.fill('Confirm new password', OWN);
  await u.click('Submit');
  await u.alert(/Your password is set/);
  await u.click('Proceed');
  await u.expectScreen('eul-signin');
}
async function signInWith(u, password) {
  await u.fill('Password', password);
  await u.frame.getByRole('radio', { name: 'Password', exact: true }).check();
  await u.click('Sign in');
}
function dialog(u, name) { return u.page.getByRole('dialog', { name }); }

test('a guide step link offers a choice, never wipes the learner, and an example account can be undone', async () => {
  const u = await User.open('bundled', 'paedcan');
  await ownAccount(u);
  // the guide's "Try this step in the sandbox"
  await u.page.evaluate(() => { location.hash = '#/saas-app?scenario=app-initialised'; });
  let d = dialog(u, 'Open this step');
  await d.waitFor();
  await u.axe('deep-link dialog');
  assert.equal(await u.page.evaluate(() => document.activeElement.textContent), 'Continue with your practice account', 'focus in the dialog');
  await d.getByRole('button', { name: 'Continue with your practice account' }).click();
  await u.expectScreen('saas-app');
  // the learner's own password still works
  await u.bookmark('EU Login');
  await u.frame.getByRole('button', { name: /account menu/ }).click();
  await u.click('Logout');
  await signInWith(u, OWN);
  await u.frame.getByRole('heading', { name: 'You are signed in' }).waitFor();
  // the other choice: a ready-made example account, its password and PIN on screen, undone once
  await u.page.evaluate(() => { location.hash = '#/eul-signin?scenario=app-initialised'; });
  d = dialog(u, 'Open this step');
  await d.getByRole('button', { name: 'Start this step with a ready-made example account' }).click();
  await u.page.locator('.sbx-sample').getByText('Practice-Pass-2026').waitFor();
  await u.page.locator('.sbx-sample').getByText('1234', { exact: true }).waitFor();
  await u.page.getByRole('button', { name: 'Undo' }).click();
  await u.expectScreen('eul-signin');
  assert.ok(!(await u.page.locator('.sbx-sample').isVisible()), 'the own account is back');
  // Escape closes a dialog and gives the focus back
  await u.page.getByRole('button', { name: 'Reset' }).first().focus();
  await u.page.keyboard.press('Enter');
  await dialog(u, 'Start again?').waitFor();
  await u.page.keyboard.press('Escape');
  await dialog(u, 'Start again?').waitFor({ state: 'hidden' });
  assert.equal(await u.page.evaluate(() => document.activeElement.textContent), 'Reset');
  // Reset asks, then can be undone
  await u.page.getByRole('button', { name: 'Reset' }).first().click();
  await dialog(u, 'Start again?').getByRole('button', { name: 'Reset' }).click();
  await u.expectScreen('cpms-login');
  await u.page.getByRole('button', { name: 'Undo' }).click();
  await u.expectScreen('eul-signin');
  await u.frame.getByRole('heading', { name: 'You are signed in' }).waitFor();
  // progress survives a reload, and holds no typed password
  await u.page.reload();
  await u.expectScreen('eul-signin');
  const stored = await u.page.evaluate(() => JSON.stringify(sessionStorage));
  assert.ok(!stored.includes(OWN));
  await u.finish();
});

test('modes are explained; a test starts empty, hides help, counts one mistake per action and ends with a result', async () => {
  const u = await User.open('bundled', 'paedcan', '#/saas-recap?scenario=app-initialised');
  await u.expectScreen('saas-recap');
  for (const t of [/hints say what to do next/, /no hints; each mistake is explained/, /from an empty practice account/]) await u.page.getByText(t).waitFor();
  // Practice: no hint, but a mistake is explained
  await u.page.getByRole('radio', { name: 'Practice' }).check();
  assert.equal(await u.page.getByRole('region', { name: 'What to do next' }).count(), 0);
  await u.fill('Comments', 'x');
  await u.click('← Step 3 : select an access profile');
  await u.expectScreen('saas-profile');
  await u.frame.getByRole('checkbox', { name: 'HP', exact: true }).uncheck();
  await u.click('Step 4 : type a comment →');
  await u.page.getByRole('region', { name: 'What was expected' }).getByText(/Tick "HP"/).waitFor();
  // Test: asks first (there is progress), then starts from an empty account
  await u.page.getByRole('radio', { name: 'Test' }).click();
  await dialog(u, 'Start a test?').getByRole('button', { name: 'Start the test' }).click();
  await u.expectScreen('cpms-login');
  for (const r of ['What to do next', 'Progress']) assert.equal(await u.page.getByRole('region', { name: r }).count(), 0, `${r} hidden`);
  assert.ok(!(await u.page.getByText('Trainer panel', { exact: true }).isVisible()), 'Trainer panel hidden');
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.click('Create an account');
  await u.page.getByRole('button', { name: 'Finish test' }).click();
  const result = u.page.getByRole('region', { name: 'Test result' });
  await result.getByText(/^Not passed yet: 0 of 6 milestones/).waitFor();
  assert.equal(await result.getByRole('list').last().getByRole('listitem').count(), 1, 'one wrong action, one mistake');
  await result.getByText(/What was expected: Fill in every field/).waitFor();
  await result.getByText(/Time taken:/).waitFor();
  await u.axe('test-result');
  await u.finish();
});

// A site whose flow passes a test with two milestones: a short run to the certificate.
function shortTestSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-sbx-cert-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (const d of ['content', 'themes', 'screenshots']) fs.cpSync(path.join(lib.REPO_ROOT, d), path.join(dir, d), { recursive: true });
  fs.copyFileSync(path.join(lib.REPO_ROOT, 'site.toml'), path.join(dir, 'site.toml'));
  const y = fs.readFileSync(path.join(lib.REPO_ROOT, 'themes/default/data/sandbox.yaml'), 'utf8').replace(/min_milestones: null/, 'min_milestones: 2');
  fs.writeFileSync(path.join(dir, 'content', 'data', 'sandbox.yaml'), y);
  return dir;
}

test('a passed test gives a printable certificate whose check code the trainer verifies; the name is never stored', async () => {
  const u = await User.open('short-test', 'paedcan', '', shortTestSite());
  await u.page.getByRole('radio', { name: 'Test' }).check();
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount();
  await u.followMailLink();
  await u.setPassword();
  await u.page.getByRole('button', { name: 'Finish test' }).click();
  const result = u.page.getByRole('region', { name: 'Test result' });
  await result.getByText(/^Passed: 2 of 6 milestones/).waitFor();
  await result.getByRole('button', { name: 'Show my certificate' }).click();
  await result.getByText('Type your name first.').waitFor();
  await result.getByRole('textbox', { name: 'Name on the certificate' }).fill('Maria Example');
  await result.getByRole('textbox', { name: /Session code/ }).fill('ROOM7');
  await result.getByRole('button', { name: 'Show my certificate' }).click();
  const cert = u.page.getByRole('article', { name: 'Certificate of practice' });
  await cert.getByText(/^Maria Example completed the ERN PaedCan CPMS registration practice on \d{4}-\d{2}-\d{2}, 2 of 6 milestones\.$/).waitFor();
  const code = (await cert.locator('.sbx-mono').textContent()).trim();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const date = /on (\d{4}-\d{2}-\d{2})/.exec(await cert.textContent())[1];
  assert.ok(await cert.getByRole('button', { name: 'Print' }).isVisible());
  // printed, the certificate is all there is (static/sandbox/sandbox-print.css)
  await u.page.emulateMedia({ media: 'print' });
  await u.page.waitForFunction(() => getComputedStyle(document.querySelector('h1')).visibility === 'hidden', null, TIMEOUT);
  assert.equal(await cert.evaluate((c) => getComputedStyle(c).visibility), 'visible');
  assert.ok(await cert.getByText('Maria Example completed').isVisible());
  assert.equal(await cert.getByRole('button', { name: 'Print' }).isVisible(), false, 'the Print button is not printed');
  await u.page.emulateMedia({ media: null });
  await u.axe('certificate');
  const stored = await u.page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage));
  assert.ok(!stored.includes('Maria Example'), 'the name is not stored');
  // the trainer checks it without a server
  await u.page.getByRole('radio', { name: 'Guided' }).check();
  const panel = await u.trainer();
  await panel.getByRole('textbox', { name: 'Name on the certificate' }).fill('Maria Example');
  await panel.getByLabel('Date on the certificate').fill(date);
  await panel.getByRole('textbox', { name: 'Milestones completed (number)' }).fill('2');
  await panel.getByRole('textbox', { name: 'Session code (from your trainer, if any)' }).fill('ROOM7');
  await panel.getByRole('textbox', { name: 'Check code' }).fill(code);
  await panel.getByRole('button', { name: 'Check' }).click();
  await panel.getByText('The check code matches this name, date, result and session code.').waitFor();
  await panel.getByRole('textbox', { name: 'Name on the certificate' }).fill('Mario Example');
  await panel.getByRole('button', { name: 'Check' }).click();
  await panel.getByText(/does not match/).waitFor();
  await u.finish();
});

test('Trainer panel: screen names by site in flow order; the clock is visible and moves on by itself', async () => {
  const u = await User.open('bundled', 'paedcan');
  const clock = u.page.locator('.sbx-clock strong');
  assert.equal(await clock.textContent(), '2026-11-22 09:00');
  await u.page.clock.install();
  await u.page.reload();
  // the page requests its scripts after its first paint (which can come after the load event)
  await u.page.waitForFunction(() => !!window.ernSandbox, null, { polling: 50, timeout: 5000 });
  await u.page.clock.runFor(61_000);
  await u.page.locator('.sbx-clock').getByText('2026-11-22 09:01').waitFor();
  const panel = await u.trainer();
  const groups = await panel.getByRole('heading', { level: 4 }).allTextContents();
  assert.deepEqual(groups, ['CPMS', 'EU Login', 'SAAS', 'CPMS']);
  assert.ok(await panel.getByRole('button', { name: 'Add a mobile device: QR code' }).isVisible());
  assert.equal(await panel.getByRole('button', { name: /^[a-z0-9]+-[a-z0-9-]+$/ }).count(), 0, 'no technical ids');
  await panel.getByRole('button', { name: 'New application access: 4 recap' }).click();
  await u.expectScreen('saas-recap');
  await u.finish();
});

// teardown is behaviour, not spelling: after destroy() the page no longer reacts
test('destroy() removes every listener and timer', async () => {
  const u = await User.open('bundled', 'paedcan');
  const before = await u.screen();
  await u.page.evaluate(() => window.ernSandbox.destroy());
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.page.getByRole('button', { name: /^Inbox/ }).click();
  assert.equal(await u.page.getByRole('region', { name: 'Inbox', exact: true }).isVisible(), false);
  assert.equal(await u.page.locator('[data-s-screen="eul-create"]').isVisible(), false);
  assert.equal(before, 'cpms-login');
  await u.page.close();
});

test('every "Try this step in the sandbox" link opens its screen with the earlier steps in place', async () => {
  const { out, server } = await site('bundled');
  const page = await browser.context.newPage();
  const guard = await lib.guardRequests(page.context(), server.origin);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const steps = lib.listHtmlFiles(out).filter((f) => /^[^/]+\/[^/]+\/index\.html$/.test(f) && !/\/(sandbox|links|slides|print)\//.test(f));
  let tried = 0;
  for (const f of steps) {
    await page.goto(server.url + f);
    const link = page.getByRole('link', { name: 'Try this step in the sandbox' });
    if (!(await link.count())) continue;
    const href = await link.getAttribute('href');
    const screen = /#\/([a-z0-9-]+)/.exec(href)[1];
    await link.click();
    await page.waitForFunction((id) => location.hash === `#/${id}`, screen, TIMEOUT);
    assert.ok(await page.locator(`[data-s-screen="${screen}"]`).isVisible(), `${f} -> ${screen}`);
    tried++;
  }
  assert.ok(tried >= 10, `only ${tried} sandbox links`);
  assert.deepEqual(errors, []);
  assert.deepEqual(guard.external, [], guard.report());
  await page.close();
});

// Bytes a page ships: its HTML plus the CSS and JS files it loads (images excluded).
function shippedBytes(out, f) {
  const html = fs.readFileSync(path.join(out, f), 'utf8');
  let total = Buffer.byteLength(html);
  for (const m of html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js))"/g)) {
    total += fs.statSync(path.join(out, path.dirname(f), m[1])).size;
  }
  // (a page's late scripts, base.html, are `<script src>` in a <template>: counted above)
  return total;
}

test('page weight of every sandbox page (HTML + CSS + JS it loads)', async () => {
  const { out } = await site('bundled');
  // issue 6 target: a sandbox page ships at most 150 KB of HTML + CSS + JS (the generator
  // minifies CSS/JS; the page carries only its own system's flow data); a guide step page at
  // most 60 KB (checked below)
  const LIMIT = 150_000;
  for (const f of lib.listHtmlFiles(out).filter((x) => /\/sandbox\/index\.html$/.test(x))) {
    const total = shippedBytes(out, f);
    assert.ok(total <= LIMIT, `${f}: ${total} bytes`);
  }
});

test('page weight of every guide step page (HTML + CSS + JS, images excluded)', async () => {
  const { out } = await site('bundled');
  const LIMIT = 60_000;
  const steps = lib.listHtmlFiles(out).filter((x) => x.split('/').length === 3 && !/\/(sandbox|links|slides|print)\//.test(x));
  assert.ok(steps.length >= 18, `only ${steps.length} step pages`);
  for (const f of steps) {
    const total = shippedBytes(out, f);
    assert.ok(total <= LIMIT, `${f}: ${total} bytes`);
  }
});

// ---------------------------------------------------------------- keyboard only, at phone width

// Drives the page with the keyboard only: Tab to a control found by its visible label, then
// Enter, Space, arrows or typing. Each screen is checked for clipping at the page's width.
class Keys {
  constructor(u) { this.u = u; this.page = u.page; }
  async at(loc) { return loc.evaluate((el) => el === document.activeElement).catch(() => false); }
  async tabTo(loc, what) {
    for (let i = 0; i < 250; i++) {
      if (await this.at(loc)) return;
      await this.page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${what}`);
  }
  async press(loc, what, key = 'Enter') { await this.tabTo(loc, what); await this.page.keyboard.press(key); }
  async button(name, scope) { await this.press((scope || this.u.frame).getByRole('button', { name, exact: true }), name); }
  async link(name, scope) { await this.press((scope || this.u.frame).getByRole('link', { name, exact: true }).first(), name); }
  async type(label, text, scope) {
    const f = (scope || this.u.frame).getByRole(label === 'Search:' ? 'searchbox' : 'textbox', { name: label, exact: true });
    await this.tabTo(f, label);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(text);
  }
  async tick(name, scope, role = 'checkbox') { await this.press((scope || this.u.frame).getByRole(role, { name, exact: true }), name, 'Space'); }
  // a radio group: Tab reaches one radio, the arrows move (and check) within the group
  async radio(name, scope) {
    const r = (scope || this.u.frame).getByRole('radio', { name, exact: true });
    const group = await r.getAttribute('name');
    for (let i = 0; i < 250 && !(await this.page.evaluate((g) => document.activeElement.name === g, group)); i++) await this.page.keyboard.press('Tab');
    for (let i = 0; i < 40 && !(await r.isChecked()); i++) await this.page.keyboard.press(i ? 'ArrowDown' : 'Space');
    assert.ok(await r.isChecked(), name);
  }
  async choose(label, option) {
    const f = this.u.frame.getByRole('combobox', { name: label, exact: true });
    await this.tabTo(f, label);
    for (let i = 0; i < 80 && (await f.evaluate((e) => e.options[e.selectedIndex].text)) !== option; i++) await this.page.keyboard.press('ArrowDown');
    assert.equal(await f.evaluate((e) => e.options[e.selectedIndex].text), option);
  }
  async focused() { return this.page.evaluate(() => { const e = document.activeElement; return (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent || '').trim(); }); }
  // nothing of the simulated browser is clipped: every visible box fits in the frame, except
  // inside a scrollable region that the keyboard can reach
  async fits(where) {
    const bad = await this.page.evaluate(() => {
      const frame = document.querySelector('.sbx-browser').getBoundingClientRect();
      const out = [];
      if (document.documentElement.scrollWidth > window.innerWidth) out.push(`page ${document.documentElement.scrollWidth}px wide`);
      for (const e of document.querySelectorAll('.sbx-browser *')) {
        if (!e.getClientRects().length || e.closest('.sbx-scroll,[hidden],.eg-sr')) continue;
        const r = e.getBoundingClientRect();
        if (r.width && r.right > frame.right + 1) out.push(`${e.tagName.toLowerCase()}.${e.className} "${(e.textContent || '').trim().slice(0, 30)}" ends at ${Math.round(r.right)} > ${Math.round(frame.right)}`);
      }
      for (const sc of document.querySelectorAll('.sbx-scroll')) if (sc.scrollWidth > sc.clientWidth && sc.tabIndex < 0) out.push('scroll region not focusable');
      return out;
    });
    assert.deepEqual(bad.slice(0, 5), [], `${where}: clipped at ${this.page.viewportSize().width} px`);
  }
}

async function keyboardUser(guide, width) {
  const u = await User.open('bundled', guide);
  await u.page.setViewportSize({ width, height: 844 });
  return [u, new Keys(u)];
}

async function kbAccount(u, k, createLink) {
  await k.fits('start');
  await k.link(createLink);
  await u.expectScreen('eul-create');
  assert.equal(await k.focused(), 'Create an account', 'focus on the new screen');
  await k.fits('eul-create');
  await k.type('First name', 'Maria');
  await k.type('Last name', 'Example');
  await k.type('E-mail', EMAIL);
  await k.type('Confirm e-mail', EMAIL);
  const code = (await u.frame.getByRole('img', { name: /^Code/ }).getAttribute('aria-label')).replace(/^Code:/, '').replace(/\s+/g, '');
  await k.type('Enter the code', code);
  await k.tick(/privacy statement/);
  await k.button('Create an account');
  await u.frame.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
  assert.equal(await k.focused(), 'Check your e-mail');
  await k.button('Open the Inbox');
  const inbox = u.page.getByRole('region', { name: 'Inbox', exact: true });
  await inbox.waitFor();
  assert.match(await k.focused(), /create your password/, 'focus on the Inbox\'s first control');
  await k.fits('inbox');
  await k.link('this link', inbox);
  await u.expectScreen('eul-password');
  await k.fits('eul-password');
  await k.type('New password', OWN);
  await k.type('Confirm new password', OWN);
  await u.page.keyboard.press('Enter');
  await u.alert(/Your password is set/);
  await k.button('Proceed');
  await u.expectScreen('eul-signin');
  await k.fits('eul-signin');
  await k.type('Password', OWN);
  await k.radio('Password');
  await k.button('Sign in');
  await u.frame.getByRole('heading', { name: 'You are signed in' }).waitFor();
  await k.press(u.frame.getByRole('button', { name: /account menu/ }), 'gear');
  await k.button('My Account');
  await u.expectScreen('eul-myaccount');
  await k.link('Manage my mobile devices');
  await u.expectScreen('eul-device-add');
  await k.button('Add a mobile device');
  await k.type('Your device name', 'Work Phone');
  await k.type('Your 4 digit PIN code', PIN);
  await k.type('Confirm your PIN code', PIN);
  await u.page.keyboard.press('Enter');
  await u.expectScreen('eul-device-qr');
  await k.fits('eul-device-qr');
  await k.press(u.page.getByRole('button', { name: /^Phone/ }), 'Phone');
  const phone = u.page.getByRole('region', { name: 'Phone', exact: true });
  await phone.waitFor();
  await k.fits('phone');
  assert.equal(await k.focused(), 'Initialise', 'focus on the Phone\'s first control');
  await u.page.keyboard.press('Enter');
  await phone.getByRole('textbox', { name: 'PIN code' }).waitFor();
  assert.equal(await k.focused(), 'PIN code', 'after "Initialise" the focus is on the PIN (not lost)');
  await u.page.keyboard.type(PIN);
  await u.page.keyboard.press('Enter');
  await u.expectScreen('eul-myaccount');
  // Escape closes the Phone and gives the focus back to its button
  await k.tabTo(phone.getByRole('button', { name: 'Scan QR code' }), 'Scan QR code');
  await u.page.keyboard.press('Escape');
  await phone.waitFor({ state: 'hidden' });
  assert.match(await k.focused(), /^Phone/);
  return phone;
}

async function kbSignInApp(u, k, phone) {
  await u.expectScreen('eul-signin');
  await k.type('Password', OWN);
  await k.radio('EU Login Mobile App PIN Code');
  await k.button('Sign in');
  if (!(await phone.isVisible())) await k.press(u.page.getByRole('button', { name: /^Phone/ }), 'Phone');
  const pin = phone.getByRole('textbox', { name: 'PIN code' });
  await k.tabTo(pin, 'PIN code');
  await u.page.keyboard.type(PIN);
  await u.page.keyboard.press('Enter');
}

async function kbApprove(u, k) {
  await k.press(u.page.locator('details.sbx-trainer > summary'), 'Trainer panel');
  await k.button('Approve pending request', u.page.locator('details.sbx-trainer'));
  await u.alert(/Your request was approved/);
}

for (const width of [390]) {
  test(`keyboard only at ${width} px: the whole PaedCAN flow (CPMS via SAAS)`, async () => {
    const [u, k] = await keyboardUser('paedcan', width);
    const phone = await kbAccount(u, k, 'click here');
    await k.button('CPMS', u.page.getByRole('navigation', { name: 'Simulated bookmarks' }));
    await u.expectScreen('cpms-login');
    await k.press(u.frame.getByRole('listitem').filter({ hasText: 'To request authorisation' }).getByRole('link', { name: 'click here' }), 'request link');
    await u.expectScreen('saas-app');
    await k.fits('saas-app');
    await k.choose('Application', 'CPMS');
    await k.button('Step 2 : select an organisation →');
    await u.expectScreen('saas-org');
    await k.type('Search:', 'PaedCAN');
    await k.button('Open PaedCAN - Paediatric Cancer');
    await k.button('Open Italy');
    await k.fits('saas-org');
    await k.radio(/Pavia/);
    await k.button('Step 3 : select an access profile →');
    await u.expectScreen('saas-profile');
    await k.fits('saas-profile');
    await k.tick('HP');
    await k.button('Step 4 : type a comment →');
    await u.expectScreen('saas-recap');
    await k.fits('saas-recap');
    await k.button('Submit request access');
    await u.expectScreen('saas-pending');
    await k.fits('saas-pending');
    await u.frame.getByRole('cell', { name: 'Pending' }).waitFor();
    await kbApprove(u, k);
    await u.frame.getByRole('cell', { name: 'Approved' }).waitFor();
    await k.button('CPMS', u.page.getByRole('navigation', { name: 'Simulated bookmarks' }));
    await k.button('Login via EU Login');
    await kbSignInApp(u, k, phone);
    await u.expectScreen('cpms-home');
    await k.fits('cpms-home');
    await k.button('ERN');
    await k.link('ERN Preferences');
    await u.expectScreen('cpms-preferences');
    await k.fits('cpms-preferences');
    await k.type('My professional role:', 'Paediatrician');
    await k.tick('None');
    await k.tick('Solid Tumour');
    await k.button('Update ERN Preferences');
    await u.alert(/cannot be ticked together/);
    await k.tick('None');
    await k.button('Update ERN Preferences');
    await u.alert(/Registration complete!/);
    await u.progressComplete();
    await u.finish();
  });

  test(`keyboard only at ${width} px: the whole PaedCAN CPMS 2.0 flow`, async () => {
    const [u, k] = await keyboardUser('paedcan-cpms2', width);
    const phone = await kbAccount(u, k, 'here');
    await k.button('CPMS 2.0', u.page.getByRole('navigation', { name: 'Simulated bookmarks' }));
    await u.expectScreen('cpms2-home');
    await k.fits('cpms2-home');
    await k.button('Login');
    await kbSignInApp(u, k, phone);
    await u.expectScreen('cpms2-signup-1');
    await k.fits('cpms2-signup-1');
    await k.button('Next');
    await u.alert(/Choose your role/);
    await k.radio('Clinician');
    await u.frame.getByText('Choose your role.').waitFor({ state: 'hidden' });
    await k.radio('No');
    await k.type('Healthcare provider / hospital', "Example Children's Hospital");
    await k.tick('PaedCAN', u.frame.getByRole('group', { name: /Which ERN invited you/ }));
    await k.choose('Working Country', 'Austria');
    await k.fits('cpms2-signup-1 guest');
    await k.button('Next');
    await u.expectScreen('cpms2-signup-2');
    await k.tick('Pediatric');
    await k.choose('Profession', 'Paediatrician');
    await k.tick('Solid Tumour');
    await k.fits('cpms2-signup-2');
    await k.button('Next');
    await u.expectScreen('cpms2-signup-3');
    await k.fits('cpms2-signup-3 overview');
    await u.frame.getByRole('definition').getByText("Example Children's Hospital", { exact: true }).waitFor();
    await k.button('Submit access request');
    await u.expectScreen('cpms2-submitted');
    await k.fits('cpms2-submitted');
    await kbApprove(u, k);
    await k.button('CPMS 2.0', u.page.getByRole('navigation', { name: 'Simulated bookmarks' }));
    await k.button('Login');
    await kbSignInApp(u, k, phone);
    await u.expectScreen('cpms2-home');
    await u.frame.getByText(/Welcome to CPMS 2.0/).waitFor();
    await u.progressComplete();
    await u.finish();
  });
}

test('every screen fits at 320 and 390 px (tables scroll in a focusable region)', async () => {
  for (const guide of ['paedcan', 'paedcan-cpms2']) {
    const u = await User.open('bundled', guide, '#/saas-pending?scenario=access-pending');
    const k = new Keys(u);
    const ids = await u.page.evaluate(() => Object.keys(JSON.parse(document.getElementById('sbx-data').textContent).data.sandbox.screens));
    for (const width of [320, 390]) {
      await u.page.setViewportSize({ width, height: 800 });
      for (const id of ids) {
        await u.page.evaluate((s) => { location.hash = `#/${s}`; }, id);
        await u.page.waitForFunction((s) => location.hash === `#/${s}`, id);
        await k.fits(`${guide} ${id}`);
      }
    }
    await u.page.close();
  }
});

test('works when opened from disk (file://), with no request at all', async () => {
  const { out } = await site('bundled');
  const page = await browser.context.newPage();
  const guard = await lib.guardRequests(page.context(), null);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lib.fileUrl(path.join(out, 'paedcan-cpms2', 'sandbox', 'index.html'))}#/eul-create?scenario=new-user`);
  const frame = page.locator('.sbx-page');
  await frame.getByRole('heading', { name: 'Create an account', level: 2 }).waitFor();
  await frame.getByRole('button', { name: 'Create an account' }).click();
  await frame.getByText('This field is required.').first().waitFor();
  await page.reload();
  await frame.getByRole('heading', { name: 'Create an account', level: 2 }).waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(guard.external.filter((r) => !r.url.startsWith('file:')), [], guard.report());
  await page.close();
});

// Lighthouse puts every file requested before the largest paint on that paint's path: the
// lead paragraph paints with the HTML, and the page's files (scripts, stylesheets) are
// requested only after it (phone-sized window, as Lighthouse's; a browser of its own: nothing
// cached, no request routed).
test('the largest content paints with the HTML, before the page requests any file', async () => {
  const { server } = await site('bundled');
  const fresh = await lib.launchBrowser({ viewport: { width: 412, height: 823 } });
  for (const guide of ['ern-rnd', 'paedcan-cpms2']) {
    const page = await fresh.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${guide}/sandbox/index.html`);
    await page.waitForFunction(() => /^#\/[a-z0-9-]+/.test(location.hash), null, TIMEOUT);
    const r = await page.evaluate(() => new Promise((done) => {
      new PerformanceObserver((l) => {
        done({
          lcp: l.getEntries().map((e) => ({ t: e.startTime, el: e.element ? e.element.className : '' })),
          files: performance.getEntriesByType('resource').map((e) => ({ url: e.name.replace(/^.*\/static\//, 'static/'), t: e.startTime })),
        });
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    }));
    const last = r.lcp[r.lcp.length - 1];
    assert.equal(last.el, 'sbx-lead', `${guide}: the largest content is the lead paragraph: ${JSON.stringify(r.lcp)}`);
    // (the tab's icon is the browser's request, whenever it likes)
    const early = r.files.filter((f) => f.t < last.t && f.url !== 'static/favicon.svg');
    assert.deepEqual(early, [], `${guide}: requested before the largest paint at ${last.t} ms`);
    for (const f of ['static/sandbox/flow.js', 'static/sandbox/sandbox.js', 'static/search-lazy.js']) {
      assert.ok(r.files.some((x) => x.url === f), `${guide}: ${f} loaded: ${JSON.stringify(r.files)}`);
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(r.files.filter((f) => !f.url.startsWith('static/')), [], `${guide}: nothing else requested`);
    await page.close();
  }
  await fresh.close();
});

// ---------------------------------------------------------------- as_of before 30 June 2025

function copySite(asOf) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-sbx-site-'));
  fs.cpSync(path.join(lib.REPO_ROOT, 'content'), path.join(dir, 'content'), { recursive: true });
  fs.cpSync(path.join(lib.REPO_ROOT, 'themes'), path.join(dir, 'themes'), { recursive: true });
  // the guides' figures show these
  fs.cpSync(path.join(lib.REPO_ROOT, 'screenshots'), path.join(dir, 'screenshots'), { recursive: true });
  const toml = fs.readFileSync(path.join(lib.REPO_ROOT, 'site.toml'), 'utf8').replace(/^as_of\s*=.*$/m, `as_of = ${asOf}`);
  fs.writeFileSync(path.join(dir, 'site.toml'), toml);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('before 30 June 2025: SMS warning, phone number with a wrong challenge code, SMS sign-in', async () => {
  const dir = copySite('2025-05-01');
  const u = await User.open('may-2025', 'ern-rnd', '#/eul-signin?scenario=has-eulogin', dir);
  await u.expectScreen('eul-signin');
  await u.page.getByText(/^WARNING \| 06-05-2025 By 30 June 2025, authentication by SMS will stop/).waitFor();
  assert.ok(await u.frame.getByRole('radio', { name: 'Mobile Phone + SMS' }).isVisible());
  await u.signIn('Password');
  await u.myAccount();
  await u.frame.getByRole('link', { name: 'Manage my mobile phone numbers' }).click();
  await u.expectScreen('eul-phone-add');
  await u.fill('Mobile phone', '0470 12 34 56');
  await u.click('Add');
  await u.alert(/international format/);
  await u.fill('Mobile phone', '+32 470 12 34 56');
  await u.click('Add');
  await u.expectScreen('eul-phone-challenge');
  await u.fill('Text message challenge code', '000-000');
  await u.click('Finalise');
  await u.alert(/The challenge code is not correct/);
  const phone = await u.openPhone();
  const sms = await phone.getByRole('listitem').first().textContent();
  const code = /(\d{3}-\d{3})/.exec(sms)[1];
  await u.fill('Text message challenge code', code);
  await u.click('Finalise');
  await u.expectScreen('eul-myaccount');
  await u.alert(/Number successfully registered/);
  // adding the app now asks for stronger authentication: SMS
  await u.frame.getByRole('link', { name: 'Manage my mobile devices' }).click();
  await u.frame.getByText('Adding a mobile device requires stronger authentication').waitFor();
  await u.fill('Password', PW);
  await u.frame.getByRole('radio', { name: 'Mobile Phone + SMS' }).check();
  await u.fill('Mobile phone', '+32 470 12 34 56');
  await u.click('Sign in');
  await u.frame.getByRole('heading', { name: 'Authentication by SMS text challenge' }).waitFor();
  await u.axe('eul-signin-sms');
  const sms2 = await phone.getByRole('listitem').first().textContent();
  await u.fill('SMS text challenge', /([A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3})/.exec(sms2)[1]);
  await u.click('Sign in');
  await u.expectScreen('eul-device-add');
  await u.finish();
});

// ---------------------------------------------------------------- a network from data only

test('a network that is not in the bundled portal works from data alone', async () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'sandbox-extra');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-sbx-extra-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(fixture, dir, { recursive: true });
  // the fixture brings its own network, guide and site.toml; the reference data is the bundled one
  fs.mkdirSync(path.join(dir, 'content', 'data'), { recursive: true });
  for (const f of fs.readdirSync(path.join(lib.REPO_ROOT, 'content', 'data'))) {
    const target = path.join(dir, 'content', 'data', f);
    if (!fs.existsSync(target)) fs.copyFileSync(path.join(lib.REPO_ROOT, 'content', 'data', f), target);
  }
  const u = await User.open('extra', 'vascern', '', dir);
  await u.expectScreen('cpms-login');
  await u.frame.getByRole('listitem').filter({ hasText: 'To create an EU login' }).getByRole('link', { name: 'click here' }).click();
  await u.createAccount();
  await u.followMailLink();
  await u.setPassword();
  await u.signIn('Password');
  await u.addApp();
  await u.bookmark('CPMS');
  await u.frame.getByRole('listitem').filter({ hasText: 'To request authorisation' }).getByRole('link', { name: 'click here' }).click();
  await u.requestAccess({ ern: 'VASCERN', ernName: 'Vascular Diseases', country: 'Belgium', org: 'BE90 - Example University Hospital, Brussels' });
  await u.approve();
  await u.bookmark('CPMS');
  await u.click('Login via EU Login');
  await u.signIn('EU Login Mobile App PIN Code');
  await u.confirmOnPhone();
  await u.preferences('Example Vascular Anomalies');
  await u.progressComplete();
  await u.finish();
});

// The shared late-scripts loader (base.html): the practice page's scripts are `<script src>` in a
// <template data-eg-late> (not fetched from there), added in order once the largest content has
// painted; <html> says `data-eg-scripts="run"` only after the last has run, and "failed" when one
// could not load (lib.pageScriptsRun waits for that, and throws on "failed").
test('late scripts: run in order after the first paint; the page says when the last has run or one failed', async () => {
  const { server } = await site('bundled');
  const fresh = await lib.launchBrowser({ viewport: { width: 412, height: 823 } });
  try {
    const page = await fresh.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // sandbox.js, the last, arrives late: until it has run the page is not marked
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/static/sandbox/sandbox.js', async (route) => { await held; await route.continue(); });
    await page.goto(`${server.url}ern-rnd/sandbox/index.html`);
    const listed = await page.evaluate(() => {
      const t = document.querySelector('template[data-eg-late]');
      return t ? [...t.content.querySelectorAll('script')].map((s) => s.getAttribute('src').replace(/^.*static\//, 'static/')) : null;
    });
    assert.deepEqual(listed, ['static/search-lazy.js', 'static/sandbox/flow.js', 'static/sandbox/flow-saas.js', 'static/sandbox/sandbox.js']);
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /flow-saas\.js$/.test(e.name)), null, TIMEOUT);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-eg-scripts')), null, 'not marked before sandbox.js has run');
    assert.equal(await page.evaluate(() => !!window.ernSandbox), false);
    release();
    await lib.pageScriptsRun(page);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-eg-scripts')), 'run');
    assert.equal(await page.evaluate(() => !!window.ernSandbox), true, 'the sandbox has started when the page says its scripts ran');
    // added once each, in the listed order, outside the template
    const added = await page.evaluate(() => [...document.querySelectorAll('body > script[src]')].map((s) => s.getAttribute('src').replace(/^.*static\//, 'static/')));
    assert.deepEqual(added, listed);
    assert.deepEqual(errors, []);
    await page.close();

    // a script that cannot load: "failed", and lib.pageScriptsRun says so
    const broken = await fresh.context.newPage();
    await broken.route('**/static/sandbox/flow.js', (route) => route.fulfill({ status: 404, body: '' }));
    await broken.goto(`${server.url}ern-rnd/sandbox/index.html`);
    await assert.rejects(lib.pageScriptsRun(broken), /could not be loaded/);
    assert.equal(await broken.evaluate(() => document.documentElement.getAttribute('data-eg-scripts')), 'failed');
    await broken.close();
  } finally {
    await fresh.close();
  }
});

// The same loader on a page whose late-scripts list is empty: marked "run" at once (before
// fcc0139 it waited for a script's load event that never came, and the page was never marked).
// The page: the handout of a one-language site (no search box, so no search-lazy.js), which a
// theme override of print.html makes set `late_scripts`.
test('late scripts: a page whose list is empty is marked run at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ernguide-late-none-'));
  let built;
  try {
    fs.cpSync(path.join(lib.REPO_ROOT, 'tests', 'fixtures', 'basic'), dir, { recursive: true });
    const print = fs.readFileSync(path.join(lib.REPO_ROOT, 'themes', 'default', 'templates', 'print.html'), 'utf8');
    assert.match(print, /^\{% extends "base\.html" %\}\n/, 'print.html starts with its extends');
    const templates = path.join(dir, 'themes', 'default', 'templates');
    fs.mkdirSync(templates, { recursive: true });
    fs.writeFileSync(path.join(templates, 'print.html'), print.replace('\n', '\n{% set late_scripts = true %}\n'));
    built = await site('late-scripts-none', dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // (a browser of its own: earlier tests' request guards on the shared one abort other origins)
  const fresh = await lib.launchBrowser();
  try {
    const page = await fresh.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${built.server.url}demo/print/index.html`);
    const listed = await page.evaluate(() => {
      const t = document.querySelector('template[data-eg-late]');
      return t ? t.content.querySelectorAll('script').length : null;
    });
    assert.equal(listed, 0, 'the page has the loader and no late script');
    // (the loader starts after the largest paint, at the latest after 2 s)
    await lib.pageScriptsRun(page, 5000);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-eg-scripts')), 'run');
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});
