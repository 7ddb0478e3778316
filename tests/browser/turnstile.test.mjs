// The Messenger with Turnstile on: a new visitor sees the challenge, can write once it is passed,
// and their first message carries the token. Cloudflare's script is not reachable from here, so
// the page gets a stand-in for it (same global API: turnstile.render(element, { sitekey, callback })).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphStandin, TURNSTILE_SECRET } from '../support/graph-standin.mjs';
import { startEdge } from '../support/edge.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';

const FAKE_TURNSTILE = `window.turnstile = { render(el, opts) {
  const b = document.createElement('button'); b.type = 'button'; b.textContent = 'Verify you are human';
  b.onclick = () => { b.textContent = 'Success!'; opts.callback('XXXX.DUMMY.TOKEN.' + Math.random().toString(36).slice(2)); };
  el.appendChild(b); window.__turnstileSitekey = opts.sitekey; return 'widget-1'; } };`;

let graph, edge, browser;
before(async () => {
  graph = await startGraphStandin();
  edge = await startEdge({ graphBase: graph.base, vars: {
    TURNSTILE_SECRET_KEY: TURNSTILE_SECRET, TURNSTILE_VERIFY_URL: `${graph.base}/turnstile/v0/siteverify` } });
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, turnstile_site_key: '0x4AAAAAAAstandin' });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await edge?.stop(); await graph?.close(); });

test('a new visitor passes Turnstile, then writes; the token goes with the first message', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await context.route('https://challenges.cloudflare.com/turnstile/**', (route) => route.fulfill({ contentType: 'text/javascript', body: FAKE_TURNSTILE }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const verify = page.getByRole('button', { name: 'Verify you are human' });
  await verify.waitFor();
  assert.equal(await page.evaluate(() => window.__turnstileSitekey), '0x4AAAAAAAstandin');
  assert.ok(await page.getByRole('button', { name: 'Send' }).isDisabled(), 'no writing before the check');
  await shot(page, 'widget-7-turnstile');
  await verify.click();
  await page.getByLabel('Message', { exact: true }).fill('Hello, human here');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Hello, human here' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Verify|Success/ }).count(), 0, 'asked once');
  await page.getByLabel('Message', { exact: true }).fill('And a second one');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'And a second one' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
