// What this round changed in how WhatsApp deliveries land, against the local Worker: a customer
// who writes with only a username (a business-scoped user ID, no phone number) now reaches the
// inbox instead of "not understood" and is answered by `recipient`; a customer with both is
// filed by phone as before; and the
// Business app's echoes (coexistence numbers) are stored as the business's messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', display: '+1 555-078-3881' });
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
