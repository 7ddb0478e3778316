// Quotes and reactions reach the Messenger live: an agent in the console quotes a visitor's
// message in a reply and reacts to another; the visitor's open Messenger shows the quote (which
// moves focus to the quoted message) and the reaction with its accessible name, then the changed
// reaction — in English and in Arabic (right to left), axe clean at 1280×800 and 390×844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/edge.mjs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';

let stack, edge, browser;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, business_name: 'Demo Shop', greeting: 'Hi! Ask us anything.' });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

const words = (lang) => JSON.parse(readFileSync(join(ROOT, `static/widget/i18n/${lang}.json`), 'utf8'));
/** A text with its placeholders filled as the Messenger does (values isolated right to left). */
const fill = (text, values, rtl) => text.replace(/\{(\w+)\}/g, (_, k) => (rtl ? `\u2068${values[k]}\u2069` : values[k]));

/** What has focus, through the Messenger's shadow root. */
const focusedText = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el ? `${el.tagName} ${el.textContent}` : '';
});

async function messenger(lang) {
  // The demo page itself (a page fulfilled by the test would count as public to Chromium's
  // local network access checks, which then refuse its socket to 127.0.0.1); the language
  // comes from the browser's.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${edge.url}/`);
  const t = words(lang);
  await page.getByRole('button', { name: t.launcher_open }).click();
  await page.locator('.sb-composer textarea:not([disabled])').waitFor();
  const say = async (text) => {
    const input = page.getByRole('textbox', { name: t.message_label });
    await input.fill(text);
    await input.press('Enter');
    await page.locator('.sb-visitor:not(.sb-pending)', { hasText: text }).waitFor();
  };
  return { context, page, t, say, errors };
}

async function console_(conversation) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  await page.goto(`${edge.url}/console/inbox/${conversation}`);
  return { context, page };
}

const cases = [
  { lang: 'en', asked: 'Do you ship to Portugal? I need it before the end of the month for a birthday present.', second: 'And is there a size M?', reply: 'Yes — it arrives in 3 days.' },
  { lang: 'ar', asked: 'هل تشحنون إلى البرتغال؟ أحتاجه قبل نهاية الشهر كهدية عيد ميلاد.', second: 'وهل يوجد مقاس M؟', reply: 'نعم — يصل خلال 3 أيام.' },
];

for (const c of cases) {
  test(`an agent quotes and reacts in the console; the Messenger (${c.lang}) shows both live`, async () => {
    const m = await messenger(c.lang);
    const rtl = c.lang === 'ar';
    await m.say(c.asked);
    await m.say(c.second);
    const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((x) => x.last_message?.text === c.second);
    assert.ok(conversation, 'the conversation is listed with its last message');
    const agent = await console_(conversation.id);
    const asked = agent.page.locator('.message.in', { hasText: c.asked });
    const second = agent.page.locator('.message.in', { hasText: c.second });
    await asked.waitFor();

    // Quote the first question in a reply: the Messenger is not bound by WhatsApp's window.
    await asked.hover();
    await asked.getByRole('button', { name: 'Reply to this' }).click();
    await agent.page.getByText('Replying to:', { exact: false }).waitFor();
    await agent.page.getByPlaceholder('Reply in the Messenger…').fill(c.reply);
    await agent.page.getByRole('button', { name: 'Send' }).click();
    await agent.page.locator('.message.out', { hasText: c.reply }).getByRole('button', { name: /Replying to the customer/ }).waitFor();
    // React to the second (the latest: its buttons always show).
    await second.getByRole('button', { name: 'React 👍' }).click();
    await second.getByRole('button', { name: 'Remove reaction 👍' }).waitFor();
    if (c.lang === 'en') await shot(agent.page, 'messenger-reactions-console-1280');

    // The Messenger shows the quote above the reply and the reaction on the message, live.
    const reply = m.page.locator('.sb-business', { hasText: c.reply });
    const quote = reply.getByRole('button', { name: new RegExp(m.t.quote_you) });
    await quote.waitFor({ timeout: 5000 });
    assert.ok((await quote.textContent()).includes(c.asked.slice(0, 20)), 'the quote shows the start of the question');
    const reacted = (emoji) => fill(m.t.reacted, { business: 'Demo Shop', emoji }, rtl);
    const mine = m.page.locator('.sb-visitor', { hasText: c.second });
    await mine.getByRole('img', { name: reacted('👍'), exact: true }).waitFor({ timeout: 5000 });
    // The quote takes the keyboard to the quoted message.
    await quote.focus();
    await m.page.keyboard.press('Enter');
    assert.match(await focusedText(m.page), new RegExp(`^LI .*${c.asked.slice(0, 15)}`));
    await expectAccessible(m.page, `Messenger (${c.lang}) with a quoted reply and a reaction, 1280×800`);
    await shot(m.page, `messenger-reactions-${c.lang}-1280`);

    // The agent changes the reaction: the shown message follows.
    await second.hover();
    await second.getByRole('button', { name: 'React ❤️' }).click();
    await mine.getByRole('img', { name: reacted('❤️'), exact: true }).waitFor({ timeout: 5000 });
    assert.equal(await mine.locator('.sb-reaction').count(), 1);

    await m.page.setViewportSize({ width: 390, height: 844 });
    await m.page.locator('.sb-log').evaluate((log) => { log.scrollTop = log.scrollHeight; });
    await expectAccessible(m.page, `Messenger (${c.lang}) with a quoted reply and a reaction, 390×844`);
    await shot(m.page, `messenger-reactions-${c.lang}-390`);
    assert.deepEqual(m.errors, []);
    await agent.context.close();
    await m.context.close();
  });
}
