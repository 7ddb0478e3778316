// What this round changed in how WhatsApp deliveries land, against the local Worker: a customer
// who writes with only a username (a business-scoped user ID, no phone number) now reaches the
// inbox instead of "not understood" and is answered by `recipient`; a customer with both is
// filed by phone as before; and the
// Business app's echoes (coexistence numbers) are stored as the business's messages. And a
// customer's phone number and business-scoped user ID, once seen together, are one customer with
// one history, whichever came first, however the deliveries race (issue 23, point 1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, status, wamid, DAY } from '../support/meta.mjs';
import { visitor } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
// A second number with a 7-day reset rule, for the username-only customer's reset.
const WEEKLY = '106540352242923';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
  await stack.connect({ id: WEEKLY, label: 'Weekly', display: '+1 555-078-3882', reset_days: 7 });
});
after(async () => { await stack?.stop(); });
const now = () => Math.floor(Date.now() / 1000);

test('a username-only customer reaches the inbox; one with a phone is filed by phone as before', async () => {
  const bsuid = 'US.13491208655302741918';
  const onlyUsername = delivery(NUMBER, {
    messages: [{ from_user_id: bsuid, id: 'wamid.USERNAME1', timestamp: String(now()), type: 'text', text: { body: 'Hi from @ana' } }],
    contacts: [{ profile: { name: 'Ana', username: '@ana' }, user_id: bsuid }],
  });
  const r = await edge.deliver(onlyUsername);
  assert.equal(r.status, 200);
  const summary = await r.json();
  assert.equal(summary.messages_stored, 1, JSON.stringify(summary));
  assert.equal(summary.not_understood, 0);
  const [conversation] = (await edge.adminJson(`/conversations?wa_id=${encodeURIComponent(bsuid)}`)).body;
  assert.ok(conversation, 'a conversation for the username-only customer');
  assert.equal(conversation.contact_name, 'Ana');
  // An agent's reply reaches her: addressed by `recipient` (her BSUID), with no `to`.
  const before = stack.graph.sent.length;
  const reply = await edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Hi Ana!' }) });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const sent = stack.graph.sent.slice(before);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].recipient, bsuid);
  assert.equal(sent[0].to, undefined);

  const withPhone = delivery(NUMBER, {
    messages: [{ ...text('4915112345678', 'Hallo', now()), from_user_id: 'DE.99887766554433221100' }],
  });
  assert.equal((await (await edge.deliver(withPhone)).json()).messages_stored, 1);
  const [byPhone] = (await edge.adminJson('/conversations?wa_id=4915112345678')).body;
  assert.ok(byPhone, 'filed by phone, as existing history is');
  const before2 = stack.graph.sent.length;
  assert.equal((await edge.adminJson(`/conversations/${byPhone.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Hallo!' }) })).status, 201);
  assert.equal(stack.graph.sent.at(-1).to, '4915112345678', 'a phone number still goes as `to`');
  assert.equal(stack.graph.sent.length - before2, 1);
});

test('echoes from the WhatsApp Business app are stored as the business\'s messages, not lost', async () => {
  const echo = {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'smb_message_echoes', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: NUMBER },
      message_echoes: [{ from: '15550783881', to: '4915112345678', id: 'wamid.ECHO1', timestamp: String(now()), type: 'text', text: { body: 'Sent from the app' } }],
    } }] }],
  };
  const r = await edge.deliver(echo);
  assert.equal(r.status, 200);
  const summary = await r.json();
  assert.equal(summary.not_understood, 0);
  assert.equal(summary.messages_stored, 1);
  const [c] = (await edge.adminJson('/conversations?wa_id=4915112345678')).body;
  const detail = (await edge.adminJson(`/conversations/${c.id}`)).body;
  const stored = detail.messages.find((m) => m.wamid === 'wamid.ECHO1');
  assert.equal(stored.direction, 'outbound');
  assert.equal(stored.text, 'Sent from the app');
});

// --- Identity beyond the phone number -------------------------------------------------------

/** A message from a customer as Meta sends it since April 2026: `from` only when the phone
 * number may be shared, `from_user_id` always; the contact carries `user_id` and the username. */
function fromCustomer(number, { phone, bsuid, username, name = 'Customer', body = 'hi', at, id = wamid() }) {
  const message = { id, timestamp: String(at), type: 'text', text: { body } };
  if (phone) message.from = phone;
  if (bsuid) message.from_user_id = bsuid;
  const contact = { profile: { name, ...(username ? { username } : {}) } };
  if (phone) contact.wa_id = phone;
  if (bsuid) contact.user_id = bsuid;
  return delivery(number, { messages: [message], contacts: [contact] });
}

async function deliverOk(payload) {
  const r = await edge.deliver(payload);
  assert.equal(r.status, 200);
  return r.json();
}

async function conversationsOf(customer) {
  const r = await edge.adminJson(`/conversations?wa_id=${encodeURIComponent(customer)}`);
  assert.equal(r.status, 200);
  return r.body;
}

async function messagesOf(conversations) {
  const all = [];
  for (const c of conversations) all.push(...(await edge.adminJson(`/conversations/${c.id}`)).body.messages);
  return all;
}

/** One customer, one history: every conversation under the phone number, none under the BSUID,
 * one open at most, and the messages expected. */
async function assertOneHistory(phone, bsuid, texts) {
  assert.deepEqual(await conversationsOf(bsuid), [], 'nothing is left under the BSUID');
  const conversations = await conversationsOf(phone);
  assert.ok(conversations.length >= 1);
  assert.ok(conversations.every((c) => c.wa_id === phone));
  assert.ok(conversations.filter((c) => c.status === 'open').length <= 1, 'one open conversation at most');
  const messages = await messagesOf(conversations);
  assert.deepEqual(messages.map((m) => m.text).sort(), [...texts].sort());
  return conversations;
}

test('a username-only customer end to end: message, conversation, search, reply by recipient, status, reset 10 days later', async () => {
  const bsuid = 'US.13491208655302741001';
  const first = Math.floor(Date.now() / 1000) - 10 * DAY;
  let summary = await deliverOk(fromCustomer(WEEKLY, { bsuid, username: 'sheena.nelson', name: 'Sheena Nelson', body: 'Does it come in another color?', at: first }));
  assert.equal(summary.messages_stored, 1);
  assert.equal(summary.not_understood, 0);
  // Found by username (any case, with or without @) and by BSUID; shown with the username, no number.
  for (const query of ['sheena.nelson', '@Sheena.Nelson', bsuid]) {
    const found = await conversationsOf(query);
    assert.equal(found.length, 1, query);
  }
  const [old] = await conversationsOf('sheena.nelson');
  assert.equal(old.username, 'sheena.nelson');
  assert.equal(old.phone, null);
  assert.equal(old.wa_id, bsuid);
  assert.equal(old.status, 'open');

  // Ten days later (the number resets after 7): a new conversation, the old one closed by reset.
  summary = await deliverOk(fromCustomer(WEEKLY, { bsuid, username: 'sheena.nelson', name: 'Sheena Nelson', body: 'Hello again', at: first + 10 * DAY }));
  assert.equal(summary.messages_stored, 1);
  const both = await conversationsOf(bsuid);
  assert.equal(both.length, 2);
  const fresh = both.find((c) => c.id !== old.id);
  assert.equal(fresh.status, 'open');
  const closed = both.find((c) => c.id === old.id);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.close_reason, 'reset');

  // The agent's reply goes with `recipient` (her BSUID), no `to`; its status comes back by BSUID.
  const sentBefore = stack.graph.sent.length;
  const reply = await edge.adminJson(`/conversations/${fresh.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Yes, in blue.' }) });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const [sent] = stack.graph.sent.slice(sentBefore);
  assert.equal(sent.recipient, bsuid);
  assert.equal(sent.to, undefined);
  const delivered = { ...status(reply.body.wamid, 'delivered', first + 10 * DAY + 5), recipient_id: undefined, recipient_user_id: bsuid };
  assert.equal((await deliverOk(delivery(WEEKLY, { statuses: [delivered] }))).statuses, 1);
  const detail = (await edge.adminJson(`/conversations/${fresh.id}`)).body;
  assert.equal(detail.messages.find((m) => m.wamid === reply.body.wamid).status, 'delivered');
});

test('a customer who gains a username keeps one history: first by BSUID, then both, then BSUID only', async () => {
  const [phone, bsuid] = ['447700900201', 'GB.5550201'];
  const t = Math.floor(Date.now() / 1000) - 600;
  await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'tom', body: 'one', at: t }));
  const [first] = await conversationsOf(bsuid);
  assert.ok(first, 'filed by BSUID while no phone number is known');
  // Meta now sends both: the BSUID's history moves under the phone number, same conversation.
  await deliverOk(fromCustomer(NUMBER, { phone, bsuid, username: 'tom', body: 'two', at: t + 60 }));
  let conversations = await assertOneHistory(phone, bsuid, ['one', 'two']);
  assert.deepEqual(conversations.map((c) => c.id), [first.id]);
  assert.equal(conversations[0].username, 'tom');
  assert.equal(conversations[0].phone, phone);
  // Later the phone number is left out again: the link files it with the phone history.
  await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'tommy', body: 'three', at: t + 120 }));
  conversations = await assertOneHistory(phone, bsuid, ['one', 'two', 'three']);
  assert.deepEqual(conversations.map((c) => c.id), [first.id]);
  assert.equal(conversations[0].username, 'tommy', 'the newest username is shown');
  // Found by the new username, and a reply goes to the phone number.
  assert.deepEqual((await conversationsOf('tommy')).map((c) => c.id), [first.id]);
  const sentBefore = stack.graph.sent.length;
  assert.equal((await edge.adminJson(`/conversations/${first.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'ok' }) })).status, 201);
  assert.equal(stack.graph.sent.slice(sentBefore)[0].to, phone);
});

test('a customer known by phone keeps one history when a username appears, in the other order', async () => {
  const [phone, bsuid] = ['447700900202', 'GB.5550202'];
  const t = Math.floor(Date.now() / 1000) - 600;
  // Before BSUIDs: phone only. Then a BSUID-only message nobody has linked yet: its own conversation.
  await deliverOk(delivery(NUMBER, { messages: [text(phone, 'old', t)] }));
  await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'ana', body: 'unlinked', at: t + 30 }));
  assert.equal((await conversationsOf(bsuid)).length, 1);
  assert.equal((await conversationsOf(phone)).filter((c) => c.status === 'open').length, 1);
  // Both together: one history under the phone number, one open conversation (the other closed).
  await deliverOk(fromCustomer(NUMBER, { phone, bsuid, username: 'ana', body: 'linked', at: t + 60 }));
  let conversations = await assertOneHistory(phone, bsuid, ['old', 'unlinked', 'linked']);
  const open = conversations.find((c) => c.status === 'open');
  assert.ok(open);
  // A BSUID-only message now lands in that open conversation.
  await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'ana', body: 'after', at: t + 90 }));
  conversations = await assertOneHistory(phone, bsuid, ['old', 'unlinked', 'linked', 'after']);
  const stillOpen = conversations.filter((c) => c.status === 'open');
  assert.deepEqual(stillOpen.map((c) => c.id), [open.id]);
  const detail = (await edge.adminJson(`/conversations/${open.id}`)).body;
  assert.ok(detail.messages.some((m) => m.text === 'after'));
});

test('two deliveries at once, one with the phone number and one without, end as one history', async () => {
  const t = Math.floor(Date.now() / 1000) - 300;
  for (let i = 0; i < 3; i++) {
    const [phone, bsuid] = [`44770090030${i}`, `GB.555030${i}`];
    const results = await Promise.all([
      edge.deliver(fromCustomer(NUMBER, { bsuid, username: `race${i}`, body: 'without', at: t + i })),
      edge.deliver(fromCustomer(NUMBER, { phone, bsuid, username: `race${i}`, body: 'with', at: t + i + 1 })),
    ]);
    assert.deepEqual(results.map((r) => r.status), [200, 200]);
    await assertOneHistory(phone, bsuid, ['without', 'with']);
    // The next BSUID-only message joins the open conversation.
    await deliverOk(fromCustomer(NUMBER, { bsuid, username: `race${i}`, body: 'next', at: t + i + 2 }));
    const conversations = await assertOneHistory(phone, bsuid, ['without', 'with', 'next']);
    assert.equal(conversations.filter((c) => c.status === 'open').length, 1);
  }
});

test('a redelivery links nothing twice and stores nothing twice', async () => {
  const [phone, bsuid] = ['447700900401', 'GB.5550401'];
  const t = Math.floor(Date.now() / 1000) - 300;
  const unlinked = fromCustomer(NUMBER, { bsuid, username: 'lee', body: 'first', at: t });
  const linking = fromCustomer(NUMBER, { phone, bsuid, username: 'lee', body: 'second', at: t + 10 });
  await deliverOk(unlinked);
  await deliverOk(linking);
  const before = await assertOneHistory(phone, bsuid, ['first', 'second']);
  for (const again of [linking, unlinked, linking]) {
    const summary = await deliverOk(again);
    assert.equal(summary.messages_stored, 0);
    assert.equal(summary.duplicates, 1);
  }
  const after = await assertOneHistory(phone, bsuid, ['first', 'second']);
  assert.deepEqual(after.map((c) => [c.id, c.status]), before.map((c) => [c.id, c.status]));
});

test('a username-only customer can continue a website chat with a handoff code; a later link keeps it', async () => {
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, handoff_enabled: true, default_handoff_number: NUMBER });
  const v = visitor(edge);
  await v.session();
  assert.equal((await v.say('Can I continue on WhatsApp?')).status, 201);
  const code = (await v.handoff()).body.code;
  const [phone, bsuid] = ['447700900501', 'GB.5550501'];
  const t = Math.floor(Date.now() / 1000);
  const summary = await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'kim', body: `Hi (ref ${code})`, at: t }));
  assert.equal(summary.handoffs, 1, JSON.stringify(summary));
  const [linked] = await conversationsOf('kim');
  assert.ok(linked.handed_off_at, 'the Messenger conversation continues on WhatsApp');
  assert.equal(linked.wa_id, bsuid);
  // Her phone number shows up later: the handed-off conversation moves under it, still open.
  await deliverOk(fromCustomer(NUMBER, { phone, bsuid, username: 'kim', body: 'my number now shows', at: t + 5 }));
  const conversations = await assertOneHistory(phone, bsuid, ['Can I continue on WhatsApp?', `Hi (ref ${code})`, 'my number now shows']);
  assert.deepEqual(conversations.map((c) => [c.id, c.status]), [[linked.id, 'open']]);
  await edge.putSettings({ ...(await edge.adminJson('/settings')).body, handoff_enabled: false });
});

test('a BSUID change carries the link: the new BSUID alone still finds the phone history', async () => {
  const [phone, bsuid, next] = ['447700900601', 'GB.5550601', 'GB.5550699'];
  const t = Math.floor(Date.now() / 1000) - 300;
  await deliverOk(fromCustomer(NUMBER, { phone, bsuid, username: 'jo', body: 'before', at: t }));
  // Meta's system messages reference (updated Aug 11, 2026): no contacts array, no phone number.
  const change = delivery(NUMBER, { messages: [{ id: wamid(), timestamp: String(t + 10), type: 'system',
    system: { body: 'User changed', type: 'user_changed_user_id', user_id: next, previous_user_id: bsuid } }], contacts: [] });
  await deliverOk(change);
  await deliverOk(fromCustomer(NUMBER, { bsuid: next, username: 'jo', body: 'after', at: t + 20 }));
  assert.deepEqual(await conversationsOf(next), []);
  const conversations = await assertOneHistory(phone, bsuid, ['before', 'User changed', 'after']);
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0].username, 'jo');
});

test('a status naming both links them: a phone customer who next writes with only a BSUID is found', async () => {
  const [phone, bsuid] = ['447700900701', 'GB.5550701'];
  const t = Math.floor(Date.now() / 1000) - 300;
  await deliverOk(delivery(NUMBER, { messages: [text(phone, 'from the old days', t)] }));
  const [c] = await conversationsOf(phone);
  const reply = await edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Hello!' }) });
  assert.equal(reply.status, 201);
  const read = { ...status(reply.body.wamid, 'read', t + 20, phone), recipient_user_id: bsuid };
  assert.equal((await deliverOk(delivery(NUMBER, { statuses: [read] }))).statuses, 1);
  await deliverOk(fromCustomer(NUMBER, { bsuid, username: 'pat', body: 'now with a username', at: t + 30 }));
  const conversations = await assertOneHistory(phone, bsuid, ['from the old days', 'Hello!', 'now with a username']);
  assert.deepEqual(conversations.map((x) => x.id), [c.id]);
  assert.equal(conversations[0].username, 'pat');
});
