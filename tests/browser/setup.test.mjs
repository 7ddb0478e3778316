// The console of a deployment that is not set up: instead of a sign-in that cannot work, a setup
// page names what is missing (never a value) with the steps for the dashboard and the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge } from '../support/edge.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';

let edge, browser;
before(async () => {
  edge = await startEdge({ vars: { ADMIN_TOKEN: '', ENCRYPTION_KEY: 'too-short' }, migrate: false });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await edge?.stop(); });

test('the console shows what is missing and how to fix it', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  await page.goto(`${edge.url}/console/`);
  await page.getByRole('heading', { name: 'Finish setting up Switchboard' }).waitFor();
  await page.getByText('ADMIN_TOKEN').first().waitFor();
  await page.getByText(/ENCRYPTION_KEY: must be 32 random bytes/).waitFor();
  await page.getByText(/Migrations not applied yet: 0001_conversations\.sql/).waitFor();
  await page.getByText('npx wrangler d1 migrations apply DB --remote').waitFor();
  assert.equal(await page.getByLabel('Admin token').count(), 0, 'no sign-in that cannot work');
  assert.doesNotMatch(await page.content(), /too-short/, 'never a value');
  await shot(page, 'console-0-setup');
  await expectAccessible(page, 'setup page');
  assert.equal(await page.title(), 'Finish setting up · Switchboard console');
});

test('the setup page at phone width', async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${edge.url}/console/`);
  await page.getByRole('heading', { name: 'Finish setting up Switchboard' }).waitFor();
  await expectAccessible(page, 'setup page, phone width');
  await shot(page, 'console-0-setup-phone');
});

test('the demo page with the script tag shows no Messenger at all, not a broken one', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
  const loader = page.waitForResponse((r) => r.url().endsWith('/widget.js'));
  await page.goto(`${edge.url}/`);
  assert.equal((await loader).status(), 200);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#switchboard-messenger').count(), 0, 'no launcher drawn');
  await shot(page, 'widget-not-set-up');
});
