// Live conversations in a real Chromium: the Messenger and the inbox are pushed what changes
// instead of polling. Counted: the requests a page makes while its socket is up. Also: the
// handoff completing, a server-closed socket (reconnect, catch up, no duplicate) and a network
// that refuses sockets (the slow fallback still delivers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text, status } from '../support/meta.mjs';
import { codeFromLink } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
let stack, edge, browser;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({
    ...settings, handoff_enabled: true, business_name: 'Demo Shop', greeting: 'Hi! Ask us anything.',
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** A visitor with the Messenger open, their first message sent, and the live socket up. */
async function openMessenger(first, { beforeOpen } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  await context.route('https://wa.me/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>WhatsApp</title>' }));
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(r.url()); });
  const socketOpened = page.waitForEvent('websocket', { timeout: 10_000 }).catch(() => null);
  await beforeOpen?.(page);
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByText('Hi! Ask us anything.').waitFor();
  const input = page.getByLabel('Message', { exact: true });
  await input.fill(first);
  await input.press('Enter');
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: first }).waitFor();
  const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.last_message_preview?.includes?.(first)) ??
    (await edge.adminJson('/conversations?channel=messenger')).body[0];
  const visitorId = (await page.evaluate(() => Object.values(localStorage).find((v) => v.startsWith('v2.')))).split('.')[1];
  return { context, page, requests, socket: await socketOpened, conversation: conversation.id, visitorId };
}
const reply = (id, t) => edge.adminJson(`/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: t }) });
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

test('an agent reply appears in the Messenger with no request from the page in between', async () => {
  const m = await openMessenger('Do you ship to Canada?');
  assert.ok(m.socket, 'the Messenger opened a WebSocket');
  assert.match(m.socket.url(), /\/api\/live\?ticket=visitor%3A[0-9a-f]{32}/);
  await settle(); // the catch-up read that follows the socket opening
  const before = m.requests.length;
  const sentAt = Date.now();
  assert.equal((await reply(m.conversation, 'Yes — 3 to 5 days.')).status, 201);
  await m.page.locator('.sb-business', { hasText: 'Yes — 3 to 5 days.' }).waitFor({ timeout: 5_000 });
  const shownAfter = Date.now() - sentAt;
  await settle(1500);
  assert.deepEqual(m.requests.slice(before), [], 'nothing asked: the reply was pushed');
  assert.equal(await m.page.locator('.sb-business', { hasText: 'Yes — 3 to 5 days.' }).count(), 1);
  console.log(`agent reply → visible in the Messenger: ${shownAfter} ms (including the admin API call)`);
  await shot(m.page, 'live-1-reply-pushed');
  await m.context.close();
});

test('the handoff completing shows in the Messenger at once', async () => {
  const m = await openMessenger('Can we talk on WhatsApp?');
  const popup = m.context.waitForEvent('page');
  await m.page.getByRole('button', { name: 'Continue on WhatsApp' }).click();
  await (await popup).close();
  const link = await m.page.getByRole('link', { name: 'Open WhatsApp' }).getAttribute('href');
  const prefilled = decodeURIComponent(new URL(link).searchParams.get('text'));
  assert.ok(codeFromLink(link));
  const r = await edge.deliver(delivery(NUMBER, { messages: [text('15145552222', prefilled, Math.floor(Date.now() / 1000))] }));
  assert.equal((await r.json()).handoffs, 1);
  const at = Date.now();
  await m.page.getByText('This conversation continues on WhatsApp.').waitFor({ timeout: 5_000 });
  assert.ok(Date.now() - at < 5_000);
  assert.equal(await m.page.getByLabel('Message', { exact: true }).count(), 0);
  await shot(m.page, 'live-2-handoff');
  await m.context.close();
});

test('the server closes the socket: the Messenger reconnects and catches up, each reply once', async () => {
  const m = await openMessenger('Are you open on Sunday?');
  const reconnected = m.page.waitForEvent('websocket', { timeout: 15_000 });
  const closed = await edge.adminJson(`/live/disconnect?room=visitor:${m.visitorId}`, { method: 'POST', body: '{}' });
  assert.equal(closed.body.closed, 1);
  // Sent while the Messenger has no socket: only the catch-up can bring it.
  await reply(m.conversation, 'Sunday 10–4.');
  await reconnected;
  await m.page.locator('.sb-business', { hasText: 'Sunday 10–4.' }).waitFor({ timeout: 10_000 });
  await settle();
  await reply(m.conversation, 'Anything else?');
  await m.page.locator('.sb-business', { hasText: 'Anything else?' }).waitFor({ timeout: 5_000 });
  await settle(1000);
  assert.equal(await m.page.locator('.sb-business', { hasText: 'Sunday 10–4.' }).count(), 1);
  assert.equal(await m.page.locator('.sb-business', { hasText: 'Anything else?' }).count(), 1);
  assert.equal(await m.page.locator('.sb-visitor', { hasText: 'Are you open on Sunday?' }).count(), 1);
  await m.context.close();
});

test('frames the Messenger does not understand are ignored; the socket stays and the next reply shows', async () => {
  const sockets = [];
  const m = await openMessenger('Can I change my address?', {
    // Between the page and the real edge: everything passes; the test adds frames of its own.
    beforeOpen: (page) => page.routeWebSocket(/\/api\/live\?/, (ws) => { ws.connectToServer(); sockets.push(ws); }),
  });
  const errors = [];
  m.page.on('pageerror', (e) => errors.push(e.message));
  await settle();
  assert.equal(sockets.length, 1);
  const message = (over) => ({ id: 'forged', author: 'business', text: 'FORGED', sent_at: Date.now(), ...over });
  for (const frame of [
    'not json', '', '[1,2,3]', 'null', '42', '"pong"',
    JSON.stringify({ type: 'typing', conversation_id: m.conversation }),
    JSON.stringify({ type: 'message', conversation_id: m.conversation }),
    JSON.stringify({ type: 'message', conversation_id: m.conversation, message: message({ author: 'robot' }) }),
    JSON.stringify({ type: 'message', conversation_id: m.conversation, message: message({ sent_at: 'soon' }) }),
    JSON.stringify({ type: 'message', conversation_id: m.conversation, message: message({ sent_at: 1.5 }) }),
    JSON.stringify({ type: 'changed', conversation_id: m.conversation, change: 'exploded' }),
    JSON.stringify({ type: 'message', conversation_id: m.conversation, message: { ...message(), text: 'x'.repeat(200_000) , author: 7 } }),
  ]) {
    sockets[0].send(frame);
  }
  // The control: a well-formed frame sent the same way is shown, so the ones above did arrive.
  sockets[0].send(JSON.stringify({ type: 'message', conversation_id: m.conversation, message: message({ id: 'control', text: 'Well-formed frame' }) }));
  await m.page.locator('.sb-business', { hasText: 'Well-formed frame' }).waitFor({ timeout: 5_000 });
  assert.equal((await reply(m.conversation, 'Yes, until it ships.')).status, 201);
  await m.page.locator('.sb-business', { hasText: 'Yes, until it ships.' }).waitFor({ timeout: 5_000 });
  await settle();
  assert.equal(await m.page.getByText('FORGED').count(), 0, 'no half-read message is shown');
  assert.equal(await m.page.locator('.sb-business', { hasText: 'Yes, until it ships.' }).count(), 1);
  assert.equal(sockets.length, 1, 'the socket was kept: nonsense is not a reason to reconnect');
  assert.deepEqual(errors, [], 'no panic, no uncaught error');
  await m.context.close();
});

test('a network that refuses WebSockets: the fallback still delivers the reply, slowly', async () => {
  const m = await openMessenger('Is there a discount?', {
    beforeOpen: (page) => page.route('**/api/widget/live', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"blocked by a proxy"}' })),
  });
  assert.equal(m.socket, null, 'no socket could be opened');
  await reply(m.conversation, '10% with code HELLO.');
  const at = Date.now();
  await m.page.locator('.sb-business', { hasText: '10% with code HELLO.' }).waitFor({ timeout: 30_000 });
  console.log(`fallback delivered the reply after ${Date.now() - at} ms`);
  const reads = m.requests.filter((u) => u.endsWith('/api/widget/conversation'));
  assert.ok(reads.length <= 4, `asks every 12 s at most, not every 3 s: ${reads.length} reads`);
  await m.context.close();
});

test('the inbox shows a new WhatsApp message and a status change live', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const socket = page.waitForEvent('websocket', { timeout: 10_000 });
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  assert.match((await socket).url(), /\/api\/live\?ticket=inbox/);
  await settle();
  const now = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(NUMBER, { messages: [text('16505557777', 'Where is parcel 77?', now)], contacts: [{ profile: { name: 'Ada Live' }, wa_id: '16505557777' }] }));
  const row = page.getByRole('button', { name: /Ada Live/ });
  await row.waitFor({ timeout: 5_000 });
  await row.click();
  const thread = page.getByRole('region', { name: 'Conversation with Ada Live' });
  await thread.getByText('Where is parcel 77?').waitFor();
  await thread.getByLabel('Reply').fill('On its way.');
  await thread.getByRole('button', { name: 'Send' }).click();
  await thread.getByText('· sent').waitFor();
  const sent = stack.graph.sent.at(-1);
  assert.equal(sent.text.body, 'On its way.');
  await settle();
  const at = Date.now();
  await edge.deliver(delivery(NUMBER, { statuses: [status(sent.wamid, 'read', now + 3, '16505557777')] }));
  await thread.getByText('· read').waitFor({ timeout: 3_000 });
  console.log(`status webhook → shown in the open thread: ${Date.now() - at} ms`);
  await shot(page, 'live-3-inbox');
  await expectAccessible(page, 'inbox, a live thread with a read reply');
  await context.close();
});
