// The widget API and the one-way handoff, against the local Worker: sessions and visitor
// isolation, allowed origins, number choice, single-use and expiring codes, the 409 after handoff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';
import { visitor, codeFromLink } from '../support/visitor.mjs';

const SUPPORT = '106540352242922';
const GERMANY = '111111111111111';
let stack, edge;
before(async () => {
  stack = await startStack({ vars: { HANDOFF_CODE_LIFETIME_SECONDS: '10' } });
  edge = stack.edge;
  await stack.connect({ id: SUPPORT, label: 'Support', display: '+1 555-078-3881' });
  await stack.connect({ id: GERMANY, waba: '222', label: 'Germany', display: '+49 30 1234567' });
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({
    ...settings, handoff_enabled: true, default_handoff_number: SUPPORT, country_numbers: { DE: GERMANY },
    allowed_origins: ['https://shop.example'],
  });
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);

test('a visitor keeps their identity and can never read another visitor\'s conversation', async () => {
  const alice = visitor(edge);
  await alice.session();
  assert.equal((await alice.say('I am Alice')).status, 201);
  const again = visitor(edge);
  again.token = alice.token;
  assert.equal((await again.session()).status, 200);
  assert.equal(again.token, alice.token, 'a valid token is kept');
  assert.deepEqual((await again.conversation()).body.messages.map((m) => m.text), ['I am Alice']);

  const bob = visitor(edge);
  await bob.session();
  assert.deepEqual((await bob.conversation()).body.messages, []);
  const forged = visitor(edge);
  forged.token = alice.token.slice(0, -4) + '0000';
  assert.equal((await forged.conversation()).status, 401);
  assert.equal((await forged.say('hi')).status, 401);
  assert.equal((await bob.say('<script>alert(1)</script>')).status, 201);
  assert.equal((await bob.say('   ')).status, 400);
});

test('only allowed origins may use the widget API', async () => {
  const allowed = await visitor(edge, { origin: 'https://shop.example' }).session();
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
  const refused = await visitor(edge, { origin: 'https://evil.example' }).session();
  assert.equal(refused.status, 403);
  assert.match(refused.body.error, /allowed_origins/);
  // The refusal is readable by the refused page (so its Messenger can say why), and nothing else is.
  assert.equal(refused.headers.get('access-control-allow-origin'), 'https://evil.example');
  const refusedVisitor = visitor(edge, { origin: 'https://evil.example' });
  refusedVisitor.token = (await visitor(edge).session()).body.visitor_token;
  assert.equal((await refusedVisitor.conversation()).status, 403);
  assert.equal((await refusedVisitor.say('hi')).status, 403);
});

test('the handoff number: script tag, then country, then the default; none when unavailable', async () => {
  assert.equal((await visitor(edge).session()).body.handoff.phone_number_id, SUPPORT);
  assert.equal((await visitor(edge, { country: 'DE' }).session()).body.handoff.phone_number_id, GERMANY);
  assert.equal((await visitor(edge).session('Germany')).body.handoff.phone_number_id, GERMANY);
  await edge.adminJson(`/numbers/${GERMANY}`, { method: 'PATCH', body: JSON.stringify({ handoff_enabled: false }) });
  assert.equal((await visitor(edge).session(GERMANY)).body.handoff, null);
  const v = visitor(edge);
  await v.session(GERMANY);
  assert.equal((await v.handoff(GERMANY)).status, 409);
  await edge.adminJson(`/numbers/${GERMANY}`, { method: 'PATCH', body: JSON.stringify({ handoff_enabled: true }) });
});

test('a valid code moves the same conversation to WhatsApp, one way', async () => {
  const v = visitor(edge);
  await v.session();
  await v.say('Do you ship to Canada?');
  const offer = (await v.handoff()).body;
  assert.match(offer.wa_link, /^https:\/\/wa\.me\/15550783881\?text=/);
  assert.match(offer.qr_svg, /^<\?xml|^<svg/);
  const code = codeFromLink(offer.wa_link);
  assert.equal(code, offer.code);

  const waUser = '15145550001';
  const r = await edge.deliver(delivery(SUPPORT, { messages: [text(waUser, `Hi! I'd like to continue my website chat here. (ref ${code})`, now())] }));
  assert.equal((await r.json()).handoffs, 1);
  const conversation = (await v.conversation()).body;
  assert.equal(conversation.continued_on_whatsapp.wa_link, 'https://wa.me/15550783881');
  assert.equal((await v.say('one more thing')).status, 409);

  const [linked] = (await edge.adminJson(`/conversations?wa_id=${waUser}`)).body;
  assert.equal(linked.channel, 'whatsapp');
  assert.ok(linked.handed_off_at);
  const { messages } = (await edge.adminJson(`/conversations/${linked.id}`)).body;
  assert.deepEqual(messages.map((m) => [m.channel, m.direction]), [['messenger', 'inbound'], ['whatsapp', 'inbound']]);

  // Later WhatsApp messages join it; agent replies go to WhatsApp.
  await edge.deliver(delivery(SUPPORT, { messages: [text(waUser, 'still there?', now() + 1)] }));
  const reply = await edge.adminJson(`/conversations/${linked.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Yes, we ship to Canada.' }) });
  assert.equal(reply.status, 201);
  assert.equal(stack.graph.sent.at(-1).to, waUser);
  assert.equal((await edge.adminJson(`/conversations/${linked.id}`)).body.messages.length, 4);
});

test('reused, forged and expired codes link nothing; the message is still stored', async () => {
  const v = visitor(edge);
  await v.session();
  await v.say('hello');
  const code = (await v.handoff()).body.code;
  const first = await edge.deliver(delivery(SUPPORT, { messages: [text('15145550002', `ref ${code}`, now())] }));
  assert.equal((await first.json()).handoffs, 1, 'the first use links');
  // Reused by someone else: a normal WhatsApp conversation.
  await edge.deliver(delivery(SUPPORT, { messages: [text('15145550003', `ref ${code}`, now())] }));
  const reused = (await edge.adminJson('/conversations?wa_id=15145550003')).body;
  assert.equal(reused.length, 1);
  assert.equal(reused[0].handed_off_at, null);
  assert.equal(reused[0].message_count, 1);
  // Forged.
  await edge.deliver(delivery(SUPPORT, { messages: [text('15145550004', 'ref SB-0000-0000', now())] }));
  assert.equal((await edge.adminJson('/conversations?wa_id=15145550004')).body[0].handed_off_at, null);
  // A code for another number does not link on this one.
  const w = visitor(edge);
  await w.session();
  const german = (await w.handoff('Germany')).body.code;
  await edge.deliver(delivery(SUPPORT, { messages: [text('15145550005', `ref ${german}`, now())] }));
  assert.equal((await edge.adminJson('/conversations?wa_id=15145550005')).body[0].handed_off_at, null);
  assert.equal((await w.conversation()).body.continued_on_whatsapp, null);
  // Expired by the message's own time (this edge's codes live 10 seconds; the grace is 5 minutes).
  const x = visitor(edge);
  await x.session();
  const expiring = (await x.handoff()).body.code;
  await edge.deliver(delivery(SUPPORT, { messages: [text('15145550006', `ref ${expiring}`, now() + 10 + 301)] }));
  assert.equal((await edge.adminJson('/conversations?wa_id=15145550006')).body[0].handed_off_at, null);
  assert.equal((await x.conversation()).body.continued_on_whatsapp, null);
});

test('a handoff supersedes the WhatsApp user\'s own open conversation on that number', async () => {
  const waUser = '15145550007';
  await edge.deliver(delivery(SUPPORT, { messages: [text(waUser, 'earlier chat', now() - 100)] }));
  const v = visitor(edge);
  await v.session();
  await v.say('from the website');
  const code = (await v.handoff()).body.code;
  await edge.deliver(delivery(SUPPORT, { messages: [text(waUser, `ref ${code}`, now())] }));
  const list = (await edge.adminJson(`/conversations?wa_id=${waUser}`)).body;
  assert.equal(list.length, 2);
  assert.equal(list.filter((c) => c.status === 'open').length, 1);
  assert.equal(list.find((c) => c.status === 'closed').close_reason, 'handoff');
  assert.ok(list.find((c) => c.status === 'open').handed_off_at);
});

test('the visitor sees which WhatsApp number took the conversation, can say "Not me", and an agent can undo the link', async () => {
  const v = visitor(edge);
  await v.session();
  await v.say('my order #1234 is late');
  const code = (await v.handoff()).body.code;
  // Someone else sends the visitor's code first (a forwarded link, a QR code seen on a screen).
  const stranger = '4915112345634';
  await edge.deliver(delivery(SUPPORT, { messages: [text(stranger, `ref ${code}`, now())] }));
  const continued = (await v.conversation()).body.continued_on_whatsapp;
  assert.equal(continued.continued_with, '+49 ••• ••34');
  assert.equal(continued.reported_not_me, false);

  const reported = await fetch(`${edge.url}/api/widget/not-me`, { method: 'POST', headers: { authorization: `Bearer ${v.token}`, 'x-test-client-ip': '198.18.0.1' } });
  assert.equal(reported.status, 200);
  assert.equal((await reported.json()).continued_on_whatsapp.reported_not_me, true);
  const [linked] = (await edge.adminJson(`/conversations?wa_id=${stranger}`)).body;
  assert.ok(linked.link_disputed_at, 'the business sees the report');
  assert.equal((await v.say('can I still write here?')).status, 409, 'one-way for the visitor');

  const undone = await edge.adminJson(`/conversations/${linked.id}/unlink`, { method: 'POST' });
  assert.equal(undone.status, 200);
  assert.equal(undone.body.channel, 'messenger');
  assert.equal(undone.body.handed_off_at, null);
  assert.ok(undone.body.unlinked_at);
  // The visitor is back in the Messenger with the history; the stranger's message stays, marked.
  assert.equal((await v.conversation()).body.continued_on_whatsapp, null);
  assert.equal((await v.say('thanks, still here')).status, 201);
  const { messages } = (await edge.adminJson(`/conversations/${linked.id}`)).body;
  assert.deepEqual(messages.map((m) => [m.channel, m.detached]),
    [['messenger', false], ['whatsapp', true], ['messenger', false]]);
  // The stranger's next message is theirs alone: a new conversation, not the visitor's.
  await edge.deliver(delivery(SUPPORT, { messages: [text(stranger, 'hello?', now() + 1)] }));
  const theirs = (await edge.adminJson(`/conversations?wa_id=${stranger}`)).body;
  assert.equal(theirs.length, 1);
  assert.notEqual(theirs[0].id, linked.id);
  assert.equal(theirs[0].message_count, 1);
  assert.equal((await edge.adminJson(`/conversations/${linked.id}/unlink`, { method: 'POST' })).status, 409);
});

// Issue 23, point 7: the agent offers WhatsApp; the visitor's Messenger takes it up through the
// visitor's own handoff path (so its rate limit, one-way rule and language hold).
test('an agent offers WhatsApp to a website visitor, who then continues there with the same path', async () => {
  const v = visitor(edge);
  await v.session();
  const words = `can someone call me? ${Date.now()}`;
  assert.equal((await v.say(words)).status, 201);
  const list = (await edge.adminJson('/conversations?channel=messenger')).body;
  const conversation = list.find((c) => c.last_message?.text === words);
  assert.ok(conversation, 'the visitor\'s conversation is in the inbox');
  assert.ok(!(await v.conversation()).body.handoff_offered, 'nothing offered yet');

  const offered = await edge.adminJson(`/conversations/${conversation.id}/handoff-offer`, { method: 'POST' });
  assert.equal(offered.status, 200);
  assert.ok(offered.body.handoff_offered_at);
  // Offered twice at once (two agents, a double click): one offer, told twice, nothing broken.
  const twice = await Promise.all([1, 2].map(() => edge.adminJson(`/conversations/${conversation.id}/handoff-offer`, { method: 'POST' })));
  assert.deepEqual(twice.map((r) => r.status), [200, 200]);
  const thread = (await edge.adminJson(`/conversations/${conversation.id}`)).body;
  assert.deepEqual(thread.activity.map((a) => [a.kind, a.actor_name]),
    [['offered_whatsapp', 'Admin'], ['offered_whatsapp', 'Admin'], ['offered_whatsapp', 'Admin']], 'who offered, each time');
  assert.equal((await v.conversation()).body.handoff_offered, true, 'the Messenger learns of the offer');

  // The Messenger asks for its code as if the visitor had pressed the button.
  const offer = (await v.handoff()).body;
  assert.match(offer.wa_link, /^https:\/\/wa\.me\/15550783881\?text=/);
  assert.match(offer.qr_svg, /<svg/);
  const waUser = '15145550031';
  await edge.deliver(delivery(SUPPORT, { messages: [text(waUser, `ref ${offer.code}`, now())] }));
  const after = (await v.conversation()).body;
  assert.equal(after.continued_on_whatsapp.wa_link, 'https://wa.me/15550783881');
  assert.ok(!after.handoff_offered, 'the offer ends once the conversation continues on WhatsApp');
  assert.equal((await v.say('still here?')).status, 409, 'one way');

  // Nothing to offer on a conversation that moved, on a WhatsApp one, or on none.
  const moved = await edge.adminJson(`/conversations/${conversation.id}/handoff-offer`, { method: 'POST' });
  assert.equal(moved.status, 409);
  assert.match(moved.body.error, /open website conversation/);
  await edge.deliver(delivery(SUPPORT, { messages: [text('15145550032', 'hello', now())] }));
  const [whatsapp] = (await edge.adminJson('/conversations?wa_id=15145550032')).body;
  assert.equal((await edge.adminJson(`/conversations/${whatsapp.id}/handoff-offer`, { method: 'POST' })).status, 409);
  assert.equal((await edge.adminJson('/conversations/conv_nope/handoff-offer', { method: 'POST' })).status, 404);
});

test('with handoff off there is nothing to offer, and the refusal says what to turn on', async () => {
  const v = visitor(edge);
  await v.session();
  const words = `handoff off ${Date.now()}`;
  await v.say(words);
  const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.last_message?.text === words);
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, handoff_enabled: false });
  try {
    const refused = await edge.adminJson(`/conversations/${conversation.id}/handoff-offer`, { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /turn handoff on/);
    assert.ok(!(await v.conversation()).body.handoff_offered);
  } finally {
    await edge.putSettings(settings);
  }
});
