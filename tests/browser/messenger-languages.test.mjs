// The Messenger in the visitor's language, in a real Chromium: picked from the browser's locale
// (pt-BR, de-DE, ar right to left, ja), overridden by data-lang, with only that language's file
// downloaded, no text cut off at phone or desktop width, opening hours shown in the visitor's own
// time zone across a daylight-saving change, and a launcher that hides outside hours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';

const NUMBER = '106540352242922';
const words = (lang) => JSON.parse(readFileSync(new URL(`../../static/widget/i18n/${lang}.json`, import.meta.url)));
let stack, edge, browser, settings;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  ({ body: settings } = await edge.adminJson('/settings'));
  settings = { ...settings, handoff_enabled: true, default_handoff_number: NUMBER, business_name: 'Loja Azul' };
  await edge.putSettings(settings);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** A page at the edge's origin whose script tag carries `attributes`. */
async function hostPage(context, attributes = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const languageFiles = [];
  page.on('request', (r) => { if (r.url().includes('/widget/i18n/')) languageFiles.push(new URL(r.url()).pathname); });
  await page.route(`${edge.url}/shop.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><main><h1>Shop</h1></main>
      <script src="${edge.url}/widget.js" ${attributes} async></script></body></html>`,
  }));
  await page.goto(`${edge.url}/shop.html`);
  return { page, errors, languageFiles };
}

/** Opens the Messenger and waits until it is ready to type in. */
async function open(page, lang) {
  const t = words(lang);
  await page.getByRole('button', { name: t.launcher_open }).click();
  await page.getByRole('textbox', { name: t.message_label }).waitFor();
  await page.locator('.sb-composer textarea:not([disabled])').waitFor();
  return t;
}

