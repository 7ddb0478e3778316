// The console as pages with addresses: each page loads by its URL (a deep link reaches the console's
// page, with its strict CSP), reload keeps the place, back and forward walk the history, the nav is
// reachable by keyboard and marks the page shown, focus moves to a new page's heading, connecting a
// number is a real modal dialog, and the Numbers page stays usable with 50 numbers. axe-core checks
// every page; screenshots of each page at 1280×800 and 390×844 go to
// tests/artifacts/console-page-<name>-<width>.png, with the page heights in console-page-heights.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot, SCREENSHOTS } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';

const FIRST = '100000000000001';
const numberId = (i) => String(100000000000000 + i);
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let stack, edge, browser, page, conversation;
const errors = [];
const heights = {};

async function connectNumbers(from, to) {
  for (let i = from; i <= to; i++) {
    await stack.connect({ id: numberId(i), waba: String(300000 + i), label: `Team ${String(i).padStart(2, '0')}`, display: `+1 555-01${String(i).padStart(2, '0')}` });
  }
}

before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await connectNumbers(1, 20);
  await edge.deliver(delivery(FIRST, { messages: [text('15145557777', 'Do you ship to Lisbon?', Math.floor(Date.now() / 1000))], contacts: [{ profile: { name: 'Rita Sousa' }, wa_id: '15145557777' }] }));
  conversation = (await edge.adminJson('/conversations?wa_id=15145557777')).body[0].id;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: WIDE })).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${edge.url}/console/numbers`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
});
after(async () => {
  writeFileSync(join(SCREENSHOTS, 'console-page-heights.json'), JSON.stringify(heights, null, 2));
  await browser?.close();
  await stack?.stop();
});

const h1 = () => page.locator('main h1');
/** Waits until the page's heading named `name` has focus (says what has it instead). */
async function headingFocused(name) {
  for (let i = 0; i < 50; i++) {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
    if (focused === `<h1 tabindex="-1">${name}</h1>`) return;
    if (i === 49) assert.fail(`focus is on ${focused}, not the heading ${name}`);
    await page.waitForTimeout(100);
  }
}
const pageHeight = () => page.evaluate(() => document.documentElement.scrollHeight);
const sidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Screenshots at both sizes; at 390 px nothing may scroll sideways. */
async function shootBoth(name) {
  heights[`${name}-1280`] = await pageHeight();
  await page.screenshot({ path: join(SCREENSHOTS, `console-page-${name}-1280.png`) });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(100);
  assert.equal(await sidewaysScroll(), 0, `${name}: no horizontal scroll at 390 px`);
  heights[`${name}-390`] = await pageHeight();
  await page.screenshot({ path: join(SCREENSHOTS, `console-page-${name}-390.png`) });
  await expectAccessible(page, `${name} at 390 px`);
  await page.setViewportSize(WIDE);
}

const PAGES = [
  { name: 'inbox', path: '/console/inbox', heading: 'Inbox', nav: 'Inbox', ready: () => page.getByRole('button', { name: /Rita Sousa/ }).waitFor() },
  { name: 'conversation', path: () => `/console/inbox/${conversation}`, heading: 'Inbox', nav: 'Inbox', ready: () => page.getByRole('region', { name: 'Conversation with Rita Sousa' }).getByText('Do you ship to Lisbon?').waitFor() },
  { name: 'numbers', path: '/console/numbers', heading: 'Numbers', nav: 'Numbers', ready: () => page.getByRole('link', { name: 'Team 20' }).waitFor() },
  { name: 'number', path: `/console/numbers/${FIRST}`, heading: 'Team 01', nav: 'Numbers', title: 'Number Team 01', ready: () => page.getByRole('link', { name: 'Manage in WhatsApp Manager' }).waitFor() },
  { name: 'reports', path: '/console/reports', heading: 'Reports', nav: 'Reports', ready: () => page.getByRole('region', { name: 'Support KPIs' }).getByRole('button', { name: 'Refresh' }).waitFor() },
  { name: 'settings', path: '/console/settings', heading: 'Settings', nav: 'Settings', ready: () => page.getByRole('button', { name: 'Save languages and hours' }).waitFor() },
  { name: 'install', path: '/console/install', heading: 'Install', nav: 'Install', ready: () => page.getByText('Database migrations: all applied').waitFor() },
  { name: 'webhook', path: '/console/webhook', heading: 'Webhook', nav: 'Webhook', ready: () => page.getByRole('region', { name: 'Delivery items that could not be understood' }).waitFor() },
  { name: 'not-found', path: '/console/no-such-page', heading: 'Page not found', ready: () => page.getByRole('link', { name: 'Go to the inbox' }).waitFor() },
];

test('a deep link gets the console page with its CSP; a missing console file stays a 404', async () => {
  const root = await fetch(`${edge.url}/console/`);
  const deep = await fetch(`${edge.url}/console/numbers/${FIRST}`);
  assert.equal(deep.status, 200);
  assert.match(deep.headers.get('content-type'), /text\/html/);
  assert.equal(await deep.text(), await root.text());
  const csp = root.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.equal(deep.headers.get('content-security-policy'), csp, 'the deep link carries the console CSP');
  assert.equal(deep.headers.get('x-frame-options'), 'DENY');
  assert.equal((await fetch(`${edge.url}/console/pkg/missing.wasm`)).status, 404);
  assert.equal((await fetch(`${edge.url}/console/inbox`, { method: 'POST' })).status, 404);
  // The rest of the site is as before.
  assert.equal((await fetch(`${edge.url}/api/admin/settings`)).status, 401);
  assert.match(await (await fetch(`${edge.url}/`)).text(), /widget\.js/);
});

for (const p of PAGES) {
  test(`${p.name}: loads by its address, survives a reload, passes axe, at 1280 and 390 px`, async () => {
    const path = typeof p.path === 'function' ? p.path() : p.path;
    await page.goto(`${edge.url}${path}`);
    await p.ready();
    assert.equal(await h1().textContent(), p.heading);
    // The inbox puts its unread count in front: "(1) Inbox · Switchboard console".
    await page.waitForFunction((t) => document.title.replace(/^\(\d+\) /, '') === `${t} · Switchboard console`, p.title ?? p.heading);
    const current = page.getByRole('navigation', { name: 'Console' }).locator('[aria-current="page"]');
    if (p.nav) assert.equal(await current.textContent(), p.nav);
    else assert.equal(await current.count(), 0);
    await expectAccessible(page, `${p.name} page`);
    await page.reload();
    await p.ready();
    assert.equal(await h1().textContent(), p.heading, 'reload keeps the place');
    assert.equal(new URL(page.url()).pathname, path);
    await shootBoth(p.name);
  });
}

test('the nav is reachable by keyboard; a new page takes focus at its heading; back and forward keep the place', async () => {
  await page.goto(`${edge.url}/console/`);
  await page.getByRole('button', { name: /Rita Sousa/ }).waitFor();
  assert.equal(await h1().textContent(), 'Inbox', '/console/ is the inbox');
  const nav = page.getByRole('navigation', { name: 'Console' });
  let reached = false;
  for (let i = 0; i < 6 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Numbers' && document.activeElement.closest('nav') !== null);
  }
  assert.ok(reached, 'Tab reaches the Numbers link');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Team 05' }).waitFor();
  await headingFocused('Numbers');
  assert.equal(new URL(page.url()).pathname, '/console/numbers');
  await page.getByRole('link', { name: 'Team 05' }).click();
  await page.getByRole('heading', { level: 1, name: 'Team 05' }).waitFor();
  await headingFocused('Team 05');
  await nav.getByRole('link', { name: 'Reports' }).click();
  await h1().filter({ hasText: 'Reports' }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Team 05' }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/console/numbers/${numberId(5)}`);
  await page.goBack();
  await h1().filter({ hasText: 'Numbers' }).waitFor();
  await page.goBack();
  await h1().filter({ hasText: 'Inbox' }).waitFor();
  await page.goForward();
  await h1().filter({ hasText: 'Numbers' }).waitFor();
  // Opening a conversation is an address too; back closes it again.
  await nav.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('button', { name: /Rita Sousa/ }).click();
  await page.getByText('Do you ship to Lisbon?').waitFor();
  assert.equal(new URL(page.url()).pathname, `/console/inbox/${conversation}`);
  await page.goBack();
  await page.getByText('Choose a conversation.').waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/inbox');
});

