// The console by keyboard alone and at phone width: sign in, switch pages, open a conversation and
// reply, open the disconnect dialog and close it with Escape (focus back on the button that opened
// it), every focus stop with a visible focus ring; and axe-core (WCAG 2.2 AA) on the states the
// other files do not reach — a long thread that scrolls, a conversation handed off from the
// Messenger, a disconnected number, deliveries kept for it and items not understood — at
// 1280×800 and 390×844, with screenshots of each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text, status } from '../support/meta.mjs';
import { visitor } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
const SECOND = '202020202020202';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let stack, edge, browser;
const errors = [];

before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support' });
  await stack.connect({ id: SECOND, waba: '303030', label: 'Sales', display: '+44 20 7946 0000' });
  assert.equal((await edge.admin(`/numbers/${SECOND}?intent=reuse`, { method: 'DELETE' })).status, 200);
  await edge.putSettings((s) => ({ ...s, handoff_enabled: true, default_handoff_number: NUMBER }));
  const now = Math.floor(Date.now() / 1000);
  // A long WhatsApp thread: its message list scrolls.
  const kim = { profile: { name: 'Kim Keys' }, wa_id: '15145550601' };
  const lines = Array.from({ length: 30 }, (_, i) => text(kim.wa_id, `Question ${i + 1} about my order`, now - 600 + i));
  await edge.deliver(delivery(NUMBER, { messages: lines, contacts: [kim] }));
  // More than two in one delivery: stored by the work queue, one message per invocation.
  await edge.threadOnceStored(kim.wa_id, lines.length);
  // A visitor who carried their conversation over to WhatsApp.
  const v = visitor(edge);
  await v.session();
  await v.say('Can we continue on WhatsApp?');
  const { body: offer } = await v.handoff();
  // The code's message a second after the visitor's (the thread is in time order).
  await new Promise((r) => setTimeout(r, 1100));
  const later = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550602', `Here is my code ${offer.code}`, later)], contacts: [{ profile: { name: 'Vera Handoff' }, wa_id: '15145550602' }] }));
  // A status the webhook does not know (kept as not understood), and a delivery for the
  // disconnected number (kept as unrouted).
  await edge.deliver(delivery(NUMBER, { statuses: [status('wamid.unknown', 'deleted', now, kim.wa_id)] }));
  await edge.deliver(delivery(SECOND, { messages: [text('15145550603', 'anyone there?', now)] }));
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function console_(viewport) {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

async function signIn(page) {
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
}

// Presses Tab (or Shift+Tab) until `target` has focus. Every stop on the way must show a focus
// ring: its own outline, or its label's for a visually hidden input.
const withoutRing = new Set();
async function tabTo(page, target, { back = false, max = 150 } = {}) {
  const element = await target.elementHandle();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const stop = await page.evaluate((wanted) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { reached: false };
      const shown = el.matches('.sr') ? (el.closest('label') ?? el) : el;
      const style = getComputedStyle(shown);
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40) || el.id || el.tagName;
      return { reached: el === wanted, ring, name: `${el.tagName.toLowerCase()} "${name}"` };
    }, element);
    if (stop.name && !stop.ring) withoutRing.add(stop.name);
    if (stop.reached) return i + 1;
  }
  throw new Error(`Tab never reached ${target}`);
}

const hasFocus = (locator) => locator.evaluate((el) => el === document.activeElement || el.contains(document.activeElement));