/** Elements whose text is cut: wider content than box, for every control and line. */
const cutOff = (page) => page.locator('#switchboard-messenger').evaluate((host) =>
  [...host.shadowRoot.querySelectorAll('button, a, p, h2, label, .sb-msg')]
    .filter((e) => !e.classList.contains('sb-sr') && e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.className || e.tagName}: ${e.textContent.trim().slice(0, 40)}`));

for (const [locale, lang] of [['pt-BR', 'pt-BR'], ['de-DE', 'de'], ['ar', 'ar'], ['ja', 'ja']]) {
  test(`a ${locale} browser gets the Messenger in ${lang}, nothing cut off, one language downloaded`, async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ locale, viewport });
      const { page, errors, languageFiles } = await hostPage(context);
      const t = await open(page, lang);
      const root = page.locator('#switchboard-messenger .sb');
      assert.equal(await root.getAttribute('lang'), lang);
      assert.equal(await root.getAttribute('dir'), ['ar', 'he'].includes(lang) ? 'rtl' : 'ltr');
      await page.getByRole('button', { name: t.send }).waitFor();
      await page.getByRole('button', { name: t.handoff_button }).waitFor();
      await page.getByPlaceholder(t.placeholder).waitFor();
      const input = page.getByRole('textbox', { name: t.message_label });
      await input.fill('Olá / Hallo / مرحبا / こんにちは');
      await input.press('Enter');
      await page.locator('.sb-visitor:not(.sb-pending)').waitFor();
      assert.deepEqual(await cutOff(page), [], `${locale} at ${viewport.width}px`);
      if (lang === 'ar') {
        // Mirrored: the visitor's bubble sits on the left, the business's on the right.
        const [mine, panel] = await Promise.all([page.locator('.sb-visitor').boundingBox(), page.locator('.sb-log').boundingBox()]);
        assert.ok(mine.x - panel.x < panel.x + panel.width - (mine.x + mine.width), 'the visitor\'s bubble is on the left in RTL');
      }
      await shot(page, `messenger-${lang}-${viewport.width}`);
      assert.deepEqual(languageFiles, [`/widget/i18n/${lang}.json`], 'only the visitor\'s language');
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}

test('data-lang on the script tag wins over the browser', async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const { page, languageFiles } = await hostPage(context, 'data-lang="pt-PT"');
  const t = await open(page, 'pt-PT');
  assert.equal(t.language_name, 'Português (Portugal)');
  assert.equal(await page.locator('#switchboard-messenger .sb').getAttribute('lang'), 'pt-PT');
  assert.deepEqual(languageFiles, ['/widget/i18n/pt-PT.json']);
  // The prepared WhatsApp message is in European Portuguese and carries the code.
  const popup = context.waitForEvent('page');
  await page.getByRole('button', { name: t.handoff_button }).click();
  await (await popup).close();
  const link = await page.getByRole('link', { name: t.open_whatsapp, exact: true }).getAttribute('href');
  const prefilled = decodeURIComponent(new URL(link).searchParams.get('text'));
  assert.match(prefilled, /SB-[0-9A-Z]{4}-[0-9A-Z]{4}/);
  assert.equal(prefilled.replace(/SB-[0-9A-Z]{4}-[0-9A-Z]{4}/, '{code}'), t.wa_prefill);
  await context.close();
});

test('a data-lang the Messenger does not ship, or whose file cannot be fetched, keeps the browser\'s language for the launcher', async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const odd = await hostPage(context, 'data-lang="tlh"');
  await odd.page.getByRole('button', { name: words('de').launcher_open, exact: true }).waitFor();
  assert.deepEqual(odd.errors, []);
  // The site asks for European Portuguese, but its file fails (a network error, then an error page).
  for (const failure of [(route) => route.abort('failed'), (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"nothing at"}' })]) {
    await context.route(/\/widget\/i18n\/pt-PT\.json/, failure);
    const failed = await hostPage(context, 'data-lang="pt-PT"');
    const launcher = failed.page.getByRole('button', { name: words('de').launcher_open, exact: true });
    await launcher.waitFor();
    assert.equal(await failed.page.locator('.sb-launcher').getAttribute('aria-label'), words('de').launcher_open, 'never unnamed');
    assert.deepEqual(failed.languageFiles, ['/widget/i18n/pt-PT.json'], 'the site\'s language was asked for');
    const spoken = await failed.page.evaluate(() => document.getElementById('switchboard-messenger').shadowRoot.lastChild.lang);
    assert.equal(spoken, 'de', 'the launcher says which language its words are in');
    assert.deepEqual(failed.errors, []);
    await context.unroute(/\/widget\/i18n\/pt-PT\.json/);
  }
  await context.close();
});

test('the owner\'s default language serves a browser that asks for none the Messenger speaks', async () => {
  await edge.putSettings({ ...settings, language: { default: 'es', always_default: false } });
  try {
    const context = await browser.newContext({ locale: 'sw-KE' });
    const { page, languageFiles } = await hostPage(context);
    // The edge served the loader with the launcher in Spanish already, and the panel follows.
    await open(page, 'es');
    await page.getByRole('button', { name: words('es').send }).waitFor();
    assert.equal(await page.locator('#switchboard-messenger .sb').getAttribute('lang'), 'es');
    assert.deepEqual(languageFiles, ['/widget/i18n/es.json']);
    await context.close();
  } finally {
    await edge.putSettings(settings);
  }
});

test('outside hours, across a daylight-saving change: "back" in the visitor\'s own time and words', async () => {
  // The team is in Berlin and comes back on Monday 29 March 2027, the day after Europe's clocks
  // go forward: 09:00 CEST is 07:00 UTC. A visitor in New York (already on EDT) reads 03:00;
  // one in Tokyo reads 16:00. Without the change it would be an hour off.
  const closed = {
    enabled: true, time_zone: 'Europe/Berlin',
    week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    exceptions: [{ date: '2027-03-29', spans: [['09:00', '17:00']] }],
    hide_launcher_when_closed: false,
  };
  await edge.putSettings({ ...settings, opening_hours: closed });
  try {
    for (const [locale, timezoneId, lang, expected] of [
      ['pt-BR', 'America/New_York', 'pt-BR', /\b3:00\b/],
      ['ja', 'Asia/Tokyo', 'ja', /16:00/],
      ['en-US', 'America/New_York', 'en', /3:00\s?AM/],
    ]) {
      const context = await browser.newContext({ locale, timezoneId });
      const { page } = await hostPage(context);
      const t = await open(page, lang);
      const note = page.getByRole('note');
      await note.getByText(t.closed_now).waitFor();
      const text = await note.innerText();
      assert.match(text, expected, `${locale} in ${timezoneId}: ${text}`);
      assert.match(text, /29/, 'the date, as it is more than a week away');
      // Messages are still taken, and WhatsApp is offered as the way to an answer later.
      await page.getByRole('button', { name: t.handoff_button_closed }).waitFor();
      await shot(page, `messenger-closed-${lang}`);
      await context.close();
    }
  } finally {
    await edge.putSettings(settings);
  }
});

test('outside hours the owner may hide the launcher: no launcher and no request of the page\'s own; in hours it shows', async () => {
  const week = (spans) => ({ mon: spans, tue: spans, wed: spans, thu: spans, fri: spans, sat: spans, sun: spans });
  const hours = (spans) => ({ enabled: true, time_zone: 'UTC', week: week(spans), exceptions: [], hide_launcher_when_closed: true });
  await edge.putSettings({ ...settings, opening_hours: hours([]) });
  try {
    const context = await browser.newContext();
    const requests = [];
    context.on('request', (r) => requests.push(new URL(r.url()).pathname));
    // A snippet from before (data-presence) changes nothing: the edge serves no loader while closed.
    for (const attributes of ['', 'data-presence']) {
      const { page, errors } = await hostPage(context, attributes);
      await page.waitForLoadState('load');
      await page.waitForTimeout(300);
      assert.equal(await page.locator('#switchboard-messenger').count(), 0, 'no launcher while closed');
      assert.deepEqual(errors, []);
    }
    assert.deepEqual(requests.filter((p) => p !== '/shop.html'), ['/widget.js', '/widget.js'], 'nothing but the script tag\'s own');
    await edge.putSettings({ ...settings, opening_hours: hours([['00:00', '24:00']]) });
    const { page } = await hostPage(context);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await context.close();
  } finally {
    await edge.putSettings(settings);
  }
});

test('the owner sets languages, texts in Portuguese and hours in the console; after-hours conversations are marked', async () => {
  await edge.putSettings(settings);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${edge.url}/console`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const form = page.getByRole('region', { name: 'Messenger languages and opening hours' });
  await form.waitFor();
  await form.getByLabel(/^Default language/).selectOption('en');
  await form.getByLabel('Your texts in another language').selectOption('pt-BR');
  await form.getByLabel('Greeting', { exact: true }).fill('Olá! Em que podemos ajudar?');
  await form.getByLabel('Show visitors when you are in').check();
  await form.getByLabel('Time zone (IANA name)').fill('America/Sao_Paulo');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await form.getByLabel(day, { exact: true }).fill('');
  }
  await form.getByLabel(/^Exceptions/).fill(`${new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)} 09:00-12:00`);
  await form.getByLabel(/^Away message \(shown outside/).fill('Deixe sua mensagem!');
  await form.getByRole('button', { name: 'Save languages and hours' }).click();
  await form.getByText('Languages and hours saved.').waitFor();
  // The page reloads the settings (the form shows the saved version).
  await page.waitForTimeout(500);
  const saved = (await edge.adminJson('/settings')).body;
  assert.equal(saved.translations['pt-BR'].greeting, 'Olá! Em que podemos ajudar?');
  assert.equal(saved.opening_hours.enabled, true);
  assert.equal(saved.opening_hours.exceptions[0].spans[0][0], '09:00');
  // A bad time zone is refused by the edge, with the field named.
  await form.getByLabel('Time zone (IANA name)').fill('Mars/Base');
  await form.getByRole('button', { name: 'Save languages and hours' }).click();
  await form.getByText(/IANA time zone/).waitFor();
  await expectAccessible(page, 'console: Messenger languages and hours, with a refused time zone');

  // A Brazilian visitor writes while the team is away: the Messenger says so in Portuguese…
  const visitorContext = await browser.newContext({ locale: 'pt-BR' });
  const { page: visitor } = await hostPage(visitorContext);
  const t = await open(visitor, 'pt-BR');
  await visitor.getByText('Olá! Em que podemos ajudar?').waitFor();
  await visitor.getByRole('note').getByText('Deixe sua mensagem!').waitFor();
  await visitor.getByRole('textbox', { name: t.message_label }).fill('Vocês entregam em Recife?');
  await visitor.getByRole('textbox', { name: t.message_label }).press('Enter');
  await visitor.locator('.sb-visitor:not(.sb-pending)').waitFor();
  await visitorContext.close();
  // …and the inbox marks the conversation.
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  const row = page.getByRole('button', { name: /Website visitor/ }).first();
  await row.getByText('Arrived after hours').waitFor();
  await expectAccessible(page, 'console: inbox with an after-hours conversation');
  await shot(page, 'console-inbox-after-hours');
  await context.close();
  await edge.putSettings(settings);
});

