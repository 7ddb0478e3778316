// Agent replies never become duplicates: an idempotency key answers a repeated request with the
// stored message, a send Graph does not answer in time is "unconfirmed" (not "failed") until a
// status webhook — matched by the callback data sent with it — or an explicit retry settles it,
// and a retry runs once however often it is asked for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, status } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => {
  stack = await startStack({ vars: { GRAPH_TIMEOUT_MS: '1000' } });
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
async function conversationWith(user) {
  await edge.deliver(delivery(NUMBER, { messages: [text(user, 'hello', now())] }));
  return (await edge.adminJson(`/conversations?wa_id=${user}`)).body[0];
}
const send = (c, body) => edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify(body) });
const thread = async (c) => (await edge.adminJson(`/conversations/${c.id}`)).body.messages;

test('the same idempotency key twice, even at once, stores and sends one message', async () => {
  const c = await conversationWith('15150000001');
  const before = stack.graph.sent.length;
  const answers = await Promise.all([send(c, { text: 'Once only', client_key: 'k-1' }), send(c, { text: 'Once only', client_key: 'k-1' })]);
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 201]);
  assert.equal(answers[0].body.id, answers[1].body.id);
  assert.equal(stack.graph.sent.length - before, 1, 'Graph got it once');
  assert.equal((await thread(c)).filter((m) => m.text === 'Once only').length, 1);
  const later = await send(c, { text: 'Once only', client_key: 'k-1' });
  assert.equal(later.status, 200);
  assert.equal(later.body.status, 'sent');
  assert.equal((await send(c, { text: 'x', client_key: '' })).status, 400);
});

test('no answer from Graph in time: "unconfirmed", then the status webhook settles it by its callback data', async () => {
  const user = '15150000002';
  const c = await conversationWith(user);
  stack.graph.delayAnswers(2500);
  const r = await send(c, { text: 'Are you there?', client_key: 'k-2' });
  stack.graph.delayAnswers(0);
  assert.equal(r.status, 504);
  assert.equal(r.body.status, 'unconfirmed');
  const taken = stack.graph.sent.at(-1);
  assert.equal(taken.biz_opaque_callback_data, r.body.id, 'our message id travels with the send');
  // Meta did take it: its status webhook names the wamid and echoes the callback data.
  await new Promise((res) => setTimeout(res, 1700));
  const webhook = { ...status(taken.wamid, 'delivered', now(), user), biz_opaque_callback_data: r.body.id };
  assert.equal((await edge.deliver(delivery(NUMBER, { statuses: [webhook] }))).status, 200);
  const settled = (await thread(c)).find((m) => m.id === r.body.id);
  assert.equal(settled.status, 'delivered');
  assert.equal(settled.wamid, taken.wamid);
  assert.equal((await edge.adminJson(`/conversations/${c.id}/messages/${r.body.id}/retry`, { method: 'POST' })).status, 409, 'settled: nothing to retry');
});

test('an unconfirmed message can be retried, once however often it is asked', async () => {
  const c = await conversationWith('15150000003');
  stack.graph.delayAnswers(2500);
  const r = await send(c, { text: 'Retry me', client_key: 'k-3' });
  stack.graph.delayAnswers(0);
  assert.equal(r.body.status, 'unconfirmed');
  await new Promise((res) => setTimeout(res, 1700));
  const before = stack.graph.sent.length;
  const retries = await Promise.all([1, 2, 3].map(() => edge.adminJson(`/conversations/${c.id}/messages/${r.body.id}/retry`, { method: 'POST' })));
  assert.deepEqual(retries.map((a) => a.status).sort(), [200, 409, 409]);
  assert.equal(stack.graph.sent.length - before, 1, 'sent again once');
  assert.equal((await thread(c)).find((m) => m.id === r.body.id).status, 'sent');
});
