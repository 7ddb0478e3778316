// Every WhatsApp message type in the inbox as an agent sees it (issue 23), at desktop and phone
// sizes: the ad the customer came from, a location with a map link, contacts with a vCard, button,
// list and Flow replies, a quick reply quoting our message, an order with its total, an edited and
// a deleted message, a reaction, a security-code warning and a message WhatsApp could not pass on.
// Customer text stays text (a <b> and a javascript: link arrive as typed characters).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, wamid } from '../support/meta.mjs';

const NUMBER = '106540352242944';
const FROM = '4917000001001';
let stack, edge, browser;
const at = Math.floor(Date.now() / 1000) - 600;
const msg = (i, type, object, extra = {}) => ({ from: FROM, id: wamid(), timestamp: String(at + i * 10), type, [type]: object, ...extra });

before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Types' });
  const first = msg(0, 'text', { body: 'Hi! <b>bold?</b> javascript:alert(1) — saw your ad https://shop.example/spring' }, {
    referral: { source_url: 'https://fb.me/3cr4Wqqkv', source_id: '1202', source_type: 'ad', headline: 'Spring sale', body: 'Two for one', media_type: 'image', image_url: 'https://scontent.example/ad.jpg' },
  });
  const edited = msg(9, 'text', { body: 'My order is 1234' });
  const deleted = msg(10, 'text', { body: 'Oops, wrong chat' });
  const messages = [
    first,
    msg(1, 'location', { latitude: 52.520008, longitude: 13.404954, name: 'Alexanderplatz', address: 'Alexanderplatz 1, 10178 Berlin' }),
    msg(2, 'contacts', [{ name: { formatted_name: 'Ana Lima', first_name: 'Ana' }, phones: [{ phone: '+55 11 91234-5678', type: 'CELL' }], emails: [{ email: 'ana@example.com' }] }]),
    msg(3, 'interactive', { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes, please' } }),
    msg(4, 'interactive', { type: 'list_reply', list_reply: { id: 'm', title: 'Medium', description: 'EU 38–40' } }),
    msg(5, 'interactive', { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t","delivery_date":"2026-12-01","notes":"Ring twice"}' } }),
    msg(6, 'button', { text: 'Track my order', payload: 'TRACK' }, { context: { from: '15550783881', id: first.id } }),
    msg(7, 'order', { catalog_id: '1948', text: 'Gift wrap please', product_items: [
      { product_retailer_id: 'SKU-RED', quantity: 2, item_price: 7.99, currency: 'EUR' },
      { product_retailer_id: 'SKU-BLUE', quantity: 1, item_price: 12.5, currency: 'EUR' }] }),
    { from: FROM, id: wamid(), timestamp: String(at + 80), type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }], unsupported: { type: 'video_note' } },
    edited,
    deleted,
    msg(11, 'reaction', { message_id: edited.id, emoji: '👍' }),
    msg(12, 'edit', { original_message_id: edited.id, message: { type: 'text', text: { body: 'My order is 1243' } } }),
    msg(13, 'revoke', { original_message_id: deleted.id }),
    { from: FROM, id: wamid(), timestamp: String(at + 140), type: 'system', system: { body: 'Security code changed', type: 'customer_identity_changed', customer: FROM }, identity: { acknowledged: true, created_timestamp: at, hash: 'abc=' } },
  ];
  const contacts = [{ profile: { name: 'Tara Types' }, wa_id: FROM }];
  for (const m of messages) {
    const r = await edge.deliver(delivery(NUMBER, { contacts, messages: [m] }));
    assert.equal(r.status, 200);
  }
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function openThread(viewport) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('button', { name: /Tara Types/ }).click();
  await page.getByText('Came from an ad: Spring sale').waitFor();
  return page;
}

test('each type reads as it was meant, customer text stays text, and the page is accessible', async () => {
  const page = await openThread({ width: 1280, height: 800 });
  // Opening the thread marked the customer's last message read (one call); typing shows "typing…".
  for (let i = 0; i < 50 && stack.graph.receipts.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(stack.graph.receipts.length, 1);
  assert.equal(stack.graph.receipts[0].typing, false);
  await page.getByPlaceholder('Reply on WhatsApp…').pressSequentially('On it', { delay: 20 });
  for (let i = 0; i < 50 && stack.graph.receipts.length === 1; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(stack.graph.receipts.map((r) => r.typing), [false, true], 'one typing indicator for five keystrokes');
  await page.getByRole('link', { name: 'Open in OpenStreetMap' }).waitFor();
  assert.match(await page.getByRole('link', { name: 'Open in OpenStreetMap' }).getAttribute('href'), /^https:\/\/www\.openstreetmap\.org\/\?mlat=52\.520008&mlon=13\.404954/);
  for (const link of await page.locator('.messages a[target="_blank"], .referral a').all()) {
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.match(await link.getAttribute('href'), /^https?:\/\//);
  }
  assert.equal(await page.locator('.messages b').count(), 0, 'a customer\'s <b> is not markup');
  await page.getByText('<b>bold?</b>', { exact: false }).first().waitFor();
  for (const seen of ['Ana Lima', 'Email: ana@example.com', 'Tapped a button', 'Chose from a list', 'Ring twice', 'Quick reply', 'Total', '28.48 EUR',
    'A video_note message WhatsApp could not pass on', 'Message type unknown (code 131051)', 'My order is 1243', 'Deleted by the customer', '👍 customer', 'Security code changed']) {
    await page.getByText(seen, { exact: false }).first().waitFor({ timeout: 5000 });
  }
  // The edit and the revoke fold onto their messages; the history keeps the first wording.
  assert.equal(await page.getByText('Edited an earlier message', { exact: false }).count(), 0);
  await page.getByText('Edited once', { exact: false }).click();
  await page.getByText('My order is 1234', { exact: false }).waitFor();
  // The vCard downloads as a file built in the page.
  const link = page.getByRole('link', { name: 'Download vCard' });
  assert.match(await link.getAttribute('href'), /^data:text\/vcard;charset=utf-8,BEGIN%3AVCARD/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /\.vcf$/);
  // The quote jumps to the quoted message.
  await page.getByRole('button', { name: /Replying to the customer/ }).click();
  assert.ok(await page.evaluate(() => document.activeElement?.textContent.includes('saw your ad')));
  // Both ways: quote the location in a reply, and react to it.
  // Older messages show their buttons on hover or focus; the latest customer message always.
  const location = page.locator('.message.in', { hasText: 'Alexanderplatz' });
  await page.mouse.move(0, 0);
  await page.locator('.messages').focus();
  assert.equal(await location.getByRole('button', { name: 'Reply to this' }).isVisible(), false);
  await location.hover();
  await location.getByRole('button', { name: 'Reply to this' }).click();
  await page.getByText('Replying to: Alexanderplatz', { exact: false }).waitFor();
  await page.getByPlaceholder('Reply on WhatsApp…').fill('See you there');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.message.out', { hasText: 'See you there' }).getByRole('button', { name: /Replying to the customer/ }).waitFor();
  assert.match(stack.graph.sent.at(-1).context.message_id, /^wamid\./);
  await location.hover();
  await location.getByRole('button', { name: 'React 👍' }).click();
  await location.hover();
  await location.getByRole('button', { name: 'Remove reaction 👍' }).waitFor();
  assert.equal(stack.graph.sent.at(-1).reaction.emoji, '👍');
  await page.locator('.messages').evaluate((list) => { list.scrollTop = 0; });
  await shot(page, 'whatsapp-types-1280-top');
  await page.locator('.messages').evaluate((list) => { list.scrollTop = list.scrollHeight / 2; });
  await shot(page, 'whatsapp-types-1280-middle');
  await page.locator('.messages').evaluate((list) => { list.scrollTop = list.scrollHeight; });
  await shot(page, 'whatsapp-types-1280-bottom');
  await expectAccessible(page, 'inbox, a thread with every WhatsApp type');
});

test('on a phone the same thread fits the screen', async () => {
  const page = await openThread({ width: 390, height: 844 });
  await page.getByText('Security code changed').first().waitFor();
  assert.equal(stack.graph.receipts.filter((r) => !r.typing).length, 1, 'opened again: already marked read, nothing sent');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  await page.locator('.messages').evaluate((list) => { list.scrollIntoView(); list.scrollTop = 0; });
  await shot(page, 'whatsapp-types-390-top');
  await page.locator('.messages').evaluate((list) => { list.scrollTop = list.scrollHeight / 2; });
  await shot(page, 'whatsapp-types-390-middle');
  await page.locator('.messages').evaluate((list) => { list.scrollTop = list.scrollHeight; });
  await shot(page, 'whatsapp-types-390-bottom');
  await expectAccessible(page, 'inbox on a phone, every WhatsApp type');
});
