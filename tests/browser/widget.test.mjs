// The Messenger in headless chromium against the local edge: a visitor chats, an agent reply
// arrives, the visitor hands off, a signed webhook with the code arrives, the widget shows the
// WhatsApp state, and the admin API shows one conversation holding both channels' messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { delivery, text } from '../support/meta.mjs';
import { codeFromLink } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
let stack, edge, browser;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({
    ...settings, handoff_enabled: true, default_handoff_number: NUMBER, business_name: 'Demo Shop',
    greeting: 'Hi! Ask us anything about your order.',
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

const errorsOf = (page) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
};

test('a visitor chats, gets a reply, hands off to WhatsApp and cannot come back', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  // wa.me is not reachable from here: answer for it so the opened tab keeps its address.
  await context.route('https://wa.me/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>WhatsApp</title>' }));
  const page = await context.newPage();
  const errors = errorsOf(page);
  await page.goto(`${edge.url}/`);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await launcher.waitFor();
  await shot(page, 'widget-1-launcher');
  await launcher.click();
  await page.getByRole('dialog', { name: 'Chat with Demo Shop' }).waitFor();
  await page.getByText('Hi! Ask us anything about your order.').waitFor();

  const input = page.getByLabel('Message', { exact: true });
  await input.fill('Hi, where is my order <b>#1234</b>?');
  await input.press('Enter');
  // Confirmed by the edge (a pending message carries .sb-pending until the edge stores it).
  const mine = page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'where is my order' });
  await mine.waitFor();
  assert.equal(await mine.locator('.sb-text').innerText(), 'Hi, where is my order <b>#1234</b>?', 'text is shown as text');
  assert.equal(await page.locator('.sb-msg b').count(), 0);

  // An agent answers from the admin API; the reply appears without a reload.
  const [conversation] = (await edge.adminJson('/conversations?channel=messenger')).body;
  const reply = await edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'It ships tomorrow!' }) });
  assert.equal(reply.status, 201);
  await page.locator('.sb-business', { hasText: 'It ships tomorrow!' }).waitFor({ timeout: 10_000 });
  await shot(page, 'widget-2-chat');

  // Identity survives a reload.
  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.locator('.sb-business', { hasText: 'It ships tomorrow!' }).waitFor();

  // Hand off: WhatsApp opens in a new tab, and the link and a QR code stay shown on desktop.
  const popup = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Continue on WhatsApp' }).click();
  const opened = await popup;
  assert.match(opened.url(), /^https:\/\/wa\.me\/15550783881\?text=/);
  await opened.close();
  const open = page.getByRole('link', { name: 'Open WhatsApp' });
  await open.waitFor();
  const link = await open.getAttribute('href');
  assert.match(link, /^https:\/\/wa\.me\/15550783881\?text=/);
  // The QR code's text alternative is the link it opens.
  assert.ok(await page.getByAltText(`QR code for ${link}`, { exact: true }).isVisible());
  await shot(page, 'widget-3-handoff-offer');

  const code = codeFromLink(link);
  const waUser = '15145551111';
  const prefilled = decodeURIComponent(new URL(link).searchParams.get('text'));
  const r = await edge.deliver(delivery(NUMBER, { messages: [text(waUser, prefilled, Math.floor(Date.now() / 1000))] }));
  assert.equal((await r.json()).handoffs, 1);

  await page.getByText('This conversation continues on WhatsApp.').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByLabel('Message', { exact: true }).count(), 0, 'no composer once handed off');
  assert.equal(await page.getByRole('button', { name: 'Continue on WhatsApp' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: /Open WhatsApp/ }).getAttribute('href'), 'https://wa.me/15550783881');
  // The visitor sees which WhatsApp number it continued with (masked) and can say it was not them.
  await page.getByText('Continued with the WhatsApp number +15 ••• ••11.').waitFor();
  await shot(page, 'widget-4-continued-on-whatsapp');
  await page.getByRole('button', { name: 'Not me?' }).click();
  await page.getByText("Thanks, we've asked the business to check.").waitFor();
  assert.ok((await edge.adminJson(`/conversations?wa_id=${waUser}`)).body[0].link_disputed_at);

  // The widget API refuses new visitor messages now.
  const token = await page.evaluate(() => localStorage.getItem('switchboard.visitor.v1'));
  const refused = await fetch(`${edge.url}/api/widget/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'back?' }),
  });
  assert.equal(refused.status, 409);

  // One conversation holds both channels' messages, and it now lives on WhatsApp.
  const detail = (await edge.adminJson(`/conversations/${conversation.id}`)).body;
  assert.equal(detail.conversation.channel, 'whatsapp');
  assert.equal(detail.conversation.wa_id, waUser);
  assert.deepEqual(detail.messages.map((m) => [m.channel, m.direction]),
    [['messenger', 'inbound'], ['messenger', 'outbound'], ['whatsapp', 'inbound']]);
  assert.ok(detail.messages[2].text.includes(code));
  assert.deepEqual(errors, []);
  await context.close();
});

test('no handoff button when handoff is off; the Messenger still works at phone width', async () => {
  await edge.adminJson(`/numbers/${NUMBER}`, { method: 'PATCH', body: JSON.stringify({ handoff_enabled: false }) });
  const context = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = errorsOf(page);
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByLabel('Message', { exact: true }).fill('Hello from my phone');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Hello from my phone' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Continue on WhatsApp' }).count(), 0);
  const panel = await page.locator('.sb-panel').boundingBox();
  assert.ok(panel.width >= 389, `the panel fills a phone screen (${panel.width}px)`);
  await shot(page, 'widget-5-phone-no-handoff');
  // Keyboard: Escape closes the Messenger, the launcher opens it again.
  await page.getByLabel('Message', { exact: true }).press('Escape');
  assert.equal(await page.locator('.sb-panel').count(), 0);
  await page.getByRole('button', { name: 'Open chat' }).press('Enter');
  await page.locator('.sb-panel').waitFor();
  await page.getByRole('button', { name: 'Close chat' }).first().click();
  assert.equal(await page.locator('.sb-panel').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
  await edge.adminJson(`/numbers/${NUMBER}`, { method: 'PATCH', body: JSON.stringify({ handoff_enabled: true }) });
});

test('the loader does not block the host page and keeps its styles apart', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const api = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) api.push(r.url()); });
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).waitFor();
  // The launcher's words came with the loader: the page asks for nothing else at load. The
  // Messenger is warmed only once the host page has loaded (when idle), and nothing is asked of
  // the edge or stored in the browser until the visitor opens the chat: the wasm, the stylesheet
  // and the Messenger's words (the visitor's one language file) after the load event; the module
  // (parsed and run on the host page's account) only when a visitor is about to click.
  // (Functions, not strings: the demo page's CSP forbids eval.)
  const warmed = () => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/widget/'))
    .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime })));
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/widget/')).length === 3);
  const load = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  const idle = await warmed();
  assert.deepEqual(idle.map((e) => e.path).sort(), ['/widget/i18n/en.json', '/widget/messenger.css', '/widget/pkg/switchboard_widget_bg.wasm']);
  assert.ok(load > 0 && idle.every((e) => e.start >= load), `warmed after the load event (${load}): ${JSON.stringify(idle)}`);
  await page.waitForTimeout(300);
  assert.equal((await warmed()).length, 3, 'the module waits for a visitor about to click');
  await page.locator('.sb-launcher').hover();
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((e) => new URL(e.name).pathname === '/widget/pkg/switchboard_widget.js'));
  assert.deepEqual(api, []);
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length), 0);
  // The host page's styles do not reach into the Messenger.
  await page.addStyleTag({ content: 'button { background: red !important; }' });
  const bg = await page.locator('.sb-launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, 'rgb(255, 0, 0)');
  await context.close();
});

test('when the Messenger cannot load (the network is gone), the launcher says so in the visitor\'s language, and a later click opens it', async () => {
  const context = await browser.newContext({ locale: 'pt-BR' });
  const page = await context.newPage();
  const pt = JSON.parse(readFileSync(new URL('../../static/widget/i18n/pt-BR.json', import.meta.url)));
  await page.goto(`${edge.url}/`);
  const launcher = page.getByRole('button', { name: pt.launcher_open });
  await launcher.waitFor();
  // Every file of the Messenger fails from now on, its words included.
  await context.route(/\/widget\//, (route) => route.abort('internetdisconnected'));
  await launcher.click();
  await page.waitForFunction(() => document.getElementById('switchboard-messenger').shadowRoot.querySelector('.sb-launcher').title);
  assert.equal(await page.locator('.sb-launcher').getAttribute('title'), pt.load_failed);
  assert.equal(await page.locator('.sb-launcher').getAttribute('aria-busy'), null, 'no longer busy');
  await context.unroute(/\/widget\//);
  await launcher.click();
  await page.getByRole('textbox', { name: pt.message_label }).waitFor();
  await context.close();
});

test('the Messenger\'s files are asked for by version, so a later page view opens it from the browser\'s cache', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const opened = async () => {
    await page.goto(`${edge.url}/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.waitForFunction(() => performance.getEntriesByName('switchboard:messenger-mounted').length > 0);
    return page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name))
      .filter((u) => u.pathname.startsWith('/widget/'))
      .map((u) => ({ path: u.pathname, v: u.searchParams.get('v'), transfer: performance.getEntriesByName(u.href)[0].transferSize })));
  };
  const first = await opened();
  assert.deepEqual(first.map((f) => f.path).sort(), ['/widget/i18n/en.json', '/widget/messenger.css',
    '/widget/pkg/switchboard_widget.js', '/widget/pkg/switchboard_widget_bg.wasm']);
  const versions = new Set(first.map((f) => f.v));
  assert.equal(versions.size, 1, 'one version for all the files');
  assert.match([...versions][0], /^[0-9a-f]{10}$/);
  assert.ok(first.every((f) => f.transfer > 0), 'the first view fetches them');
  // The next page of the same site: the files come from the cache, not even a revalidation (a
  // 304 has a transfer size too), so the click waits on no round trip to the edge.
  const second = await opened();
  assert.deepEqual(second.map((f) => [f.path, f.v, f.transfer]).sort(), first.map((f) => [f.path, f.v, 0]).sort());
  await context.close();
});

