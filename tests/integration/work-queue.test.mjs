// The work queue: a delivery of more than two messages is answered at once and its messages are
// stored one per invocation by the queue's consumer, in Meta's order, each once however often
// Meta delivers it; statuses in the same delivery are applied by the request itself; media files
// are fetched by the consumer; a consumer that fails (here: D1 not migrated yet) retries until it
// can store, and what Cloudflare gives up on is kept as "not understood": nothing is lost.
// Everything runs in local workerd, the queue included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { startStack } from '../support/fixtures.mjs';
import { ROOT } from '../support/edge.mjs';
import { delivery, text, status, mediaMessage, wamid } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** The thread of `waId`'s one conversation once it holds `count` messages (polls). */
async function threadOf(waId, count, on = edge) {
  const { list, detail } = await on.threadOnceStored(waId, count);
  const stored = detail?.messages.length ?? 0;
  assert.ok(stored >= count, `${waId}: ${stored} of ${count} messages stored`);
  return { conversations: list, messages: detail.messages };
}

test('ten messages in one delivery: answered at once, each stored once, in Meta\'s order; its status applied by the request', async () => {
  const at = now() - 5;
  const sent = wamid();
  // An earlier outbound message for the status to land on: sent by an agent through Graph.
  const customer = '15146200001';
  const burst = Array.from({ length: 10 }, (_, i) => text(customer, `part ${i + 1}`, at + Math.floor(i / 4)));
  const r = await edge.deliver(delivery(NUMBER, { messages: burst, statuses: [status(sent, 'delivered', at, customer)] }));
  assert.equal(r.status, 200);
  const summary = await r.json();
  assert.equal(summary.messages_queued, 10, JSON.stringify(summary));
  assert.equal(summary.messages_stored, 0);
  assert.equal(summary.statuses, 1, 'the status is applied inside the request');
  const { conversations, messages } = await threadOf(customer, 10);
  assert.equal(conversations.length, 1, 'one conversation');
  assert.deepEqual(messages.map((m) => m.text), burst.map((m) => m.text.body), 'Meta\'s order, same-second messages included');
  assert.equal(conversations[0].contact_name, 'User 0001', 'the sender\'s name travelled with each message');
  assert.ok(messages.every((m) => m.sent_at >= at && m.received_at >= at), 'stored as of the delivery');
});

test('the same batch delivered three times at once, and again later: every message stored once', async () => {
  const customers = ['15146200011', '15146200012', '15146200013'];
  const messages = customers.flatMap((c, k) => [text(c, `hello ${k}`, now() - 3), text(c, `again ${k}`, now() - 2)]);
  const payload = delivery(NUMBER, { messages });
  const answers = await Promise.all([edge.deliver(payload), edge.deliver(payload), edge.deliver(payload)]);
  for (const a of answers) assert.equal(a.status, 200);
  for (const c of customers) await threadOf(c, 2);
  assert.equal((await edge.deliver(payload)).status, 200);
  await new Promise((r) => setTimeout(r, 1500));
  for (const [k, c] of customers.entries()) {
    const { conversations, messages: stored } = await threadOf(c, 2);
    assert.equal(conversations.length, 1, `${c}: one conversation`);
    assert.deepEqual(stored.map((m) => m.text), [`hello ${k}`, `again ${k}`], `${c}: each message once`);
  }
});

