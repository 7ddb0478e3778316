// Every WhatsApp message type, as the admin thread API returns it (issue 23). Payloads follow
// Meta's Cloud API webhook reference (messages: location, contacts, interactive button/list/
// nfm_reply, button, order, reaction, system, unsupported, referral, context; edit and revoke as
// documented for WhatsApp Business app numbers; smb_message_echoes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, wamid, status } from '../support/meta.mjs';

const NUMBER = '106540352242933';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Types', display: '+1 555-078-3881' });
});
after(async () => { await stack?.stop(); });
const now = () => Math.floor(Date.now() / 1000);

const message = (from, type, object, extra = {}) => ({ from, id: wamid(), timestamp: String(now()), type, [type]: object, ...extra });

async function send(...messages) {
  const r = await edge.deliver(delivery(NUMBER, { messages }));
  assert.equal(r.status, 200);
  return r.json();
}
/** The thread of `waId`, once it holds at least `count` messages (a delivery of more than two
 *  is stored by the work queue's consumer, one message per invocation). */
async function thread(waId, count = 1) {
  const { detail } = await edge.threadOnceStored(waId, count);
  assert.ok(detail, `a conversation for ${waId}`);
  assert.ok(detail.messages.length >= count, `${waId}: ${detail.messages.length} of ${count} messages`);
  return detail;
}
const byWamid = (detail, id) => detail.messages.find((m) => m.wamid === id);

