// Round-robin assignment (issue 20): per number, new WhatsApp conversations go to the chosen
// members in turn — also when several arrive in one delivery — skipping removed members; other
// numbers' conversations stay unassigned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const OTHER = '202020202020202';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  await stack.connect({ id: OTHER, waba: '303030303030303', display: '+1 555-000-2020', label: 'Sales' });
  for (const [email, name] of [['ana@example.com', 'Ana'], ['bob@example.com', 'Bob'], ['cy@example.com', 'Cy']]) {
    const r = await edge.adminJson('/team', { method: 'POST', body: JSON.stringify({ email, display_name: name, role: 'agent' }) });
    assert.equal(r.status, 201);
  }
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const assignees = async (number) => {
  const list = (await edge.adminJson(`/conversations?number=${number}&limit=500`)).body;
  return Object.fromEntries(list.map((c) => [c.wa_id, c.assignee]));
};

test('the chosen members get new conversations in turn, even several in one delivery', async () => {
  const bad = await edge.adminJson(`/numbers/${NUMBER}/round-robin`, { method: 'PUT', body: JSON.stringify({ members: ['eve@example.com'] }) });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'members');
  const set = await edge.adminJson(`/numbers/${NUMBER}/round-robin`, { method: 'PUT', body: JSON.stringify({ members: ['Bob@example.com', 'ana@example.com'] }) });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body.members, ['ana@example.com', 'bob@example.com']);

  // Four customers, two of them in one delivery.
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000001', 'a', now())] }))).status, 200);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000002', 'b', now()), text('15550000003', 'c', now())] }))).status, 200);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000004', 'd', now())] }))).status, 200);
  // A second message of a customer does not take another turn.
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000001', 'again', now())] }))).status, 200);
  const got = await assignees(NUMBER);
  assert.deepEqual(
    ['15550000001', '15550000002', '15550000003', '15550000004'].map((w) => got[w]),
    ['ana@example.com', 'bob@example.com', 'ana@example.com', 'bob@example.com'],
  );
  // Another number without chosen members: unassigned.
  assert.equal((await edge.deliver(delivery(OTHER, { messages: [text('15550000009', 'hi', now())], display: '15550002020', waba: '303030303030303' }))).status, 200);
  assert.equal((await assignees(OTHER))['15550000009'], null);
});

test('a removed member is skipped; an empty choice turns it off', async () => {
  assert.equal((await edge.admin('/team/bob%40example.com', { method: 'DELETE' })).status, 200);
  assert.deepEqual((await edge.adminJson(`/numbers/${NUMBER}/round-robin`)).body.members, ['ana@example.com']);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000005', 'e', now()), text('15550000006', 'f', now())] }))).status, 200);
  let got = await assignees(NUMBER);
  assert.equal(got['15550000005'], 'ana@example.com');
  assert.equal(got['15550000006'], 'ana@example.com');
  assert.equal((await edge.adminJson(`/numbers/${NUMBER}/round-robin`, { method: 'PUT', body: JSON.stringify({ members: [] }) })).status, 200);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550000007', 'g', now())] }))).status, 200);
  got = await assignees(NUMBER);
  assert.equal(got['15550000007'], null);
});
