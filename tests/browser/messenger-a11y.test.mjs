// The Messenger with assistive technology in mind, in a real Chromium: zero axe-core violations
// (WCAG 2.0–2.2 A and AA) in every state — closed, open, with messages, the handoff offer, the
// rating row, an error, offline, outside hours, continued on WhatsApp, right to left, and with
// accent colours that would fail contrast as given; focus moves into the panel on opening and
// back to the launcher on closing; a chat works by keyboard alone; a reply is announced once and
// the visitor's own words are not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';
import { codeFromLink } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
let stack, edge, browser, settings;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  ({ body: settings } = await edge.adminJson('/settings'));
  settings = {
    ...settings, handoff_enabled: true, default_handoff_number: NUMBER, business_name: 'Demo Shop',
    messenger_csat: { enabled: true, question: null, auto_resolve_hours: null },
  };
  await edge.putSettings(settings);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** What has focus, through the Messenger's shadow root. */
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el ? { tag: el.tagName, id: el.id, cls: el.className, label: el.getAttribute('aria-label'), outline: getComputedStyle(el).outlineStyle } : null;
});

async function openChat(page) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.locator('.sb-composer textarea:not([disabled])').waitFor();
}

async function say(page, words) {
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.fill(words);
  await input.press('Enter');
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: words }).waitFor();
}

