// Reads that do not grow with history: a thread comes in pages (newest first, older on request,
// or everything from a cursor on), and a customer's conversations are found through an index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => { stack = await startStack(); edge = stack.edge; await stack.connect({ id: NUMBER }); });
after(async () => { await stack?.stop(); });

test('a 250-message thread reads newest page first, then older pages, with no gap or overlap', async () => {
  const user = '15160000001';
  const t0 = Math.floor(Date.now() / 1000) - 10_000;
  for (let batch = 0; batch < 5; batch++) {
    const messages = Array.from({ length: 50 }, (_, i) => text(user, `m${batch * 50 + i}`, t0 + batch * 50 + i));
    assert.equal((await edge.deliver(delivery(NUMBER, { messages }))).status, 200);
  }
  // Deliveries of more than two messages are stored by the work queue, one message per
  // invocation: wait until the 250th is there.
  let c;
  for (let i = 0; i < 600; i++) {
    [c] = (await edge.adminJson(`/conversations?wa_id=${user}`)).body;
    if (c && (await edge.adminJson(`/conversations/${c.id}?limit=300`)).body.messages?.length === 250) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const first = (await edge.adminJson(`/conversations/${c.id}`)).body;
  assert.equal(first.messages.length, 100);
  assert.equal(first.messages.at(-1).text, 'm249');
  assert.equal(first.messages[0].text, 'm150');
  const second = (await edge.adminJson(`/conversations/${c.id}?before=${first.older}`)).body;
  assert.deepEqual([second.messages[0].text, second.messages.at(-1).text], ['m50', 'm149']);
  const third = (await edge.adminJson(`/conversations/${c.id}?before=${second.older}`)).body;
  assert.equal(third.messages.length, 50);
  assert.equal(third.older, null, 'nothing older');
  const all = [...third.messages, ...second.messages, ...first.messages].map((m) => m.text);
  assert.deepEqual(all, Array.from({ length: 250 }, (_, i) => `m${i}`));
  // A live window: everything from its first message on, new ones included.
  await edge.deliver(delivery(NUMBER, { messages: [text(user, 'new one', t0 + 300)] }));
  const since = (await edge.adminJson(`/conversations/${c.id}?since=${first.messages[0].cursor}`)).body;
  assert.equal(since.messages.length, 101);
  assert.equal(since.messages.at(-1).text, 'new one');
  // Small pages, and nonsense cursors refused.
  assert.equal((await edge.adminJson(`/conversations/${c.id}?limit=10`)).body.messages.length, 10);
  assert.equal((await edge.adminJson(`/conversations/${c.id}?before=nonsense`)).status, 400);
  assert.equal((await edge.adminJson(`/conversations/${c.id}?limit=0`)).status, 400);
});

test('a customer\'s conversations are found by their number, and the filters combine', async () => {
  for (const user of ['15160000010', '15160000011']) {
    await edge.deliver(delivery(NUMBER, { messages: [text(user, 'hi', Math.floor(Date.now() / 1000))] }));
  }
  const found = (await edge.adminJson('/conversations?wa_id=15160000010')).body;
  assert.deepEqual(found.map((c) => c.wa_id), ['15160000010']);
  assert.equal((await edge.adminJson(`/conversations?wa_id=15160000010&number=${NUMBER}&status=open`)).body.length, 1);
  assert.equal((await edge.adminJson('/conversations?wa_id=15160000010&status=closed')).body.length, 0);
  assert.ok((await edge.adminJson('/conversations')).body.length >= 3);
});