test('no language is cut off: all 16 at phone width, outside hours, with the handoff button', async () => {
  const closed = {
    enabled: true, time_zone: 'Europe/Lisbon',
    week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    exceptions: [{ date: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10), spans: [['09:00', '17:00']] }],
    hide_launcher_when_closed: false,
  };
  await edge.putSettings({ ...settings, opening_hours: closed, show_reply_time: false });
  const { readdirSync } = await import('node:fs');
  const languages = readdirSync(new URL('../../static/widget/i18n/', import.meta.url)).map((f) => f.replace('.json', ''));
  assert.equal(languages.length, 16);
  const problems = [];
  try {
    for (const [i, lang] of languages.entries()) {
      // Each a visitor of its own (new visitors are rate-limited per address).
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, extraHTTPHeaders: { 'x-test-client-ip': `203.0.113.${i + 1}` } });
      const { page } = await hostPage(context, `data-lang="${lang}"`);
      const t = await open(page, lang);
      await page.getByRole('note').waitFor();
      await page.getByRole('button', { name: t.handoff_button_closed }).waitFor();
      problems.push(...(await cutOff(page)).map((p) => `${lang}: ${p}`));
      await context.close();
    }
  } finally {
    await edge.putSettings(settings);
  }
  assert.deepEqual(problems, []);
});
