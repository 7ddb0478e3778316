// Owner changes that stick: every configuration write goes through the one writer (the
// ConfigWriter Durable Object), so concurrent edits all land, a disconnect holds against a racing
// token update, and an edit made from an old version answers 409 with the current one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

let stack, edge;
const ids = Array.from({ length: 20 }, (_, i) => `2000000000000${String(i).padStart(2, '0')}`);
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  for (const id of ids) await stack.connect({ id, label: `Team ${id.slice(-2)}` });
});
after(async () => { await stack?.stop(); });

const number = async (id) => (await edge.adminJson(`/numbers/${id}`)).body;

test('20 simultaneous PATCHes to 20 numbers are all applied', async () => {
  const answers = await Promise.all(ids.map((id) => edge.adminJson(`/numbers/${id}`, {
    method: 'PATCH', body: JSON.stringify({ label: `Renamed ${id.slice(-2)}` }) })));
  for (const a of answers) assert.equal(a.status, 200);
  const list = (await edge.adminJson('/numbers')).body;
  for (const id of ids) assert.equal(list.find((n) => n.phone_number_id === id).label, `Renamed ${id.slice(-2)}`);
  // Different fields of one number at once: all land.
  const [id] = ids;
  await Promise.all([
    edge.adminJson(`/numbers/${id}`, { method: 'PATCH', body: JSON.stringify({ label: 'Both' }) }),
    edge.adminJson(`/numbers/${id}`, { method: 'PATCH', body: JSON.stringify({ handoff_enabled: false }) }),
    edge.adminJson(`/numbers/${id}`, { method: 'PATCH', body: JSON.stringify({ reset_days: 3 }) }),
  ]);
  const n = await number(id);
  assert.deepEqual([n.label, n.handoff_enabled, n.reset_days], ['Both', false, 3]);
});

test('a disconnect racing a token update holds', async () => {
  for (let trial = 0; trial < 8; trial++) {
    const id = ids[1 + trial];
    const [update, disconnect] = await Promise.all([
      edge.adminJson(`/numbers/${id}`, { method: 'PATCH', body: JSON.stringify({ access_token: `EAAG${id}secret`, label: 'Fresh token' }) }),
      edge.adminJson(`/numbers/${id}?intent=reuse`, { method: 'DELETE' }),
    ]);
    assert.equal(disconnect.status, 200, `trial ${trial}`);
    // The update either landed before the disconnect, or is refused after it: never undoes it.
    assert.ok([200, 409].includes(update.status), `trial ${trial}: ${update.status}`);
    const n = await number(id);
    assert.equal(n.status, 'disconnected', `trial ${trial}`);
    // And nothing routes into it: a delivery for it is kept as unrouted.
    const r = await edge.deliver(delivery(id, { messages: [text('16505550100', 'hi', Math.floor(Date.now() / 1000))] }));
    assert.equal((await r.json()).unrouted_changes, 1, `trial ${trial}`);
  }
});

test('a write from a stale version answers 409 with the current one; the same version twice: one 200, one 409', async () => {
  const id = ids[15];
  const { body: before } = await edge.adminJson(`/numbers/${id}`);
  const write = (label) => edge.adminJson(`/numbers/${id}`, { method: 'PATCH',
    headers: { 'if-match': `"${before.version}"` }, body: JSON.stringify({ label }) });
  const answers = await Promise.all([write('First'), write('Second')]);
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
  const refused = answers.find((a) => a.status === 409);
  assert.equal(refused.body.current_version, before.version + 1);
  assert.match(refused.body.error, /changed meanwhile/);
  const winner = answers.find((a) => a.status === 200).body.label;
  assert.equal((await number(id)).label, winner);

  // Settings: ETag on read, If-Match on write.
  const read = await edge.admin('/settings');
  const etag = read.headers.get('etag');
  assert.match(etag, /^"\d+"$/);
  const settings = await read.json();
  const save = (greeting) => edge.adminJson('/settings', { method: 'PUT', headers: { 'if-match': etag },
    body: JSON.stringify({ ...settings, greeting }) });
  const saves = await Promise.all([save('Hello from tab one'), save('Hello from tab two')]);
  assert.deepEqual(saves.map((a) => a.status).sort(), [200, 409]);
  assert.equal((await edge.adminJson('/settings', { method: 'PUT', headers: { 'if-match': 'nonsense' },
    body: JSON.stringify(settings) })).status, 400);
});

test('what the webhooks read from KV follows the writer', async () => {
  const id = ids[19];
  await edge.adminJson(`/numbers/${id}?intent=reuse`, { method: 'DELETE' });
  const during = await edge.deliver(delivery(id, { messages: [text('16505550200', 'while away', Math.floor(Date.now() / 1000) - 5)] }));
  assert.equal((await during.json()).unrouted_changes, 1);
  await stack.connect({ id, label: 'Back' });
  const r = await edge.deliver(delivery(id, { messages: [text('16505550200', 'back again', Math.floor(Date.now() / 1000))] }));
  assert.equal((await r.json()).messages_stored, 1);
  const [c] = (await edge.adminJson(`/conversations?number=${id}`)).body;
  assert.deepEqual((await edge.adminJson(`/conversations/${c.id}`)).body.messages.map((m) => m.text), ['while away', 'back again']);
});
