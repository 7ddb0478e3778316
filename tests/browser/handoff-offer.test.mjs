// Agent-initiated handoff (issue 23, point 7), in a real Chromium: a member (an agent, signed in
// through the stand-in for Cloudflare Access) offers "Continue on WhatsApp" from the inbox, by
// keyboard; the visitor's Messenger — in Brazilian Portuguese — shows the code and its QR code by
// itself, opens no window, and is announced to screen readers; the visitor's WhatsApp message with
// the code carries the conversation over, one way. Both screens pass axe; screenshots at
// 1280×800 and 390×844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';
import { startAccess } from '../support/access-standin.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';
import { codeFromLink } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
const pt = JSON.parse(readFileSync(new URL('../../static/widget/i18n/pt-BR.json', import.meta.url)));
let access, stack, edge, browser;
before(async () => {
  access = await startAccess();
  stack = await startStack({ vars: { ACCESS_TEAM_DOMAIN: access.issuer, ACCESS_AUD: access.aud } });
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  await edge.putSettings((s) => ({ ...s, handoff_enabled: true, default_handoff_number: NUMBER, business_name: 'Loja Demo' }));
  const anaToken = access.sign({ email: 'ana@example.com' });
  const call = (path, body) => fetch(`${edge.url}/api/admin${path}`, { method: 'POST', headers: { 'cf-access-jwt-assertion': anaToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await call('/team/claim', { admin_token: edge.secrets.ADMIN_TOKEN, display_name: 'Ana' })).status, 201);
  assert.equal((await call('/team', { email: 'bob@example.com', display_name: 'Bob', role: 'agent' })).status, 201);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); await access?.stop(); });

for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`${viewport.width}px: an agent offers WhatsApp and the visitor's Messenger shows the code and QR code by itself`, async () => {
    // The visitor, in Portuguese, with the Messenger open and a question sent.
    const visitorContext = await browser.newContext({ locale: 'pt-BR', viewport });
    await visitorContext.route('https://wa.me/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>WhatsApp</title>' }));
    const visitorPage = await visitorContext.newPage();
    const opened = [];
    visitorContext.on('page', (p) => opened.push(p.url()));
    await visitorPage.goto(`${edge.url}/`);
    await visitorPage.getByRole('button', { name: pt.launcher_open }).click();
    const input = visitorPage.getByRole('textbox', { name: pt.message_label });
    await visitorPage.locator('.sb-composer textarea:not([disabled])').waitFor();
    const question = `Vocês podem me ligar? ${viewport.width}`;
    await input.fill(question);
    await input.press('Enter');
    await visitorPage.locator('.sb-visitor:not(.sb-pending)', { hasText: question }).waitFor();

    // Bob, an agent, opens the conversation and offers WhatsApp with the keyboard only.
    const agentContext = await browser.newContext({ viewport });
    await agentContext.addCookies([{ name: 'CF_Authorization', value: access.sign({ email: 'bob@example.com' }), url: edge.url }]);
    const agentPage = await agentContext.newPage();
    const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.last_message?.text === question);
    await agentPage.goto(`${edge.url}/console/inbox/${conversation.id}`);
    const offerButton = agentPage.getByRole('button', { name: 'Offer WhatsApp', exact: true });
    await offerButton.focus();
    await agentPage.keyboard.press('Enter');
    await agentPage.getByText('Bob offered to continue on WhatsApp').waitFor();
    await agentPage.getByRole('button', { name: 'Offer WhatsApp again' }).waitFor();
    assert.equal(await agentPage.evaluate(() => document.activeElement?.textContent), 'Offer WhatsApp again', 'the button pressed keeps the focus');
    await expectAccessible(agentPage, `inbox with a WhatsApp offer at ${viewport.width}px`);
    await shot(agentPage, `handoff-offer-${viewport.width}-1-inbox`);

    // The visitor did nothing: their Messenger shows the offer, announced (role=status), in Portuguese.
    const offer = visitorPage.locator('.sb-handoff[role="status"]');
    await offer.waitFor({ timeout: 10_000 });
    const [before] = pt.handoff_offer.split('{code}');
    assert.ok((await offer.textContent()).startsWith(before), 'the offer in the visitor\'s language');
    const code = (await offer.locator('code').textContent()).trim();
    const link = await offer.getByRole('link', { name: pt.open_whatsapp }).getAttribute('href');
    assert.equal(codeFromLink(link), code);
    assert.match(decodeURIComponent(link), /Olá! Gostaria de continuar/, 'the prefilled message in Portuguese');
    // The QR code is for a visitor at a computer (a phone opens the link): hidden on a phone's width.
    const qr = offer.getByRole('img', { name: pt.qr_alt.replace('{link}', link), includeHidden: true });
    await qr.waitFor({ state: viewport.width > 600 ? 'visible' : 'attached' });
    assert.deepEqual(opened, [], 'nothing opened without the visitor asking');
    await expectAccessible(visitorPage, `Messenger showing an agent's WhatsApp offer at ${viewport.width}px`);
    await shot(visitorPage, `handoff-offer-${viewport.width}-2-messenger`);

    // The visitor sends the code from WhatsApp: the conversation continues there, one way.
    const r = await edge.deliver(delivery(NUMBER, { messages: [text(`1514555${viewport.width}`, `ref ${code}`, Math.floor(Date.now() / 1000))] }));
    assert.equal((await r.json()).handoffs, 1);
    await visitorPage.locator('.sb-composer textarea').waitFor({ state: 'detached', timeout: 10_000 });
    await agentPage.getByText('Continued on WhatsApp').waitFor({ timeout: 10_000 });
    await shot(visitorPage, `handoff-offer-${viewport.width}-3-continued`);
    await visitorContext.close();
    await agentContext.close();
  });
}