test('by keyboard alone: sign in, switch pages, open a conversation and reply, and the disconnect dialog closes with Escape', async () => {
  const page = await console_(DESKTOP);
  await page.goto(`${edge.url}/console/`);
  const token = page.getByLabel('Admin token');
  await tabTo(page, token);
  await page.keyboard.type(edge.secrets.ADMIN_TOKEN);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Console' });

  // Numbers and back to the Inbox: each page's heading takes focus, then the conversation, then
  // its reply box.
  await tabTo(page, nav.getByRole('link', { name: 'Numbers', exact: true }));
  await page.keyboard.press('Enter');
  const numbersHeading = page.getByRole('heading', { name: 'Numbers', level: 1 });
  await numbersHeading.waitFor();
  assert.ok(await hasFocus(numbersHeading), 'focus moves to the page that was opened');
  await tabTo(page, nav.getByRole('link', { name: 'Inbox', exact: true }), { back: true });
  await page.keyboard.press('Enter');
  const inboxHeading = page.getByRole('heading', { name: 'Inbox', level: 1 });
  await inboxHeading.waitFor();
  await page.waitForFunction(() => document.activeElement?.matches('main h1'));
  assert.ok(await hasFocus(inboxHeading), 'focus moves to the page that was opened');
  await tabTo(page, page.getByRole('button', { name: /Kim Keys/ }));
  await page.keyboard.press('Enter');
  const thread = page.getByRole('region', { name: 'Conversation with Kim Keys' });
  await thread.getByText('Question 30 about my order').waitFor();
  await page.waitForFunction(() => document.activeElement?.matches('.thread h2'));
  await tabTo(page, thread.getByRole('list', { name: 'Messages' }));
  await page.keyboard.press('PageUp');
  await tabTo(page, thread.getByLabel('Reply'));
  await page.keyboard.type('Your order left this morning.');
  const send = thread.getByRole('button', { name: 'Send' });
  await tabTo(page, send);
  await page.keyboard.press('Enter');
  await thread.locator('.message.out', { hasText: 'Your order left this morning.' }).getByText('· sent').waitFor();
  assert.equal(stack.graph.sent.at(-1).text.body, 'Your order left this morning.');
  assert.ok(await hasFocus(send), 'focus stays on Send while and after sending');
  // A send WhatsApp refuses, retried: the Retry button goes away and focus goes to the messages.
  stack.graph.failSends({ status: 400, message: '(#131030) Recipient phone number not in allowed list', code: 131030 });
  await tabTo(page, thread.getByLabel('Reply'), { back: true });
  await page.keyboard.type('Shall I hold it for you?');
  await tabTo(page, send);
  await page.keyboard.press('Enter');
  const retry = thread.getByRole('button', { name: 'Retry' });
  await retry.waitFor();
  stack.graph.failSends(null);
  await tabTo(page, retry, { back: true });
  await page.keyboard.press('Enter');
  await thread.locator('.message.out', { hasText: 'Shall I hold it for you?' }).getByText('· sent').waitFor();
  assert.ok(await thread.getByRole('list', { name: 'Messages' }).evaluate((el) => el === document.activeElement), 'focus is on the messages, not lost');
  // Closing and reopening keep focus on the button pressed.
  await tabTo(page, thread.getByRole('button', { name: 'Close conversation' }), { back: true });
  await page.keyboard.press('Enter');
  const reopen = thread.getByRole('button', { name: 'Reopen' });
  await reopen.waitFor();
  assert.ok(await hasFocus(reopen));
  await page.keyboard.press('Enter');
  await thread.getByRole('button', { name: 'Close conversation' }).waitFor();
  assert.ok(await hasFocus(thread.getByRole('button', { name: 'Close conversation' })));
  await shot(page, 'a11y-keyboard-reply');

  // A number's page: the disconnect dialog opens with focus inside it and closes with Escape,
  // focus back on "Disconnect…"; the same after choosing an intent.
  await tabTo(page, nav.getByRole('link', { name: 'Numbers', exact: true }), { back: true });
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('link', { name: 'Support', exact: true }));
  await page.keyboard.press('Enter');
  const support = page.getByRole('article', { name: 'Number Support' });
  const opener = support.getByRole('button', { name: 'Disconnect…' });
  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  const choosing = support.getByRole('group', { name: 'Disconnect' });
  await choosing.waitFor();
  assert.ok(await hasFocus(choosing), 'focus moves into the dialog');
  await shot(page, 'a11y-keyboard-dialog');
  await page.keyboard.press('Escape');
  await choosing.waitFor({ state: 'detached' });
  assert.ok(await hasFocus(opener), 'Escape returns focus to "Disconnect…"');
  await page.keyboard.press('Enter');
  await tabTo(page, choosing.getByRole('button', { name: /another tool or provider/ }));
  await page.keyboard.press('Enter');
  const confirm = support.getByRole('group', { name: 'Confirm disconnect' });
  await confirm.getByText(/disable its two-step verification/).waitFor();
  assert.ok(await hasFocus(confirm), 'focus moves to the confirmation');
  await tabTo(page, confirm.getByRole('button', { name: 'Cancel' }));
  await page.keyboard.press('Enter');
  await confirm.waitFor({ state: 'detached' });
  assert.ok(await hasFocus(opener), 'Cancel returns focus to "Disconnect…"');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  assert.ok(await hasFocus(opener));
  assert.equal((await edge.adminJson(`/numbers/${NUMBER}`)).body.status, 'connected', 'nothing was disconnected');

  // Webhook: Reveal by keyboard.
  await tabTo(page, nav.getByRole('link', { name: 'Webhook', exact: true }), { back: true });
  await page.keyboard.press('Enter');
  const reveal = page.getByRole('button', { name: 'Reveal' });
  await tabTo(page, reveal);
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#verify-token').textContent(), edge.secrets.WHATSAPP_VERIFY_TOKEN);

  assert.deepEqual([...withoutRing], [], 'every focus stop shows a focus ring');
  assert.deepEqual(errors, []);
});

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`${name} (${viewport.width}×${viewport.height}): every page passes axe, with a disconnected number, kept deliveries, a long thread and a handoff`, async () => {
    const page = await console_(viewport);
    await page.goto(`${edge.url}/console/`);
    await page.getByLabel('Admin token').waitFor();
    await expectAccessible(page, `${name}: sign-in`);
    await shot(page, `a11y-${name}-0-sign-in`);
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Numbers', exact: true }).click();
    await page.getByRole('row', { name: /Sales/ }).getByText('Disconnected', { exact: true }).waitFor();
    await expectAccessible(page, `${name}: numbers, one connected and one disconnected`);
    await shot(page, `a11y-${name}-1-numbers`);
    await page.getByRole('link', { name: 'Sales', exact: true }).click();
    await page.getByRole('article', { name: 'Number Sales' }).waitFor();
    await expectAccessible(page, `${name}: a disconnected number's page`);
    await nav.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('region', { name: 'Support KPIs' }).getByRole('button', { name: 'Refresh' }).waitFor();
    await expectAccessible(page, `${name}: reports`);
    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('region', { name: 'Project defaults' }).waitFor();
    await expectAccessible(page, `${name}: settings`);

    await nav.getByRole('link', { name: 'Inbox', exact: true }).click();
    await page.getByRole('button', { name: /Kim Keys/ }).click();
    const kim = page.getByRole('region', { name: 'Conversation with Kim Keys' });
    await kim.getByText('Question 30 about my order').waitFor();
    await expectAccessible(page, `${name}: inbox, a long thread that scrolls`);
    await shot(page, `a11y-${name}-2-inbox-long-thread`);

    await page.getByRole('button', { name: /Vera Handoff/ }).click();
    const vera = page.getByRole('region', { name: 'Conversation with Vera Handoff' });
    await vera.getByText('Continued on WhatsApp').waitFor();
    await vera.getByRole('button', { name: 'Undo WhatsApp link' }).waitFor();
    await expectAccessible(page, `${name}: inbox, a conversation handed off from the Messenger`);
    await shot(page, `a11y-${name}-3-inbox-handoff`);

    await nav.getByRole('link', { name: 'Webhook', exact: true }).click();
    await page.getByRole('region', { name: 'Webhook' }).getByText(/Not verified|Verified|Working/).first().waitFor();
    await page.getByRole('region', { name: 'Delivery items that could not be understood' }).locator('li').first().waitFor();
    await page.getByRole('region', { name: 'Deliveries for numbers that are not connected' }).locator('li').first().waitFor();
    await expectAccessible(page, `${name}: webhook, kept deliveries and items not understood`);
    await shot(page, `a11y-${name}-4-webhook`);
    assert.deepEqual(errors, []);
  });
}