test('embedded on another site: works for an allowed origin, refused for others', async () => {
  // Another site, on its own origin (another port of this machine; Chromium keeps public pages
  // from calling loopback addresses, so a made-up public host cannot stand in here).
  const hostPage = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head>
    <body><h1>Another site</h1><script src="${edge.url}/widget.js" async></script></body></html>`;
  const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(hostPage); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const allowedOrigin = `http://127.0.0.1:${port}`;
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, allowed_origins: [allowedOrigin] });
  try {
    for (const [origin, allowed] of [[allowedOrigin, true], [`http://localhost:${port}`, false]]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = errorsOf(page);
      await page.goto(`${origin}/`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      if (allowed) {
        await page.getByLabel('Message', { exact: true }).fill('Hello from another site');
        await page.getByRole('button', { name: 'Send' }).click();
        await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Hello from another site' }).waitFor();
        assert.equal(await page.locator('.sb-failed').count(), 0);
        await shot(page, 'widget-6-cross-origin');
      } else {
        // The visitor reads it in their language; the edge's words (for the site's developer)
        // are in the refused answer.
        await page.getByRole('alert').getByText("The chat isn't available right now.").waitFor();
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await edge.putSettings(settings);
  }
});

test('a long conversation opens on its newest messages; earlier ones come on request', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const errors = errorsOf(page);
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByLabel('Message', { exact: true }).fill('Tell me everything');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Tell me everything' }).waitFor();
  const token = await page.evaluate(() => localStorage.getItem('switchboard.visitor.v1'));
  const visitorId = token.split('.')[1];
  const [c] = (await edge.adminJson('/conversations?channel=messenger&limit=500')).body.filter((x) => x.visitor_id === visitorId);
  for (let i = 1; i <= 120; i++) {
    const r = await edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: `Part ${i}` }) });
    assert.equal(r.status, 201);
  }
  // While open, every reply arrives live; opened again later, it starts on the newest page.
  await page.locator('.sb-business', { hasText: 'Part 120' }).waitFor({ timeout: 10_000 });
  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.locator('.sb-business', { hasText: 'Part 120' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.sb-visitor', { hasText: 'Tell me everything' }).count(), 0, 'the newest page only');
  await page.getByRole('button', { name: 'Earlier messages' }).click();
  await page.locator('.sb-visitor', { hasText: 'Tell me everything' }).waitFor();
  assert.equal(await page.locator('.sb-business .sb-text', { hasText: /^Part 1$/ }).count(), 1);
  assert.equal(await page.locator('.sb-msg:not(.sb-pending)').count(), 1 + 121, 'greeting + every message once');
  assert.equal(await page.getByRole('button', { name: 'Earlier messages' }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an answer the Messenger does not understand: it says so in words, keeps working, and recovers', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const errors = errorsOf(page);
  // Valid JSON of the wrong shape, as an edge of another version might answer.
  const nonsense = (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ messages: [{ id: 'm1', author: 'robot', text: 'HALF-READ', sent_at: 1 }], continued_on_whatsapp: null }) });
  await page.route('**/api/widget/conversation', nonsense);
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('alert').filter({ hasText: "doesn't understand" }).waitFor();
  await shot(page, 'widget-not-understood');
  assert.equal(await page.getByText('HALF-READ').count(), 0, 'nothing of the refused answer is shown');
  await page.unroute('**/api/widget/conversation', nonsense);
  const input = page.getByLabel('Message', { exact: true });
  await input.fill('Still there?');
  await input.press('Enter');
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: 'Still there?' }).waitFor();
  await page.getByRole('alert').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