test('connecting a number is a modal dialog: focus inside, Escape closes, focus returns, it connects', async () => {
  await page.goto(`${edge.url}/console/numbers`);
  const opener = page.getByRole('button', { name: 'Connect a number' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Connect a number' });
  await dialog.waitFor();
  assert.ok(await page.evaluate(() => document.activeElement?.closest('dialog') !== null), 'focus moves into the dialog');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement?.closest('dialog[open]') !== null), `focus stays in the dialog (Tab ${i + 1})`);
  }
  await expectAccessible(page, 'numbers, connect dialog open');
  await shootBoth('connect-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.ok(await opener.evaluate((b) => b === document.activeElement), 'focus returns to the button that opened it');

  await stack.graph.addNumber({ phone_number_id: '109999999999999', waba_id: '309999', access_token: 'EAAGnew', display_phone_number: '+1 555-0999' });
  await opener.click();
  await dialog.getByLabel('Label', { exact: true }).fill('Night shift');
  await dialog.getByLabel('Phone number ID').fill('109999999999999');
  await dialog.getByLabel('WhatsApp Business Account ID').fill('309999');
  await dialog.getByLabel('Access token').fill('EAAGwrong');
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await dialog.getByText(/Invalid OAuth access token/).waitFor();
  await dialog.getByLabel('Access token').fill('EAAGnew');
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('Night shift is connected.').waitFor();
  await page.getByRole('link', { name: 'Night shift' }).waitFor();
  assert.ok(await opener.evaluate((b) => b === document.activeElement), 'focus is back on the button');
});