test('three photos in one delivery: each file is fetched into R2 by the consumer', async () => {
  const customer = '15146200021';
  const files = [0, 1, 2].map((i) => ({ id: `90000000000031${i}`, bytes: randomBytes(20_000 + i) }));
  for (const f of files) stack.graph.addMedia({ id: f.id, bytes: f.bytes, mime_type: 'image/jpeg', token: TOKEN });
  const messages = files.map((f) => mediaMessage(customer, 'image', { id: f.id, mime_type: 'image/jpeg', sha256: sha(f.bytes) }, now()));
  const r = await edge.deliver(delivery(NUMBER, { messages }));
  assert.equal((await r.json()).messages_queued, 3);
  for (let i = 0; i < 100; i++) {
    const { messages: stored } = await threadOf(customer, 3);
    if (stored.every((m) => m.media?.state === 'stored')) {
      for (const [k, m] of stored.entries()) {
        const file = await edge.admin(`/media/${m.id}`);
        assert.equal(sha(Buffer.from(await file.arrayBuffer())), sha(files[k].bytes), 'byte-identical');
      }
      return;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail('the files were never fetched');
});

test('a consumer that cannot store yet (D1 not migrated) retries; once it can, every message is there', async () => {
  const cold = await startStack({ migrate: false });
  try {
    await cold.connect({ id: NUMBER }).catch(() => {}); // KV: works without D1
    const customer = '15146200031';
    const burst = [1, 2, 3].map((i) => text(customer, `while broken ${i}`, now() - 3 + i));
    const r = await cold.edge.deliver(delivery(NUMBER, { messages: burst }));
    assert.equal(r.status, 200, 'held by the queue: Meta need not retry');
    assert.equal((await r.json()).messages_queued, 3);
    await new Promise((res) => setTimeout(res, 1500));
    // The owner applies the migrations while the edge runs (here straight into its SQLite file).
    const sql = readdirSync(join(ROOT, 'edge/migrations')).filter((f) => f.endsWith('.sql')).sort()
      .map((f) => readFileSync(join(ROOT, 'edge/migrations', f), 'utf8')).join('\n');
    execFileSync('python3', [join(ROOT, 'tests/support/d1_exec.py'), cold.edge.statePath, sql, '--any']);
    const { messages } = await threadOf(customer, 3, cold.edge).catch((e) => { console.log(cold.edge.log().slice(-6000)); throw e; });
    assert.deepEqual(messages.map((m) => m.text), burst.map((m) => m.text.body));
    assert.match(cold.edge.log(), /queued work failed .*retried in \d+ s/);
  } finally {
    await cold.stop();
  }
});

test('a chain Cloudflare gives up on reaches the dead-letter queue, whose consumer keeps each message as not understood', async () => {
  // Two attempts only (Cloudflare's count, as if each invocation had been stopped), on a D1
  // that is not migrated yet: the items go to the dead letters, which keep retrying until the
  // owner migrates, and then keep each message with its number.
  const cold = await startStack({ migrate: false, workRetries: 1 });
  try {
    await cold.connect({ id: NUMBER }).catch(() => {});
    const customer = '15146200051';
    const burst = [1, 2, 3].map((i) => text(customer, `given up ${i}`, now() - 3 + i));
    assert.equal((await (await cold.edge.deliver(delivery(NUMBER, { messages: burst }))).json()).messages_queued, 3);
    for (let i = 0; i < 200 && !/to dead letter queue/i.test(cold.edge.log()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(cold.edge.log(), /dead letter queue "switchboard-work-dead"/i);
    const sql = readdirSync(join(ROOT, 'edge/migrations')).filter((f) => f.endsWith('.sql')).sort()
      .map((f) => readFileSync(join(ROOT, 'edge/migrations', f), 'utf8')).join('\n');
    execFileSync('python3', [join(ROOT, 'tests/support/d1_exec.py'), cold.edge.statePath, sql, '--any']);
    let kept = [];
    for (let i = 0; i < 300 && kept.length < 3; i++) {
      kept = ((await cold.edge.adminJson('/not-understood')).body ?? []).filter((k) => /gave up/.test(k.reason));
      if (kept.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(kept.length, 3, 'each message kept');
    assert.ok(kept.every((k) => k.phone_number_id === NUMBER), 'with its number');
    assert.deepEqual(kept.map((k) => JSON.parse(k.raw).messages[0].text.body).sort(), burst.map((m) => m.text.body));
  } finally {
    await cold.stop();
  }
});

test('a file whose fetch is stopped midway on every attempt ends unavailable, with the reason, and is not retaken', async () => {
  const customer = '15146200041';
  const id = '900000000000341';
  const message = mediaMessage(customer, 'image', { id, mime_type: 'image/jpeg' }, now());
  stack.graph.addMedia({ id, bytes: randomBytes(1000), mime_type: 'image/jpeg', token: TOKEN });
  stack.graph.expireMediaUrls(true); // the first attempt fails and records why
  await edge.deliver(delivery(NUMBER, { messages: [message] }));
  for (let i = 0; i < 100 && !(await threadOf(customer, 1)).messages[0].media?.error; i++) await new Promise((r) => setTimeout(r, 100));
  stack.graph.expireMediaUrls(false);
  // As if each of its five attempts had been stopped before it could record anything (an
  // invocation out of CPU): left 'fetching', its lease run out.
  await stack.restart((state) => execFileSync('python3', [join(ROOT, 'tests/support/d1_exec.py'), state,
    `UPDATE media SET state = 'fetching', lease_until = 1, attempts = 5 WHERE message_id = (SELECT id FROM messages WHERE wamid = '${message.id}')`]));
  edge = stack.edge;
  const downloads = stack.graph.media.downloads;
  assert.equal((await fetch(`${edge.url}/__scheduled?cron=*+*+*+*+*`)).status, 200);
  let media;
  for (let i = 0; i < 50; i++) {
    media = (await threadOf(customer, 1)).messages[0].media;
    if (media.state === 'unavailable') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(media.state, 'unavailable');
  assert.match(media.error, /every attempt is used up and the last was stopped before it finished/);
  assert.equal(stack.graph.media.downloads, downloads, 'not retaken');
});
