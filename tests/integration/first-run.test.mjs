// A first run that just works: with handoff on and one connected number, the Messenger offers it
// without the owner picking a default; when the default is disconnected, another number stands in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { visitor } from '../support/visitor.mjs';

let stack, edge;
before(async () => { stack = await startStack(); edge = stack.edge; });
after(async () => { await stack?.stop(); });

test('the first connected number is the default; a disconnected default falls back to another', async () => {
  await stack.connect({ id: '301000000000001', label: 'First' });
  const { body: settings } = await edge.adminJson('/settings');
  assert.equal(settings.default_handoff_number, '301000000000001', 'made the default on connect');
  await edge.putSettings({ ...settings, handoff_enabled: true });
  assert.equal((await visitor(edge).session()).body.handoff.phone_number_id, '301000000000001');

  await stack.connect({ id: '301000000000002', waba: '2', label: 'Second' });
  assert.equal((await edge.adminJson('/settings')).body.default_handoff_number, '301000000000001', 'the first stays the default');
  await edge.adminJson('/numbers/301000000000001?intent=reuse', { method: 'DELETE' });
  assert.equal((await visitor(edge).session()).body.handoff.phone_number_id, '301000000000002', 'the second stands in');
  await edge.adminJson('/numbers/301000000000002?intent=reuse', { method: 'DELETE' });
  assert.equal((await visitor(edge).session()).body.handoff, null, 'nothing left to offer');
});