test('the Numbers page with 50 numbers stays a compact, usable table', async () => {
  heights['numbers-20-numbers-1280'] = heights['numbers-1280'];
  await connectNumbers(21, 49);
  await page.goto(`${edge.url}/console/numbers`);
  await page.getByRole('link', { name: 'Team 49' }).waitFor();
  const rows = page.getByRole('table').locator('tbody tr');
  assert.equal(await rows.count(), 50);
  const row = page.getByRole('row', { name: /Team 07/ });
  const cells = await row.locator('td').allTextContents();
  assert.equal(cells[0], '+1 555-0107');
  assert.equal(cells[1], 'Connected');
  assert.equal(cells[3], 'On');
  heights['numbers-50-numbers-1280'] = await pageHeight();
  await page.screenshot({ path: join(SCREENSHOTS, 'console-page-numbers-50-1280.png'), fullPage: true });
  await expectAccessible(page, 'numbers, 50 numbers');
  await page.setViewportSize(PHONE);
  assert.equal(await sidewaysScroll(), 0, 'no horizontal scroll at 390 px with 50 numbers');
  heights['numbers-50-numbers-390'] = await pageHeight();
  await page.screenshot({ path: join(SCREENSHOTS, 'console-page-numbers-50-390.png') });
  await expectAccessible(page, 'numbers, 50 numbers at 390 px');
  await page.setViewportSize(WIDE);
  await page.getByRole('link', { name: 'Team 42' }).click();
  await page.getByRole('heading', { level: 1, name: 'Team 42' }).waitFor();
  assert.ok(heights['numbers-50-numbers-1280'] < 4000, `50 numbers: ${heights['numbers-50-numbers-1280']} px`);
  assert.deepEqual(errors, []);
});
