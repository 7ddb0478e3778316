// An agent answering a specific Messenger message: a reply that quotes it (reply_to is our message
// id: a Messenger message has no wamid) and a reaction on the visitor's message. What the
// visitor's socket is pushed, what GET /api/widget/conversation returns, and what is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';
import { visitor } from '../support/visitor.mjs';

let stack, edge;
const sockets = [];
before(async () => { stack = await startStack(); edge = stack.edge; });
after(async () => { for (const s of sockets) s.end?.(); await stack?.stop(); });

async function socketOf(v) {
  const ticket = (await v.liveTicket()).body.ticket;
  const s = await openLiveSocket(`${edge.url}/api/live?ticket=${encodeURIComponent(ticket)}`, { origin: edge.url });
  sockets.push(s);
  assert.equal(s.status, 101);
  return s;
}
async function eventWhere(socket, wanted) {
  for (;;) {
    const e = JSON.parse(await socket.next());
    if (wanted(e)) return e;
  }
}

test('an agent quotes and reacts to a visitor\'s message; the Messenger is pushed both and reads both', async () => {
  const v = visitor(edge);
  await v.session();
  const long = `Do you ship to Portugal? ${'I would need it before the end of the month, '.repeat(4)}thanks`;
  const asked = (await v.say(long)).body;
  const size = (await v.say('And in size M?')).body;
  const [conversation] = (await edge.adminJson('/conversations?channel=messenger')).body;
  const socket = await socketOf(v);
  const send = (body) => edge.adminJson(`/conversations/${conversation.id}/messages`, { method: 'POST', body: JSON.stringify(body) });
  const react = (id, emoji) => edge.adminJson(`/conversations/${conversation.id}/messages/${id}/reaction`, { method: 'POST', body: JSON.stringify({ emoji }) });

  // A quoted reply: stored with our id as reply_to, pushed with who wrote the quote and its start.
  const reply = await send({ text: 'Yes, in 3 days.', reply_to: asked.id });
  assert.equal(reply.status, 201);
  assert.equal(reply.body.reply_to, asked.id);
  const pushed = await eventWhere(socket, (e) => e.type === 'message' && e.message.id === reply.body.id);
  assert.equal(pushed.message.quote.id, asked.id);
  assert.equal(pushed.message.quote.author, 'visitor');
  assert.ok(pushed.message.quote.excerpt.startsWith('Do you ship to Portugal? I would need it'));
  assert.ok(pushed.message.quote.excerpt.endsWith('…'), 'a long message is cut');
  assert.ok([...pushed.message.quote.excerpt].length <= 81);

  // A reaction on the visitor's message: the message is pushed again, with it.
  const liked = await react(size.id, '👍');
  assert.equal(liked.status, 200);
  assert.equal(liked.body.reactions.agent, '👍');
  const again = await eventWhere(socket, (e) => e.type === 'message' && e.message.id === size.id);
  assert.equal(again.message.reaction, '👍');
  assert.equal(again.message.text, 'And in size M?');
  assert.equal(again.message.author, 'visitor');

  // An earlier business message can be quoted too.
  const followUp = await send({ text: 'Tracking comes by email.', reply_to: reply.body.id });
  assert.equal(followUp.status, 201);

  // The conversation as the Messenger reads it.
  let shown = (await v.conversation()).body.messages;
  const byId = (id) => shown.find((m) => m.id === id);
  assert.equal(byId(reply.body.id).quote.id, asked.id);
  assert.equal(byId(reply.body.id).quote.author, 'visitor');
  assert.deepEqual(byId(followUp.body.id).quote, { id: reply.body.id, author: 'business', excerpt: 'Yes, in 3 days.' });
  assert.equal(byId(size.id).reaction, '👍');
  assert.equal(byId(asked.id).reaction, undefined, 'no reaction, no field');
  assert.equal(byId(asked.id).quote, undefined);

  // Changed, then taken off: the shown message follows.
  await react(size.id, '❤️');
  assert.equal((await eventWhere(socket, (e) => e.type === 'message' && e.message.id === size.id)).message.reaction, '❤️');
  const off = await react(size.id, null);
  assert.equal(off.status, 200);
  assert.equal(off.body.reactions.agent, null);
  assert.equal((await eventWhere(socket, (e) => e.type === 'message' && e.message.id === size.id)).message.reaction, undefined);
  shown = (await v.conversation()).body.messages;
  assert.equal(byId(size.id).reaction, undefined);

  // The inbox reads the reply's quote by our id, like a WhatsApp one by its wamid.
  const thread = (await edge.adminJson(`/conversations/${conversation.id}`)).body;
  assert.equal(thread.messages.find((m) => m.id === reply.body.id).reply_to, asked.id);
});

test('what is refused: a reaction on the business\'s own message, an unknown message, a non-emoji; a quote of nothing', async () => {
  const v = visitor(edge);
  await v.session();
  const asked = (await v.say('Hello?')).body;
  const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.message_count === 1);
  const id = conversation.id;
  const reply = (await edge.adminJson(`/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Hi!' }) })).body;
  const react = (m, emoji) => edge.adminJson(`/conversations/${id}/messages/${m}/reaction`, { method: 'POST', body: JSON.stringify({ emoji }) });
  assert.equal((await react(reply.id, '👍')).status, 409, 'the business reacts only to the visitor');
  assert.equal((await react('msg_nope', '👍')).status, 404);
  assert.equal((await react(asked.id, 'yes')).status, 400);
  const quotesNothing = await edge.adminJson(`/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'x', reply_to: 'msg_nope' }) });
  assert.equal(quotesNothing.status, 400);
  assert.match(quotesNothing.body.error, /reply_to/);
  // Nothing was stored by the refused reply, and nothing changed on the message.
  const shown = (await v.conversation()).body.messages;
  assert.deepEqual(shown.map((m) => m.text), ['Hello?', 'Hi!']);
  assert.equal(shown[0].reaction, undefined);
});

test('a reaction in a closed conversation asks the Messenger to read it again, and shows there', async () => {
  const v = visitor(edge);
  await v.session();
  const thanks = (await v.say('Thanks, all sorted!')).body;
  const conversation = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.last_message?.text === 'Thanks, all sorted!');
  assert.equal((await edge.adminJson(`/conversations/${conversation.id}/close`, { method: 'POST', body: '{}' })).status, 200);
  const socket = await socketOf(v);
  const r = await edge.adminJson(`/conversations/${conversation.id}/messages/${thanks.id}/reaction`, { method: 'POST', body: JSON.stringify({ emoji: '🙏' }) });
  assert.equal(r.status, 200);
  const e = await eventWhere(socket, (e) => e.conversation_id === conversation.id);
  assert.deepEqual(e, { type: 'changed', conversation_id: conversation.id, change: 'message' });
  assert.equal((await v.conversation()).body.messages.find((m) => m.id === thanks.id).reaction, '🙏');
});
