// The console's Support KPIs table (with and without the reset, per scope and period) and the
// inbox's 24-hour window: time left per conversation, the flag on an unanswered one closing
// within the hour, and the "closing soon" order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text, DAY } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge, browser, page;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', reset_days: 1 });
  const now = Math.floor(Date.now() / 1000);
  // Ana's thread split by the 1-day reset; Ben waiting 23.5 h with no answer; Cy answered.
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550301', 'first', now - 3 * DAY)], contacts: [{ profile: { name: 'Ana' }, wa_id: '15145550301' }] }));
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550301', 'again', now - 600)], contacts: [{ profile: { name: 'Ana' }, wa_id: '15145550301' }] }));
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550302', 'hello?', now - 23 * 3600 - 1800)], contacts: [{ profile: { name: 'Ben Waiting' }, wa_id: '15145550302' }] }));
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550303', 'thanks', now - 3600)], contacts: [{ profile: { name: 'Cy Answered' }, wa_id: '15145550303' }] }));
  const cy = (await edge.adminJson('/conversations?wa_id=15145550303')).body[0];
  await edge.adminJson(`/conversations/${cy.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'You are welcome' }) });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto(`${edge.url}/console/reports`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('the KPI table shows each figure with the reset and without it', async () => {
  const card = page.getByRole('region', { name: 'Support KPIs' });
  const row = card.getByRole('row', { name: /Conversations opened/ });
  await row.waitFor();
  // Project, 30 days: 4 conversations with the reset (Ana twice), 3 threads without.
  assert.deepEqual(await row.locator('td').allTextContents(), ['4', '3']);
  assert.deepEqual(await card.getByRole('row', { name: /Resets applied/ }).locator('td').allTextContents(), ['1', '0']);
  await card.getByLabel('Scope').selectOption({ label: 'Support' });
  await card.getByLabel('Period').selectOption('7');
  assert.deepEqual(await card.getByRole('row', { name: /Conversations per customer/ }).locator('td').allTextContents(), ['1.33', '1.00']);
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'console-kpis');
  await expectAccessible(page, 'reports, KPI table (a number, 7 days)');
});

test('the inbox shows the reply window, flags the unanswered one closing within the hour, and sorts by it', async () => {
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  const ben = page.getByRole('button', { name: /Ben Waiting/ });
  await ben.getByText(/Unanswered — window closes in 2\d min/).waitFor();
  assert.match(await ben.getAttribute('class'), /flagged/);
  const cy = page.getByRole('button', { name: /Cy Answered/ });
  await cy.getByText(/22 h \d+ min left to reply freely/).waitFor();
  assert.doesNotMatch(await cy.getAttribute('class'), /flagged/);
  await page.getByLabel('Order').selectOption('closing');
  await page.waitForFunction(() => document.querySelector('.conversations li button strong')?.textContent === 'Ben Waiting');
  await shot(page, 'inbox-window');
  await expectAccessible(page, 'inbox, reply windows with a flagged conversation');
});