test('each type is stored with its typed content, and the ad is on the conversation', async () => {
  const from = '4917000000001';
  const referral = {
    source_url: 'https://fb.me/3cr4Wqqkv', source_id: '120226305854810726', source_type: 'ad',
    headline: 'Spring sale', body: 'Two for one', media_type: 'image', image_url: 'https://scontent.example/ad.jpg',
    ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
  };
  const first = message(from, 'text', { body: 'Hi, I saw your ad https://shop.example/spring.' }, { referral });
  const messages = [
    first,
    message(from, 'location', { latitude: 52.520008, longitude: 13.404954, name: 'Alexanderplatz', address: 'Alexanderplatz 1, Berlin' }),
    message(from, 'contacts', [{
      name: { formatted_name: 'Ana Lima', first_name: 'Ana', last_name: 'Lima' },
      phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678', type: 'CELL' }],
      emails: [{ email: 'ana@example.com', type: 'WORK' }],
    }]),
    message(from, 'interactive', { type: 'button_reply', button_reply: { id: 'yes-1', title: 'Yes, please' } }),
    message(from, 'interactive', { type: 'list_reply', list_reply: { id: 'size-m', title: 'Medium', description: '38–40' } }),
    message(from, 'interactive', { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t-1","delivery_date":"2026-12-01","notes":"Ring twice"}' } }),
    message(from, 'button', { text: 'Track my order', payload: 'TRACK' }, { context: { from: '15550783881', id: first.id } }),
    message(from, 'order', { catalog_id: '194836987003835', text: 'Gift wrap please', product_items: [
      { product_retailer_id: 'SKU-RED', quantity: 2, item_price: 7.99, currency: 'EUR' },
      { product_retailer_id: 'SKU-BLUE', quantity: 1, item_price: 12.5, currency: 'EUR' },
    ] }),
  ];
  const unsupported = { from, id: wamid(), timestamp: String(now()), type: 'unsupported',
    errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    unsupported: { type: 'video_note' } };
  const summary = await send(...messages, unsupported);
  assert.equal(summary.messages_queued, messages.length + 1, JSON.stringify(summary));
  assert.equal(summary.not_understood, 0);

  const d = await thread(from, messages.length + 1);
  assert.equal(d.conversation.referral.headline, 'Spring sale');
  assert.equal(d.conversation.referral.source_url, 'https://fb.me/3cr4Wqqkv');
  const [text_, location, contacts, button, list, flow, quick, order] = messages.map((m) => byWamid(d, m.id));
  assert.equal(text_.content.link, 'https://shop.example/spring');
  assert.deepEqual([location.type, location.content.name, location.content.address, location.content.latitude], ['location', 'Alexanderplatz', 'Alexanderplatz 1, Berlin', 52.520008]);
  assert.equal(contacts.content.contacts[0].name.formatted_name, 'Ana Lima');
  assert.equal(contacts.content.contacts[0].emails[0].email, 'ana@example.com');
  assert.deepEqual([button.content.type, button.content.reply_kind, button.content.title], ['interactive', 'button_reply', 'Yes, please']);
  assert.equal(list.content.description, '38–40');
  assert.equal(flow.content.type, 'flow_reply');
  assert.ok(flow.content.fields.some((f) => f.value === 'Ring twice'), JSON.stringify(flow.content.fields));
  assert.deepEqual([quick.type, quick.content.text, quick.reply_to], ['button', 'Track my order', first.id]);
  assert.equal(order.content.items.length, 2);
  assert.equal(order.content.items[0].item_price, '7.99');
  const notPassed = byWamid(d, unsupported.id);
  assert.equal(notPassed.content.type, 'unsupported');
  assert.equal(notPassed.content.errors[0].title, 'Message type unknown');
});

test('a reaction sits on its message and can be taken off; an edit keeps the history; a revoke marks it deleted', async () => {
  const from = '4917000000002';
  const original = message(from, 'text', { body: 'My order is 1234' });
  await send(original);
  const t = now();
  await send({ ...message(from, 'reaction', { message_id: original.id, emoji: '👍' }), timestamp: String(t) });
  let m = byWamid(await thread(from), original.id);
  assert.equal(m.reactions.customer, '👍');
  // A removal (no emoji) takes it off; an older reaction arriving late does not put it back.
  await send({ ...message(from, 'reaction', { message_id: original.id }), timestamp: String(t + 2) });
  await send({ ...message(from, 'reaction', { message_id: original.id, emoji: '😡' }), timestamp: String(t + 1) });
  m = byWamid(await thread(from), original.id);
  assert.equal(m.reactions.customer, null);

  const edit = message(from, 'edit', { original_message_id: original.id, message: { type: 'text', text: { body: 'My order is 1243' } } });
  await send(edit, edit); // a redelivery in the same delivery changes nothing twice
  await send(edit);
  m = byWamid(await thread(from), original.id);
  assert.equal(m.text, 'My order is 1243');
  assert.ok(m.edited_at);
  assert.equal(m.edit_history.length, 1);
  assert.equal(m.edit_history[0].text, 'My order is 1234');

  await send(message(from, 'revoke', { original_message_id: original.id }));
  m = byWamid(await thread(from), original.id);
  assert.ok(m.revoked_at, 'marked deleted by the customer');
  assert.equal(m.text, 'My order is 1243', 'agents still read it (see message.rs: deletion policy)');
});

test('a number change moves the customer record; an identity change is a warning message', async () => {
  const [old, next] = ['4917000000003', '4917000000004'];
  await send(message(old, 'text', { body: 'Hello' }));
  const changed = { from: old, id: wamid(), timestamp: String(now()), type: 'system',
    system: { body: `User A changed from ${old} to ${next}`, wa_id: next, type: 'user_changed_number' } };
  assert.equal((await send(changed)).messages_stored, 1);
  assert.equal((await edge.adminJson(`/conversations?wa_id=${old}`)).body.length, 0);
  const d = await thread(next);
  assert.deepEqual(d.messages.map((m) => m.type), ['text', 'system']);
  assert.equal((await send(message(next, 'text', { body: 'New phone, same me' }))).messages_stored, 1);
  assert.equal((await thread(next)).messages.length, 3, 'the new number continues the same conversation');

  const identity = { from: next, id: wamid(), timestamp: String(now()), type: 'system',
    system: { body: 'User security code changed', type: 'customer_identity_changed', customer: next },
    identity: { acknowledged: true, created_timestamp: now(), hash: 'Sjvjlx8G6Z0=' } };
  await send(identity);
  const warning = byWamid(await thread(next), identity.id);
  assert.equal(warning.content.change.kind, 'identity_changed');
});

test('Business-app echoes are outbound messages in the customer conversation and count as the business replying', async () => {
  const to = '4917000000005';
  await send(message(to, 'text', { body: 'Do you ship to Austria?' }));
  const before = await thread(to);
  const echo = { from: '15550783881', to, id: wamid(), timestamp: String(now() + 5), type: 'text', text: { body: 'Yes, we do!' } };
  const payload = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'smb_message_echoes', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: NUMBER }, message_echoes: [echo],
  } }] }] };
  const r = await edge.deliver(payload);
  const summary = await r.json();
  assert.equal(summary.messages_stored, 1, JSON.stringify(summary));
  assert.equal(summary.not_understood, 0);
  assert.equal((await (await edge.deliver(payload)).json()).duplicates, 1);
  const d = await thread(to);
  const stored = byWamid(d, echo.id);
  assert.deepEqual([stored.direction, stored.text, stored.status], ['outbound', 'Yes, we do!', 'sent']);
  assert.equal(d.conversation.id, before.conversation.id);
  assert.equal(d.conversation.last_inbound_at, before.conversation.last_inbound_at, 'an echo does not open the 24-hour window');
  assert.equal(d.conversation.last_outbound_at, Number(echo.timestamp));
});

