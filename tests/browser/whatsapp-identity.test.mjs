// Customers with a WhatsApp username in the inbox as an agent sees them (issue 23): the row and
// the thread header show `@username`, and the phone number only when it is known (a business-
// scoped user ID is never shown as a number); the customer filter finds a username.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, wamid } from '../support/meta.mjs';

const NUMBER = '106540352242955';
const SHEENA = 'US.13491208655302741918';
const [TOM_PHONE, TOM] = ['447700900201', 'GB.5550201'];
let stack, edge, browser;

function fromCustomer({ phone, bsuid, username, name, body, at }) {
  const message = { id: wamid(), timestamp: String(at), type: 'text', text: { body } };
  if (phone) message.from = phone;
  message.from_user_id = bsuid;
  const contact = { profile: { name, username }, user_id: bsuid, ...(phone ? { wa_id: phone } : {}) };
  return delivery(NUMBER, { messages: [message], contacts: [contact] });
}

before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Usernames' });
  const at = Math.floor(Date.now() / 1000) - 600;
  for (const payload of [
    fromCustomer({ bsuid: SHEENA, username: 'sheena.nelson', name: 'Sheena Nelson', body: 'Does it come in blue?', at }),
    fromCustomer({ bsuid: TOM, username: 'tom', name: 'Tom Baker', body: 'Hello', at: at + 10 }),
    fromCustomer({ phone: TOM_PHONE, bsuid: TOM, username: 'tom', name: 'Tom Baker', body: 'Still me', at: at + 20 }),
  ]) {
    assert.equal((await edge.deliver(payload)).status, 200);
  }
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('usernames show in the list and the thread, a phone number only when known, and the filter finds a username', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Inbox' }).click();
  const list = page.getByRole('list', { name: 'Conversations' });
  // A row names the customer (their name, else @username); the full number is in the thread.
  await list.getByText('@tom', { exact: true }).waitFor();
  await list.getByRole('button', { name: /@tom/ }).click();
  await page.locator('.thread header').getByText('@tom · +447700900201', { exact: false }).waitFor();
  await list.getByText('@sheena.nelson', { exact: true }).waitFor();
  assert.equal(await list.getByText('+US.', { exact: false }).count(), 0, 'a BSUID is no phone number');
  await page.getByRole('button', { name: /Sheena Nelson/ }).click();
  const header = page.locator('.thread header');
  await header.getByText('@sheena.nelson', { exact: false }).waitFor();
  assert.equal(await header.getByText('+US.', { exact: false }).count(), 0);
  await shot(page, 'inbox-username-customer');
  await expectAccessible(page, 'inbox, a username-only customer');
  // The customer filter finds a username, any case, with the @.
  await page.getByLabel("Customer's WhatsApp number").fill('@Tom');
  await list.getByRole('button').first().waitFor();
  for (let i = 0; i < 50 && (await list.getByRole('button').count()) !== 1; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await list.getByRole('button').count(), 1);
  await list.getByRole('button', { name: /Tom Baker/ }).waitFor();
  await context.close();
});
