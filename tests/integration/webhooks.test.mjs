// WhatsApp webhooks against the local Worker: handshake, signature, parsing, idempotency,
// statuses, unrouted numbers and the conversation-reset rule, read back through the admin API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, status, wamid, DAY } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, reset_days: 7 });
});
after(async () => { await stack?.stop(); });

const conversations = async (query) => (await edge.adminJson(`/conversations?${new URLSearchParams(query)}`)).body;
const detail = async (id) => (await edge.adminJson(`/conversations/${id}`)).body;
/** `user`'s one conversation's messages once there are `count` (a delivery of more than two
 *  messages is stored by the work queue's consumer, one message per invocation). */
async function storedThread(user, count) {
  const messages = (await edge.threadOnceStored(user, count)).detail?.messages ?? [];
  assert.equal(messages.length, count, `${user}: all ${count} messages stored`);
  return messages;
}
const T0 = 1_780_000_000;

test('verification handshake echoes the challenge only for the right token', async () => {
  const ok = await fetch(`${edge.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(edge.secrets.WHATSAPP_VERIFY_TOKEN)}&hub.challenge=1158201444`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  const wrong = await fetch(`${edge.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
  assert.equal(wrong.status, 403);
});

test('unsigned, wrongly signed, oversized and malformed deliveries are refused with a reason', async () => {
  const payload = delivery(NUMBER, { messages: [text('16505550000', 'hi', T0)] });
  const unsigned = await fetch(`${edge.url}/webhooks/whatsapp`, { method: 'POST', body: JSON.stringify(payload) });
  assert.equal(unsigned.status, 401);
  assert.match((await unsigned.json()).error, /missing X-Hub-Signature-256/);
  const forged = await edge.deliver(payload, { secret: 'not the app secret' });
  assert.equal(forged.status, 401);
  const huge = await edge.deliver(null, { raw: JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(300_000) }) });
  assert.equal(huge.status, 413);
  const notJson = await edge.deliver(null, { raw: '{"object":' });
  assert.equal(notJson.status, 400);
  assert.match((await notJson.json()).error, /not valid JSON/);
  const wrongObject = await edge.deliver({ object: 'page', entry: [] });
  assert.equal(wrongObject.status, 400);
  assert.match((await wrongObject.json()).error, /whatsapp_business_account/);
  const noEntry = await edge.deliver({ object: 'whatsapp_business_account' });
  assert.equal(noEntry.status, 400);
  assert.match((await noEntry.json()).error, /entry: missing or not an array/);
  // Nothing from the refused deliveries was stored.
  assert.deepEqual(await conversations({ wa_id: '16505550000' }), []);
});

test('a text message opens a conversation with the contact name; a redelivery is stored once', async () => {
  const user = '16505551234';
  const message = text(user, 'Does it come in another color?', T0);
  const payload = delivery(NUMBER, { messages: [message] });
  const first = await edge.deliver(payload);
  assert.equal(first.status, 200);
  assert.equal((await first.json()).messages_stored, 1);
  const again = await Promise.all([edge.deliver(payload), edge.deliver(payload), edge.deliver(payload)]);
  for (const r of again) assert.equal(r.status, 200);
  const list = await conversations({ number: NUMBER, wa_id: user });
  assert.equal(list.length, 1);
  assert.equal(list[0].contact_name, 'User 1234');
  assert.equal(list[0].status, 'open');
  const { messages } = await detail(list[0].id);
  assert.equal(messages.length, 1);
  assert.equal(messages[0].wamid, message.id);
  assert.equal(messages[0].text, 'Does it come in another color?');
  assert.equal(messages[0].direction, 'inbound');
  assert.equal(messages[0].sent_at, T0);
});

test('every message type is stored, unknown ones with their raw type', async () => {
  const user = '16505552222';
  const base = (type, extra) => ({ from: user, id: wamid(), timestamp: String(T0 + 10), type, ...extra });
  const messages = [
    base('image', { image: { caption: 'Chair', mime_type: 'image/jpeg', sha256: 'h', id: '1003383421387256' } }),
    base('audio', { audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'h', id: '2', voice: true } }),
    base('video', { video: { mime_type: 'video/mp4', sha256: 'h', id: '3' } }),
    base('document', { document: { filename: 'invoice.pdf', mime_type: 'application/pdf', sha256: 'h', id: '4' } }),
    base('sticker', { sticker: { mime_type: 'image/webp', sha256: 'h', id: '5', animated: false } }),
    base('location', { location: { latitude: 37.48, longitude: -122.14, name: 'Main Street Beach', address: '1 Hacker Way' } }),
    base('contacts', { contacts: [{ name: { formatted_name: 'Barbara J. Johnson' }, phones: [{ phone: '+1 940 555 1234' }] }] }),
    base('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } } }),
    base('interactive', { interactive: { type: 'list_reply', list_reply: { id: 'x', title: 'Express', description: 'd' } } }),
    base('button', { button: { payload: 'Unsubscribe', text: 'Stop promotions' } }),
    base('reaction', { reaction: { message_id: 'wamid.earlier', emoji: '👍' } }),
    base('text', { text: { body: 'replying' }, context: { from: '15550783881', id: 'wamid.earlier' } }),
    base('unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }),
    base('hologram', { hologram: { beam: 1 } }),
  ];
  const r = await edge.deliver(delivery(NUMBER, { messages }));
  assert.equal((await r.json()).messages_queued, messages.length, 'more than two: stored by the work queue');
  const stored = await storedThread(user, messages.length);
  assert.deepEqual(stored.map((m) => m.type),
    ['image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'interactive', 'button', 'reaction', 'text', 'unsupported', 'hologram']);
  const byType = Object.fromEntries(stored.map((m) => [m.type, m]));
  assert.equal(byType.image.content.media_id, '1003383421387256');
  assert.equal(byType.image.content.mime_type, 'image/jpeg');
  assert.equal(byType.image.text, 'Chair');
  assert.equal(byType.document.content.filename, 'invoice.pdf');
  assert.equal(byType.location.content.name, 'Main Street Beach');
  assert.equal(byType.reaction.content.emoji, '👍');
  assert.equal(byType.text.reply_to, 'wamid.earlier');
  assert.equal(byType.hologram.content.original_type, 'hologram');
});

test('the reset rule: exactly N days joins, more opens a new conversation, late redelivery never resets', async () => {
  const user = '16505553333';
  const m1 = text(user, 'first', T0);
  const m2 = text(user, 'exactly seven days later', T0 + 7 * DAY);
  const m3 = text(user, 'a second more than seven days after that', T0 + 14 * DAY + 1);
  for (const m of [m1, m2, m3]) assert.equal((await edge.deliver(delivery(NUMBER, { messages: [m] }))).status, 200);
  let list = await conversations({ number: NUMBER, wa_id: user });
  assert.equal(list.length, 2);
  const closed = list.find((c) => c.status === 'closed');
  const open = list.find((c) => c.status === 'open');
  assert.equal(closed.close_reason, 'reset');
  assert.deepEqual((await detail(closed.id)).messages.map((m) => m.text), ['first', 'exactly seven days later']);
  assert.deepEqual((await detail(open.id)).messages.map((m) => m.text), ['a second more than seven days after that']);
  // A late message from the first week joins the first conversation and resets nothing.
  const late = text(user, 'late from day one', T0 + DAY);
  await edge.deliver(delivery(NUMBER, { messages: [late] }));
  list = await conversations({ number: NUMBER, wa_id: user });
  assert.equal(list.length, 2);
  assert.equal(list.filter((c) => c.status === 'open').length, 1);
  assert.deepEqual((await detail(closed.id)).messages.map((m) => m.text), ['first', 'late from day one', 'exactly seven days later']);
});

test('simultaneous first messages of one user open exactly one conversation', async () => {
  const user = '16505554444';
  const deliveries = Array.from({ length: 6 }, (_, i) => delivery(NUMBER, { messages: [text(user, `burst ${i}`, T0 + i)] }));
  const results = await Promise.all(deliveries.map((d) => edge.deliver(d)));
  for (const r of results) assert.equal(r.status, 200);
  const list = await conversations({ number: NUMBER, wa_id: user });
  assert.equal(list.length, 1);
  assert.equal((await detail(list[0].id)).messages.length, 6);
});

test('one delivery with several entries and changes is applied whole', async () => {
  const a = delivery(NUMBER, { messages: [text('16505556661', 'a', T0), text('16505556662', 'b', T0)] });
  const b = delivery(NUMBER, { messages: [text('16505556663', 'c', T0)] });
  a.entry.push(b.entry[0]);
  a.entry[0].changes.push({ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } });
  const r = await edge.deliver(a);
  assert.equal((await r.json()).messages_queued, 3);
  for (const user of ['16505556661', '16505556662', '16505556663']) {
    await storedThread(user, 1);
    assert.equal((await conversations({ wa_id: user })).length, 1);
  }
});

test('statuses update outbound messages and never move backwards', async () => {
  const user = '16505555555';
  await edge.deliver(delivery(NUMBER, { messages: [text(user, 'can you help?', Math.floor(Date.now() / 1000))] }));
  const [conversation] = await conversations({ wa_id: user });
  const sent = await edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Of course!' }) });
  assert.equal(sent.status, 201);
  assert.equal(sent.body.status, 'sent');
  const outbound = stack.graph.sent.at(-1);
  assert.equal(outbound.to, user);
  assert.equal(outbound.text.body, 'Of course!');
  assert.equal(sent.body.wamid, outbound.wamid);
  const now = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(NUMBER, { statuses: [status(outbound.wamid, 'read', now + 2, user)] }));
  await edge.deliver(delivery(NUMBER, { statuses: [status(outbound.wamid, 'delivered', now + 1, user)] }));
  const message = (await detail(conversation.id)).messages.find((m) => m.wamid === outbound.wamid);
  assert.equal(message.status, 'read');
  // A failure is reported with Meta's code and title.
  const second = await edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Anything else?' }) });
  await edge.deliver(delivery(NUMBER, { statuses: [status(second.body.wamid, 'failed', now + 3, user, [{ code: 131047, title: 'Re-engagement message' }])] }));
  const failed = (await detail(conversation.id)).messages.find((m) => m.wamid === second.body.wamid);
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error, { code: 131047, title: 'Re-engagement message' });
});

test('a delivery for a number that is not connected is acknowledged and kept for the owner', async () => {
  const payload = delivery('999000111222333', { messages: [text('16505557777', 'hello?', T0)] });
  const r = await edge.deliver(payload);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).unrouted_changes, 1);
  await edge.deliver(payload);
  const unrouted = (await edge.adminJson('/unrouted')).body.filter((e) => e.phone_number_id === '999000111222333');
  assert.equal(unrouted.length, 1);
  assert.equal(unrouted[0].message_count, 1);
  assert.match(unrouted[0].payload, /hello\?/);
});

test('the admin API requires the admin token', async () => {
  const r = await fetch(`${edge.url}/api/admin/conversations`);
  assert.equal(r.status, 401);
  const wrong = await fetch(`${edge.url}/api/admin/conversations`, { headers: { authorization: 'Bearer wrong' } });
  assert.equal(wrong.status, 401);
  assert.equal((await edge.adminJson('/conversations?status=maybe')).status, 400);
  assert.equal((await edge.adminJson('/conversations/conv_nope')).status, 404);
});
