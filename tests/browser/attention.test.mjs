// Nobody misses a message (issue 21): unread state per member across two members and two tabs,
// the tab title's count, desktop notifications for a background tab (and never for the
// conversation open in front of the member; a click opens the conversation), inbox rows with the
// newest message, and the keyboard (j/k, Enter, "?"). Members sign in through a stand-in for
// Cloudflare Access. Headless Chromium shows no real desktop notification: the page's
// Notification is replaced by a recorder with the same interface (permission granted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { startAccess } from '../support/access-standin.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let access, stack, edge, browser, ana, bob, anaFront, anaBack, bobPage;
const now = () => Math.floor(Date.now() / 1000);
const say = (from, name, body) => edge.deliver(delivery(NUMBER, { messages: [text(from, body, now())], contacts: [{ wa_id: from, profile: { name } }] }));

/** Records notifications instead of showing them, and lets the test hide the tab. */
const INIT = () => {
  window.__notifications = [];
  class RecordedNotification {
    constructor(title, options = {}) { this.title = title; this.body = options.body; this.tag = options.tag; this.onclick = null; window.__notifications.push(this); }
    close() {}
    static get permission() { return 'granted'; }
    static requestPermission() { return Promise.resolve('granted'); }
  }
  window.Notification = RecordedNotification;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => !!window.__hidden });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
};

before(async () => {
  access = await startAccess();
  stack = await startStack({ vars: { ACCESS_TEAM_DOMAIN: access.issuer, ACCESS_AUD: access.aud } });
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  const anaToken = access.sign({ email: 'ana@example.com' });
  const call = (path, body) => fetch(`${edge.url}/api/admin${path}`, { method: 'POST', headers: { 'cf-access-jwt-assertion': anaToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await call('/team/claim', { admin_token: edge.secrets.ADMIN_TOKEN, display_name: 'Ana' })).status, 201);
  assert.equal((await call('/team', { email: 'bob@example.com', display_name: 'Bob', role: 'agent' })).status, 201);
  browser = await launchBrowser();
  const contextFor = async (email) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(INIT);
    await context.addCookies([{ name: 'CF_Authorization', value: access.sign({ email }), url: edge.url }]);
    return context;
  };
  ana = await contextFor('ana@example.com');
  bob = await contextFor('bob@example.com');
  [anaFront, anaBack, bobPage] = [await ana.newPage(), await ana.newPage(), await bob.newPage()];
  for (const page of [anaFront, anaBack, bobPage]) {
    await page.goto(`${edge.url}/console/inbox`);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  }
});
after(async () => { await browser?.close(); await stack?.stop(); await access?.stop(); });

const hide = (page) => page.evaluate(() => { window.__hidden = true; document.dispatchEvent(new Event('visibilitychange')); });
const titleOf = (page) => page.evaluate(() => document.title);
const row = (page, name) => page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(name) });
async function waitForTitle(page, prefix) {
  const deadline = Date.now() + 15_000;
  while (!(await titleOf(page)).startsWith(prefix)) {
    if (Date.now() > deadline) throw new Error(`title ${await titleOf(page)} never started with ${prefix}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a customer message is unread for every member, in every tab, until each has seen it', async () => {
  assert.equal((await say('15550001111', 'Carla', 'Hi, is my order shipped?')).status, 200);
  for (const page of [anaFront, anaBack, bobPage]) {
    const carla = row(page, 'Carla');
    await carla.getByText('1 unread message').waitFor();
    await carla.getByText('Hi, is my order shipped?').waitFor();
    await carla.getByText('1 message', { exact: true }).waitFor().catch(async () => {
      // The meta line holds channel · number · count.
      await carla.getByText(/· 1 message$/).waitFor();
    });
    await waitForTitle(page, '(1) Inbox');
  }
  await expectAccessible(anaFront, 'inbox with an unread conversation');
  await shot(anaFront, 'attention-unread-1280');

  // Ana's background tab is hidden; in front she opens the conversation: it is read for her,
  // in both her tabs — not for Bob.
  await hide(anaBack);
  await row(anaFront, 'Carla').click();
  await anaFront.getByRole('region', { name: 'Conversation with Carla' }).getByText('Hi, is my order shipped?').waitFor();
  await waitForTitle(anaFront, 'Inbox');
  await waitForTitle(anaBack, 'Inbox');
  assert.equal(await row(anaBack, 'Carla').getByText('1 unread message').count(), 0);
  await waitForTitle(bobPage, '(1) Inbox');
  await row(bobPage, 'Carla').getByText('1 unread message').waitFor();
});

test('a desktop notification comes to the background tab, never for the conversation open in front; a click opens it', async () => {
  assert.equal((await say('15550002222', 'Dan', 'Do you ship to Lisbon?')).status, 200);
  await row(anaBack, 'Dan').getByText('1 unread message').waitFor();
  const deadline = Date.now() + 10_000;
  let back = [];
  while (Date.now() < deadline && !back.some((n) => n.title === 'Dan wrote')) {
    back = await anaBack.evaluate(() => window.__notifications.map((n) => ({ title: n.title, body: n.body })));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(back.find((n) => n.title === 'Dan wrote'), { title: 'Dan wrote', body: 'Do you ship to Lisbon?' });
  // In front nothing pops up: the list, the title and the sound say it.
  assert.deepEqual(await anaFront.evaluate(() => window.__notifications.length), 0);
  await waitForTitle(anaFront, '(1) Inbox');

  // Carla writes again while Ana reads her conversation in front: no notification there, and it
  // is seen at once.
  assert.equal((await say('15550001111', 'Carla', 'Also, can I change the address?')).status, 200);
  await anaFront.getByRole('region', { name: 'Conversation with Carla' }).getByText('Also, can I change the address?').waitFor();
  assert.equal(await anaFront.evaluate(() => window.__notifications.length), 0);
  await waitForTitle(anaFront, '(1) Inbox');

  // Clicking the background tab's notification opens Dan's conversation there.
  await anaBack.evaluate(() => window.__notifications.find((n) => n.title === 'Dan wrote').onclick());
  await anaBack.getByRole('region', { name: 'Conversation with Dan' }).waitFor();
  assert.match(anaBack.url(), /\/console\/inbox\/conv_/);
});

test('the keyboard moves through the inbox (j/k, Enter) and "?" lists the keys', async () => {
  await bobPage.bringToFront();
  await bobPage.getByRole('heading', { name: 'Inbox', level: 1 }).focus();
  await bobPage.keyboard.press('j');
  const focused = () => bobPage.evaluate(() => document.activeElement?.textContent ?? '');
  assert.match(await focused(), /Dan|Carla/);
  const first = await focused();
  await bobPage.keyboard.press('j');
  assert.notEqual(await focused(), first);
  await bobPage.keyboard.press('k');
  assert.equal(await focused(), first);
  await bobPage.keyboard.press('Enter');
  await bobPage.getByRole('region', { name: /Conversation with/ }).waitFor();
  await bobPage.getByRole('heading', { name: 'Inbox', level: 1 }).focus();
  await bobPage.keyboard.press('?');
  const dialog = bobPage.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  await dialog.getByText('next conversation').waitFor();
  await expectAccessible(bobPage, 'keyboard shortcuts dialog');
  await bobPage.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await shot(bobPage, 'attention-rows-1280');
});
