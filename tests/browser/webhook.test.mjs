// The console's Webhook page as an owner wiring Meta up would use it: what to paste (verify token
// masked until revealed), the verdict before Meta calls, after a handshake and a delivery, and
// after a delivery signed with the wrong app secret — with what to fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';

let stack, edge, browser, page;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: '106540352242922', label: 'Support' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
});
after(async () => { await browser?.close(); await stack?.stop(); });

const panel = () => page.getByRole('region', { name: 'Webhook' });
const reopen = async () => {
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  await page.getByRole('link', { name: 'Webhook', exact: true }).click();
};

test('what to paste into Meta, and "not verified" until Meta calls', async () => {
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Webhook', exact: true }).click();
  await panel().getByText('Not verified by Meta yet.').waitFor();
  assert.equal(await page.locator('#callback-url').textContent(), `${edge.url}/webhooks/whatsapp`);
  const token = edge.secrets.WHATSAPP_VERIFY_TOKEN;
  assert.notEqual(await page.locator('#verify-token').textContent(), token, 'masked at first');
  await expectAccessible(page, 'webhook, not verified, token masked');
  await panel().getByRole('button', { name: 'Reveal' }).click();
  assert.equal(await page.locator('#verify-token').textContent(), token);
  await expectAccessible(page, 'webhook, token revealed');
  await panel().getByRole('button', { name: 'Hide' }).click();
  await panel().getByText('messages', { exact: true }).waitFor();
  await shot(page, 'console-webhook-0-not-verified');
});

test('a handshake and a delivery: working, with the number\'s last delivery', async () => {
  const r = await fetch(`${edge.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(edge.secrets.WHATSAPP_VERIFY_TOKEN)}&hub.challenge=42`);
  assert.equal(r.status, 200);
  await edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'hello', Math.floor(Date.now() / 1000))] }));
  await new Promise((res) => setTimeout(res, 300));
  await reopen();
  await panel().getByText('Working: Meta\'s signed deliveries arrive.').waitFor();
  const row = panel().getByRole('row', { name: /Support \(106540352242922\)/ });
  await row.getByText(/just now|ago/).waitFor();
  await shot(page, 'console-webhook-1-working');
  await expectAccessible(page, 'webhook, working');
});

test('a wrong app secret shows up with what to fix', async () => {
  const bad = await edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'again', Math.floor(Date.now() / 1000))] }), { secret: 'not-our-app' });
  assert.equal(bad.status, 401);
  await new Promise((res) => setTimeout(res, 300));
  await reopen();
  await panel().getByText('Deliveries fail the signature check.').waitFor();
  await panel().getByText(/WHATSAPP_APP_SECRET/).waitFor();
  await shot(page, 'console-webhook-2-signature-failing');
  await expectAccessible(page, 'webhook, signature failing');
});

test('an error Meta reports for a delivery is listed as Meta said it', async () => {
  await edge.deliver({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    } }] }],
  });
  await reopen();
  const row = panel().getByRole('row', { name: /131051/ });
  await row.getByText('(131051) Message type unknown').waitFor();
  await row.getByText(/currently not supported/).waitFor();
  await row.getByText('106540352242922').waitFor();
  await shot(page, 'console-webhook-3-meta-error');
  await expectAccessible(page, 'webhook, an error Meta reported');
});