test('played applies to a sent voice note', async () => {
  const to = '4917000000006';
  await send(message(to, 'text', { body: 'Send me the voice note' }));
  const { conversation } = await thread(to);
  const reply = await edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Here it is' }) });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const sent = stack.graph.sent.at(-1).wamid;
  for (const s of ['delivered', 'read', 'played']) {
    await edge.deliver(delivery(NUMBER, { statuses: [status(sent, s, now(), to)] }));
  }
  assert.equal(byWamid(await thread(to), sent).status, 'played');
});

test('opening the conversation marks the last customer message read once; typing is throttled; the number can turn it off', async () => {
  const from = '4917000000007';
  const last = message(from, 'text', { body: 'Second' });
  await send(message(from, 'text', { body: 'First' }), last);
  const { conversation } = await thread(from);
  const seen = () => edge.adminJson(`/conversations/${conversation.id}/seen`, { method: 'POST', body: '{}' });
  const typing = () => edge.adminJson(`/conversations/${conversation.id}/typing`, { method: 'POST', body: '{}' });
  const before = stack.graph.receipts.length;
  const [a, b] = await Promise.all([seen(), seen()]);
  assert.deepEqual([a.status, b.status], [200, 200]);
  assert.equal([a.body.sent, b.body.sent].filter(Boolean).length, 1, 'two agents opening at once: one call');
  assert.equal((await seen()).body.sent, false);
  assert.deepEqual(stack.graph.receipts.slice(before), [{ phone_number_id: NUMBER, message_id: last.id, typing: false }]);

  assert.equal((await typing()).body.sent, true);
  assert.equal((await typing()).body.sent, false, 'at most once every 20 s');
  assert.equal(stack.graph.receipts.at(-1).typing, true);
  assert.equal((await edge.adminJson(`/conversations/${conversation.id}/typing`)).status, 405);

  // A new message, but the owner turned read receipts off for the number: nothing is sent.
  const read = await edge.adminJson(`/numbers/${NUMBER}`);
  const off = await edge.adminJson(`/numbers/${NUMBER}`, { method: 'PATCH', headers: { 'if-match': String(read.body.version) }, body: JSON.stringify({ read_receipts: false }) });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal(off.body.read_receipts, false);
  await send(message(from, 'text', { body: 'Third' }));
  const count = stack.graph.receipts.length;
  assert.equal((await seen()).body.sent, false);
  assert.equal(stack.graph.receipts.length, count);
});

test('an agent replies to a specific message and reacts to one; the reaction shows on it', async () => {
  const from = '4917000000008';
  const asked = message(from, 'text', { body: 'Is the red one in stock?' });
  await send(asked);
  const d = await thread(from);
  const target = byWamid(d, asked.id);
  const reply = await edge.adminJson(`/conversations/${d.conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Yes, three left', reply_to: target.id }) });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  assert.equal(reply.body.reply_to, asked.id, 'the stored reply quotes the customer message');
  assert.deepEqual(stack.graph.sent.at(-1).context, { message_id: asked.id });
  assert.equal(stack.graph.sent.at(-1).text.body, 'Yes, three left');
  assert.equal((await edge.adminJson(`/conversations/${d.conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'x', reply_to: 'msg_nope' }) })).status, 400);

  const react = (emoji) => edge.adminJson(`/conversations/${d.conversation.id}/messages/${target.id}/reaction`, { method: 'POST', body: JSON.stringify({ emoji }) });
  let r = await react('❤️');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.reactions.agent, '❤️');
  assert.deepEqual(stack.graph.sent.at(-1).reaction, { message_id: asked.id, emoji: '❤️' });
  assert.equal(stack.graph.sent.at(-1).type, 'reaction');
  r = await react(null);
  assert.equal(r.body.reactions.agent, null);
  assert.deepEqual(stack.graph.sent.at(-1).reaction, { message_id: asked.id, emoji: '' });
  assert.equal((await react('<script>')).status, 400);
  const thread2 = await thread(from);
  assert.equal(thread2.messages.filter((m) => m.type === 'reaction').length, 0, 'a reaction is not a message of the thread');
});
