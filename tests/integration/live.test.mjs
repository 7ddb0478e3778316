// Live conversations over hibernating WebSockets: who may open which room (ticket, origin), what
// arrives after each kind of write, and what a client may send (ping only; anything else, a
// too-big frame or a flood is closed with a code and a reason).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';
import { visitor } from '../support/visitor.mjs';
import { delivery, text, status } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
const sockets = [];
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, allowed_origins: ['https://shop.example'] });
});
after(async () => { for (const s of sockets) s.end?.(); await stack?.stop(); });

const liveUrl = (ticket) => `${edge.url}/api/live?ticket=${encodeURIComponent(ticket)}`;
async function open(ticket, origin = edge.url) {
  const s = await openLiveSocket(liveUrl(ticket), { origin });
  sockets.push(s);
  return s;
}
const adminTicket = async () => (await edge.adminJson('/live', { method: 'POST', body: '{}' })).body.ticket;
/** The next event on `socket` that satisfies `wanted` (earlier ones are skipped). */
async function eventWhere(socket, wanted) {
  for (;;) {
    const e = JSON.parse(await socket.next());
    if (wanted(e)) return e;
  }
}

test('a visitor hears an agent reply in their Messenger as it is stored', async () => {
  const v = visitor(edge);
  await v.session();
  assert.equal((await v.say('Is the blue one in stock?')).status, 201);
  const { body: list } = await edge.adminJson('/conversations?channel=messenger');
  const conversation = list[0].id;
  const ticket = (await v.liveTicket()).body.ticket;
  const socket = await open(ticket);
  assert.equal(socket.status, 101);
  const reply = await edge.adminJson(`/conversations/${conversation}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Yes, 3 left.' }) });
  assert.equal(reply.status, 201);
  const e = await eventWhere(socket, (e) => e.type === 'message');
  assert.equal(e.conversation_id, conversation);
  assert.equal(e.message.text, 'Yes, 3 left.');
  assert.equal(e.message.author, 'business');
  assert.equal(e.message.id, reply.body.id);
  // Closing the conversation reaches it too.
  await edge.adminJson(`/conversations/${conversation}/close`, { method: 'POST', body: '{}' });
  const closed = await eventWhere(socket, (e) => e.type === 'changed');
  assert.deepEqual(closed, { type: 'changed', conversation_id: conversation, change: 'state' });
});

test('the inbox hears a new WhatsApp message and a status change', async () => {
  const socket = await open(await adminTicket());
  assert.equal(socket.status, 101);
  const now = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(NUMBER, { messages: [text('16505551234', 'My order is late', now)] }));
  const e = await eventWhere(socket, (e) => e.change === 'message');
  assert.match(e.conversation_id, /^conv/);
  const sent = await edge.adminJson(`/conversations/${e.conversation_id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Sorry! Checking.' }) });
  assert.equal(sent.status, 201);
  await edge.deliver(delivery(NUMBER, { statuses: [status(sent.body.wamid, 'read', now + 5, '16505551234')] }));
  const s = await eventWhere(socket, (e) => e.change === 'status' && e.conversation_id === null);
  assert.equal(s.type, 'changed');
});

test('who may open which room: a ticket, for one room, from an allowed origin', async () => {
  const v = visitor(edge);
  await v.session();
  const ticket = (await v.liveTicket()).body.ticket;
  assert.equal((await visitor(edge).liveTicket()).status, 401, 'no visitor token, no ticket');
  assert.equal((await fetch(`${edge.url}/api/admin/live`, { method: 'POST' })).status, 401, 'no admin token, no inbox ticket');

  const none = await openLiveSocket(`${edge.url}/api/live`, { origin: edge.url });
  assert.equal(none.status, 401);
  assert.match(JSON.parse(none.body).error, /live ticket/);
  // The ticket names the visitor's room: naming another visitor's, or the inbox, breaks it.
  const other = ticket.replace(/visitor:[0-9a-f]{32}/, `visitor:${'f'.repeat(32)}`);
  assert.equal((await openLiveSocket(liveUrl(other), { origin: edge.url })).status, 401);
  assert.equal((await openLiveSocket(liveUrl(ticket.replace(/^visitor:[0-9a-f]{32}/, 'inbox')), { origin: edge.url })).status, 401);
  // Origins: the project's allowed origins may open a visitor room; nobody else.
  assert.equal((await open(ticket, 'https://shop.example')).status, 101);
  const refused = await openLiveSocket(liveUrl(ticket), { origin: 'https://evil.example' });
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.body).error, /origin https:\/\/evil\.example may not open/);
  // The inbox only from the console's own origin.
  assert.equal((await openLiveSocket(liveUrl(await adminTicket()), { origin: 'https://shop.example' })).status, 403);
  // A plain request is told what the route is.
  assert.equal((await fetch(liveUrl(ticket))).status, 426);
});

test('a socket only listens: ping is answered, anything else is closed with a reason', async () => {
  const v = visitor(edge);
  await v.session();
  const ticketFor = async () => (await v.liveTicket()).body.ticket;

  const pinging = await open(await ticketFor());
  pinging.send('ping');
  assert.equal(await pinging.next(), 'pong');

  const chatty = await open(await ticketFor());
  chatty.send('{"subscribe":"inbox"}');
  await chatty.whenClosed();
  assert.equal(chatty.closed.code, 1003);
  assert.match(chatty.closed.reason, /only listens/);

  const big = await open(await ticketFor());
  big.send('x'.repeat(2000));
  await big.whenClosed();
  assert.equal(big.closed.code, 1009);

  const flood = await open(await ticketFor());
  for (let i = 0; i < 30; i++) flood.send('ping\n');
  await flood.whenClosed();
  assert.equal(flood.closed.code, 1008);
  assert.match(flood.closed.reason, /too many frames/);
});

test('the server can close a room: clients are told to reconnect and catch up', async () => {
  const socket = await open(await adminTicket());
  const r = await edge.adminJson('/live/disconnect', { method: 'POST', body: '{}' });
  assert.equal(r.status, 200);
  assert.ok(r.body.closed >= 1);
  await socket.whenClosed();
  assert.equal(socket.closed.code, 1001);
});
