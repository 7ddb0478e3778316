// The console in headless chromium against the local edge and the Graph stand-in: sign in,
// connect a number (the Numbers page's dialog), change its settings and profile on its page, the
// project defaults on Settings, see a webhook-created conversation,
// reply within and outside the 24-hour window, retry a failed send, disconnect with each intent.
// axe-core checks every page and state on the way (WCAG 2.2 AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text, status, DAY } from '../support/meta.mjs';
import { visitor } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
const SECOND = '202020202020202';
let stack, edge, browser, page;
const errors = [];
const nav = (name) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.graph.addNumber({ phone_number_id: NUMBER, waba_id: '102290129340398', access_token: 'EAAGsupport', display_phone_number: '+1 555-078-3881', verified_name: 'Demo Shop', quality_rating: 'GREEN' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});
after(async () => { await browser?.close(); await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);

test('sign in with the admin token', async () => {
  await page.goto(`${edge.url}/console`);
  await page.getByLabel('Admin token').waitFor();
  await expectAccessible(page, 'sign-in');
  await page.getByLabel('Admin token').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That admin token is not right.').waitFor();
  await expectAccessible(page, 'sign-in, wrong token');
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  await nav('Numbers').click();
  await page.getByText('No number connected yet.').waitFor();
  await expectAccessible(page, 'numbers, no number yet');
});

test('connect a number: Graph errors are shown, then it appears with its details', async () => {
  await page.getByRole('button', { name: 'Connect a number' }).click();
  const form = page.getByRole('dialog', { name: 'Connect a number' });
  await form.getByLabel('Label', { exact: true }).fill('Support');
  await form.getByLabel('Phone number ID', { exact: true }).fill(NUMBER);
  await form.getByLabel('WhatsApp Business Account ID').fill('102290129340398');
  await form.getByLabel('Access token').fill('EAAGwrong');
  await form.getByRole('button', { name: 'Connect', exact: true }).click();
  await form.getByText(/Invalid OAuth access token/).waitFor();
  await expectAccessible(page, 'numbers, connect refused (field marked invalid)');
  await form.getByLabel('Access token').fill('EAAGsupport');
  await form.getByRole('button', { name: 'Connect', exact: true }).click();
  await form.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#connect-access_token').inputValue(), '', 'the token field is cleared');
  const row = page.getByRole('row', { name: /Support/ });
  await row.getByText('+1 555-078-3881').waitFor();
  await row.getByText('GREEN').waitFor();
  await expectAccessible(page, 'numbers, a connected number');
  await page.getByRole('link', { name: 'Support', exact: true }).click();
  const card = page.getByRole('article', { name: 'Number Support' });
  await card.waitFor();
  await page.getByText('+1 555-078-3881 · Demo Shop').waitFor();
  await page.getByText('Quality: GREEN').waitFor();
  const manage = card.getByRole('link', { name: 'Manage in WhatsApp Manager' });
  assert.match(await manage.getAttribute('href'), /business\.facebook\.com\/.*asset_id=102290129340398.*phone_number_id=106540352242922/);
  await shot(page, 'console-1-number');
  await expectAccessible(page, 'a number\'s page');
});

test('per-number handoff and reset days, the business profile and the project defaults', async () => {
  const card = page.getByRole('article', { name: 'Number Support' });
  await card.getByLabel('Offer "Continue on WhatsApp" in the Messenger').uncheck();
  await card.getByText('Saved.').waitFor();
  assert.equal((await edge.adminJson(`/numbers/${NUMBER}`)).body.handoff_enabled, false);
  await card.getByLabel(/Reset after/).fill('400');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByText('reset days must be 1–365, or off').waitFor();
  await expectAccessible(page, 'number card, reset days refused');
  await card.getByLabel(/Reset after/).fill('14');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByText('Now: 14 days').waitFor();
  assert.equal((await edge.adminJson(`/numbers/${NUMBER}`)).body.reset_days, 14);
  await card.getByLabel('Offer "Continue on WhatsApp" in the Messenger').check();

  await card.getByRole('button', { name: 'Edit business profile' }).click();
  const profile = card.getByRole('form', { name: 'Business profile' });
  await profile.getByLabel('about').waitFor();
  assert.equal(await profile.getByLabel('about').inputValue(), 'Hello from the demo shop');
  await profile.getByLabel('about').fill('x'.repeat(150));
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await profile.getByText(/about must be at most 139 characters/).waitFor();
  await expectAccessible(page, 'business profile open, refused');
  await profile.getByLabel('about').fill('Open 9–17, Monday to Friday');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await profile.getByText('Profile updated on WhatsApp.').waitFor();
  assert.equal((await edge.adminJson(`/numbers/${NUMBER}/profile`)).body.about, 'Open 9–17, Monday to Friday');

  await nav('Settings').click();
  const defaults = page.getByRole('region', { name: 'Project defaults' });
  await defaults.getByLabel('Handoff to WhatsApp enabled for this project').check();
  await defaults.getByLabel('Default handoff number').selectOption(NUMBER);
  await defaults.getByLabel(/one origin per line/).fill('https://shop.example\nnot an origin');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await defaults.getByText(/"not an origin" is not an origin/).waitFor();
  await expectAccessible(page, 'project defaults refused');
  await defaults.getByLabel(/one origin per line/).fill('https://shop.example');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await defaults.getByText('Defaults saved.').waitFor();
  const settings = (await edge.adminJson('/settings')).body;
  assert.equal(settings.handoff_enabled, true);
  assert.equal(settings.default_handoff_number, NUMBER);
  assert.deepEqual(settings.allowed_origins, ['https://shop.example']);
  await shot(page, 'console-2-settings');
  await expectAccessible(page, 'settings saved');
  await nav('Install').click();
  await page.getByText(`<script src="${edge.url}/widget.js" async></script>`).waitFor();
  await expectAccessible(page, 'install');
  await nav('Settings').click();
});

test('saving defaults that were changed elsewhere meanwhile reloads them and says so', async () => {
  const defaults = page.getByRole('region', { name: 'Project defaults' });
  await defaults.getByLabel('Greeting').fill('Hello from this tab');
  // Another tab (or owner) saves first.
  const current = (await edge.adminJson('/settings')).body;
  assert.equal((await edge.putSettings({ ...current, greeting: 'Hello from the other tab' })).status, 200);
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await page.getByText(/changed elsewhere/).waitFor();
  assert.equal(await defaults.getByLabel('Greeting').inputValue(), 'Hello from the other tab', 'the current values are shown');
  assert.equal((await edge.adminJson('/settings')).body.greeting, 'Hello from the other tab', 'nothing was overwritten');
  await shot(page, 'console-2b-changed-elsewhere');
  await expectAccessible(page, 'project defaults changed elsewhere');
  // Saving again, now from the current version, works.
  await defaults.getByLabel('Greeting').fill('Hello from this tab');
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await defaults.getByText('Defaults saved.').waitFor();
  assert.equal((await edge.adminJson('/settings')).body.greeting, 'Hello from this tab');
});

test('inbox: a webhook conversation, a reply with live status, a failed send retried', async () => {
  await edge.deliver(delivery(NUMBER, { messages: [text('15145552222', 'Is the blue chair in stock?', now())], contacts: [{ profile: { name: 'Ana Lima' }, wa_id: '15145552222' }] }));
  await nav('Inbox').click();
  await page.getByRole('button', { name: /Ana Lima/ }).click();
  const thread = page.getByRole('region', { name: 'Conversation with Ana Lima' });
  await thread.getByText('Is the blue chair in stock?').waitFor();
  await thread.getByLabel('Reply').fill('Yes, 3 left!');
  await thread.getByRole('button', { name: 'Send' }).click();
  await thread.getByText('Yes, 3 left!').waitFor();
  await thread.getByText('· sent').waitFor();
  await expectAccessible(page, 'inbox, WhatsApp thread open with a reply sent');
  // Finding a customer by their number, typed the way people write it.
  const filters = page.getByRole('group', { name: 'Filters' });
  await filters.getByLabel("Customer's WhatsApp number").fill('+1 (514) 555-2222');
  await page.getByRole('button', { name: /Ana Lima/ }).waitFor();
  await filters.getByLabel("Customer's WhatsApp number").fill('+1 (514) 555-0000');
  await page.getByText('No conversations match.').waitFor();
  await expectAccessible(page, 'inbox, no conversation matches');
  await filters.getByLabel("Customer's WhatsApp number").fill('');
  const sent = stack.graph.sent.at(-1);
  assert.equal(sent.to, '15145552222');
  assert.equal(sent.text.body, 'Yes, 3 left!');
  await edge.deliver(delivery(NUMBER, { statuses: [status(sent.wamid, 'read', now(), '15145552222')] }));
  await thread.getByText('· read').waitFor({ timeout: 10_000 });

  stack.graph.failSends({ status: 400, message: '(#131030) Recipient phone number not in allowed list', code: 131030 });
  await thread.getByLabel('Reply').fill('Shall I reserve one?');
  await thread.getByRole('button', { name: 'Send' }).click();
  await thread.getByText(/WhatsApp did not accept the message/).waitFor();
  await thread.getByText(/Recipient phone number not in allowed list \(code 131030\)/).waitFor();
  await shot(page, 'console-3-inbox-failed-send');
  await expectAccessible(page, 'inbox, a failed send with Retry');
  stack.graph.failSends(null);
  await thread.getByRole('button', { name: 'Retry' }).click();
  await thread.locator('.message.out', { hasText: 'Shall I reserve one?' }).getByText('· sent').waitFor();
  assert.equal(stack.graph.sent.at(-1).text.body, 'Shall I reserve one?');
  await shot(page, 'console-4-inbox-reply');
});

test('a Messenger reply from the inbox reaches the visitor\'s widget', async () => {
  const v = visitor(edge);
  await v.session();
  await v.say('Do you have gift cards?');
  await page.getByRole('group', { name: 'Filters' }).getByLabel('Channel').selectOption('messenger');
  await page.getByRole('button', { name: /Website visitor/ }).first().click();
  const thread = page.getByRole('region', { name: 'Conversation with Website visitor' });
  await thread.getByText('Do you have gift cards?').waitFor();
  await thread.getByLabel('Reply').fill('Yes, from 10 to 200 euros.');
  await thread.getByRole('button', { name: 'Send' }).click();
  await thread.getByText('Yes, from 10 to 200 euros.').waitFor();
  await expectAccessible(page, 'inbox, Messenger thread open');
  const { body } = await v.conversation();
  assert.deepEqual(body.messages.map((m) => [m.author, m.text]),
    [['visitor', 'Do you have gift cards?'], ['business', 'Yes, from 10 to 200 euros.']]);
  await page.getByRole('group', { name: 'Filters' }).getByLabel('Channel').selectOption('');
});

test('outside the 24-hour window the console offers an approved template instead', async () => {
  await edge.deliver(delivery(NUMBER, { messages: [text('15145553333', 'Hello, anyone?', now() - 2 * DAY)], contacts: [{ profile: { name: 'Old Customer' }, wa_id: '15145553333' }] }));
  await page.getByRole('button', { name: /Old Customer/ }).click();
  const thread = page.getByRole('region', { name: 'Conversation with Old Customer' });
  await thread.getByText(/More than 24 hours have passed/).waitFor();
  assert.equal(await thread.getByLabel('Reply').count(), 0);
  await thread.getByLabel('Template').waitFor();
  await expectAccessible(page, 'inbox, reply window closed: templates');
  await thread.getByRole('button', { name: 'Send template' }).click();
  await thread.getByText('Template: hello_world (en_US)').waitFor();
  let sent = stack.graph.sent.at(-1);
  assert.equal(sent.type, 'template');
  assert.equal(sent.template.name, 'hello_world');
  // A template with variables asks for their values and sends them.
  await thread.getByLabel('Template').selectOption('order_update');
  await thread.getByLabel('Value for {{1}}').fill('Old Customer');
  await thread.getByLabel('Value for {{2}}').fill('#1234');
  await thread.getByRole('button', { name: 'Send template' }).click();
  await thread.getByText('Template: order_update (en_US) — Old Customer, #1234').waitFor();
  sent = stack.graph.sent.at(-1);
  assert.deepEqual(sent.template.components, [{ type: 'body', parameters: [{ type: 'text', text: 'Old Customer' }, { type: 'text', text: '#1234' }] }]);
  await shot(page, 'console-5-template');
  await expectAccessible(page, 'inbox, template with values sent');
  // Closing and reopening.
  await thread.getByRole('button', { name: 'Close conversation' }).click();
  await thread.getByRole('button', { name: 'Reopen' }).waitFor();
  await expectAccessible(page, 'inbox, closed conversation');
  await thread.getByRole('button', { name: 'Reopen' }).click();
  await thread.getByRole('button', { name: 'Close conversation' }).waitFor();
});

test('disconnect shows the right two-step-verification guidance for each intent', async () => {
  await stack.connect({ id: SECOND, waba: '303030', label: 'Sales', display: '+44 20 7946 0000' });
  await nav('Numbers').click();
  await page.getByRole('link', { name: 'Support', exact: true }).click();
  const support = page.getByRole('article', { name: 'Number Support' });
  await support.getByRole('button', { name: 'Disconnect…' }).click();
  await support.getByRole('button', { name: /reuse/ }).waitFor();
  await expectAccessible(page, 'disconnect: choosing what to do');
  await support.getByRole('button', { name: /reuse/ }).click();
  await support.getByText('Nothing to do: to connect this number here again, two-step verification can stay on.').waitFor();
  await expectAccessible(page, 'disconnect: confirm (reuse)');
  await support.getByRole('button', { name: 'Disconnect now' }).click();
  await support.getByText(/Disconnected\. 2 conversation\(s\) kept\./).waitFor();
  await page.locator('.badges').getByText('Disconnected', { exact: true }).waitFor();
  await expectAccessible(page, 'disconnect: done, one number connected and one disconnected');

  await nav('Numbers').click();
  await page.getByRole('link', { name: 'Sales', exact: true }).click();
  const sales = page.getByRole('article', { name: 'Number Sales' });
  await sales.getByRole('button', { name: 'Disconnect…' }).click();
  await sales.getByRole('button', { name: /another tool or provider/ }).click();
  await sales.getByText(/disable its two-step verification in WhatsApp Manager/).waitFor();
  for (const step of ['Open WhatsApp Manager', 'Choose this phone number', 'Open Two-step verification', 'Select Disable and confirm']) {
    await sales.getByText(step, { exact: true }).waitFor();
  }
  const link = sales.getByRole('link', { name: 'Open two-step verification in WhatsApp Manager' });
  assert.match(await link.getAttribute('href'), /phone_number_id=202020202020202/);
  await shot(page, 'console-6-disconnect-migrate');
  await expectAccessible(page, 'disconnect: confirm (migrate), with the 2FA steps');
  await sales.getByRole('button', { name: 'Disconnect now' }).click();
  await sales.getByText(/Disconnected\. 0 conversation\(s\) kept\./).waitFor();
  assert.deepEqual((await edge.adminJson('/numbers')).body.map((n) => n.status), ['disconnected', 'disconnected']);
  // What WhatsApp sends for the disconnected number is acknowledged and shown to the owner.
  await edge.deliver(delivery(NUMBER, { messages: [text('15145554444', 'anyone?', now())] }));
  await nav('Webhook').click();
  const unrouted = page.getByRole('region', { name: 'Deliveries for numbers that are not connected' });
  await unrouted.getByText(`Number ${NUMBER} · 1 message(s), 0 status update(s)`).waitFor();
  await expectAccessible(page, 'webhook, both numbers disconnected, unrouted deliveries');
  // The history stays readable after disconnecting.
  assert.equal((await edge.adminJson(`/conversations?number=${NUMBER}&status=`)).body.length, 2);
  assert.deepEqual(errors, []);
});