// Each browser context its own client address: every page here comes from 127.0.0.1, and the
// widget API allows one address 120 calls a minute, which this file's visitors together exceed.
let clients = 0;
const ownAddress = () => ({ 'x-test-client-ip': `203.0.113.${++clients}` });
const latestConversation = async () => (await edge.adminJson('/conversations?channel=messenger')).body[0];
const reply = (id, words) => edge.adminJson(`/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: words }) });

test('every state of the Messenger passes axe, from closed to continued on WhatsApp', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: ownAddress() });
  const page = await context.newPage();
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).waitFor();
  await expectAccessible(page, 'Messenger closed (the demo page with the launcher)');

  await openChat(page);
  await expectAccessible(page, 'Messenger open, greeting only');

  await say(page, 'Is the blue one in stock?');
  const conversation = await latestConversation();
  await reply(conversation.id, 'Yes, three left.');
  await page.locator('.sb-business', { hasText: 'Yes, three left.' }).waitFor();
  await expectAccessible(page, 'Messenger with messages');

  // An error: the edge refuses a message.
  await page.route('**/api/widget/messages', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"x"}' }));
  await page.getByRole('textbox', { name: 'Message' }).fill('Hello?');
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await page.getByRole('alert').waitFor();
  await page.getByRole('button', { name: 'Not sent. Retry' }).waitFor();
  await expectAccessible(page, 'Messenger with a failed message and its notice');
  await page.unroute('**/api/widget/messages');
  await page.getByRole('button', { name: 'Not sent. Retry' }).click();
  await page.locator('.sb-visitor:not(.sb-pending):not(.sb-failed)', { hasText: 'Hello?' }).waitFor();

  // Offline.
  await context.setOffline(true);
  await page.getByRole('textbox', { name: 'Message' }).fill('Still there?');
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await page.getByRole('alert').getByText("Can't reach the chat right now.", { exact: false }).waitFor();
  await expectAccessible(page, 'Messenger offline');
  await context.setOffline(false);

  // The rating row, once an agent resolves the conversation.
  assert.equal((await edge.adminJson(`/conversations/${conversation.id}/close`, { method: 'POST', body: '{}' })).status, 200);
  await page.getByRole('group', { name: 'Rate this conversation' }).waitFor({ timeout: 15_000 });
  await page.getByText('How would you rate the help you got?').waitFor();
  await expectAccessible(page, 'Messenger asking for a rating');
  await page.getByRole('button', { name: '4 of 5' }).click();
  await page.getByText('Thanks for your rating.').waitFor();
  await expectAccessible(page, 'Messenger after a rating');
  await context.close();

  // The handoff offer and, once the visitor writes on WhatsApp, the conversation there.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: ownAddress() });
  const visitor = await other.newPage();
  await visitor.goto(`${edge.url}/`);
  await openChat(visitor);
  const popup = other.waitForEvent('page');
  await visitor.getByRole('button', { name: 'Continue on WhatsApp' }).click();
  await (await popup).close();
  const link = await visitor.getByRole('link', { name: 'Open WhatsApp', exact: true }).getAttribute('href');
  await expectAccessible(visitor, 'Messenger showing the handoff offer and QR code');
  const prefilled = decodeURIComponent(new URL(link).searchParams.get('text'));
  assert.ok(codeFromLink(link));
  await edge.deliver(delivery(NUMBER, { messages: [text('15145552222', prefilled, Math.floor(Date.now() / 1000))] }));
  await visitor.getByText('This conversation continues on WhatsApp.').waitFor({ timeout: 10_000 });
  await expectAccessible(visitor, 'Messenger continued on WhatsApp');
  await other.close();
});

test('right to left, outside hours, and accent colours that fail contrast as given: still no violations', async () => {
  const closed = {
    enabled: true, time_zone: 'Asia/Riyadh',
    week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    exceptions: [{ date: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10), spans: [['09:00', '17:00']] }],
    hide_launcher_when_closed: false,
  };
  try {
    for (const [accent, locale] of [['#25d366', 'ar'], ['#ffd400', 'he'], ['#8a8a8a', 'en-US']]) {
      await edge.putSettings({ ...settings, accent_color: accent, opening_hours: closed });
      const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 }, extraHTTPHeaders: ownAddress() });
      const page = await context.newPage();
      await page.goto(`${edge.url}/`);
      const launcher = page.locator('#switchboard-messenger .sb-launcher');
      await launcher.click();
      await page.locator('.sb-composer textarea:not([disabled])').waitFor();
      await page.getByRole('note').waitFor();
      await page.getByRole('textbox').fill('مرحبا');
      await page.getByRole('textbox').press('Enter');
      await page.locator('.sb-visitor:not(.sb-pending)').waitFor();
      await expectAccessible(page, `Messenger ${locale}, closed hours, accent ${accent}`);
      await shot(page, `messenger-a11y-${locale}`);
      await context.close();
    }
  } finally {
    await edge.putSettings(settings);
  }
});

test('focus: into the panel on opening (Enter), back to the launcher on Escape; a chat by keyboard alone', async () => {
  const context = await browser.newContext({ extraHTTPHeaders: ownAddress() });
  const page = await context.newPage();
  await page.goto(`${edge.url}/`);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await launcher.waitFor();
  // Tab from the page's last link to the launcher, as a keyboard user would.
  await page.getByRole('link', { name: '/console' }).focus();
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).label, 'Open chat');
  assert.notEqual((await focused(page)).outline, 'none', 'a visible focus ring');
  await page.keyboard.press('Enter');
  await page.locator('.sb-composer textarea:not([disabled])').waitFor();
  await page.waitForFunction(() => document.activeElement?.shadowRoot?.activeElement?.id === 'sb-input');
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Typed without a mouse' }).waitFor();
  // Every control in the panel is reachable with Tab and shows its ring.
  // From the composer backwards (Shift+Tab) to the close button, every stop with its ring.
  const stops = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Shift+Tab');
    const f = await focused(page);
    stops.push(f.label || f.id || f.cls);
    assert.notEqual(f.outline, 'none', `focus ring on ${JSON.stringify(f)}`);
    if (f.label === 'Close chat' && f.cls.includes('sb-close')) break;
  }
  assert.deepEqual(stops, ['sb-sr', 'sb-handoff-btn', 'Messages', 'Close chat'], 'attach, handoff, the message log, close');
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.keyboard.press('Escape');
  await page.locator('.sb-panel').waitFor({ state: 'detached' });
  const back = await focused(page);
  assert.equal(back.label, 'Open chat', 'focus returns to the launcher');
  // Controls are at least 24 × 24 px.
  await page.keyboard.press('Enter');
  await page.locator('.sb-composer textarea:not([disabled])').waitFor();
  const small = await page.locator('#switchboard-messenger').evaluate((host) =>
    [...host.shadowRoot.querySelectorAll('button, a, label.sb-attach, textarea')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width && (r.width < 24 || r.height < 24); })
      .map((e) => e.className));
  assert.deepEqual(small, []);
  await context.close();
});

test('screen readers: a reply is announced once; the visitor\'s own message is not', async () => {
  const context = await browser.newContext({ extraHTTPHeaders: ownAddress() });
  const page = await context.newPage();
  await page.goto(`${edge.url}/`);
  await openChat(page);
  const region = page.locator('.sb-panel [role=status][aria-live=polite]').first();
  await say(page, 'When do you open?');
  assert.equal(await region.textContent(), '', 'the visitor\'s words are not read back');
  const conversation = await latestConversation();
  await reply(conversation.id, 'At nine tomorrow.');
  await page.locator('.sb-business', { hasText: 'At nine tomorrow.' }).waitFor();
  assert.equal(await region.textContent(), 'Demo Shop: At nine tomorrow.');
  // Each message in the log says who wrote it.
  assert.match(await page.locator('.sb-visitor').last().innerText(), /^You:/);
  assert.match(await page.locator('.sb-business').last().innerText(), /^Demo Shop:/);
  // The QR code's alternative is the link (checked in the handoff test); the log is a named region.
  await page.getByRole('region', { name: 'Messages' }).waitFor();
  await context.close();
});
