// Keys with one purpose each, and rotation: access tokens sealed under the previous key still
// open (and are sealed again under the new one when used), visitor tokens of the previous key
// and of the older form still verify and are renewed, and the old key can then be dropped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../support/fixtures.mjs';
import { startEdge } from '../support/edge.mjs';
import { delivery, text } from '../support/meta.mjs';
import { visitor } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
let stack;
before(async () => { stack = await startStack(); await stack.connect({ id: NUMBER }); });
after(async () => { await stack?.stop(); });

const keyId = (base64) => Buffer.from(hkdfSync('sha256', Buffer.from(base64, 'base64'), 'switchboard', 'switchboard/key-id', 4)).toString('hex');
/** Every file under the edge's local state, as text (KV values and the writer's storage). */
const stateText = (dir) => readdirSync(dir).map((f) => join(dir, f)).map((p) =>
  statSync(p).isDirectory() ? stateText(p) : readFileSync(p).toString('latin1')).join('\n');

async function restartWith(vars) {
  const state = stack.edge.statePath;
  await stack.edge.stopKeepingState();
  stack.edge = await startEdge({ graphBase: stack.graph.base, state, vars });
  stack.ownedState = state;
}

async function reply(from, body) {
  const at = Math.floor(Date.now() / 1000);
  await stack.edge.deliver(delivery(NUMBER, { messages: [text(from, body, at)] }));
  const [c] = (await stack.edge.adminJson(`/conversations?wa_id=${from}`)).body;
  return stack.edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Thanks!' }) });
}

test('rotating ENCRYPTION_KEY: old sealed tokens and visitor tokens keep working, then the old key can go', async () => {
  const oldKey = stack.edge.secrets.ENCRYPTION_KEY;
  const newKey = randomBytes(32).toString('base64');
  assert.match(stateText(stack.edge.statePath), new RegExp(`v2:${keyId(oldKey)}:`), 'sealed under the old key, with its id');

  // A visitor of the old key, and one holding a token of the older v1 form.
  const v = visitor(stack.edge);
  await v.session();
  await v.say('before the rotation');
  const id = 'ab'.repeat(16);
  const v1 = `v1.${id}.${createHmac('sha256', Buffer.from(oldKey, 'base64')).update(`switchboard-visitor-v1:${id}`).digest('hex')}`;

  await restartWith({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey });
  const sent = await reply('15140000001', 'after the rotation');
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.equal(stack.graph.sent.at(-1).to, '15140000001');
  // Used once, the token is sealed again under the new key.
  assert.match(stateText(stack.edge.statePath), new RegExp(`v2:${keyId(newKey)}:`));

  const again = visitor(stack.edge);
  again.token = v.token;
  assert.deepEqual((await again.conversation()).body.messages.map((m) => m.text), ['before the rotation']);
  const renewed = await again.session();
  assert.match(renewed.body.visitor_token, new RegExp(`^v2\\.[0-9a-f]{32}\\.\\d+\\.${keyId(newKey)}\\.`));
  const legacy = visitor(stack.edge);
  legacy.token = v1;
  const fromV1 = await legacy.session();
  assert.equal(fromV1.body.visitor_token.split('.')[1], id, 'the same visitor, in the new form');

  // The old key dropped: everything already renewed keeps working.
  await restartWith({ ENCRYPTION_KEY: newKey });
  assert.equal((await reply('15140000002', 'old key gone')).status, 201);
  const renewedVisitor = visitor(stack.edge);
  renewedVisitor.token = renewed.body.visitor_token;
  assert.equal((await renewedVisitor.conversation()).status, 200);
  const stale = visitor(stack.edge);
  stale.token = v.token;
  assert.equal((await stale.conversation()).status, 401, 'a token of the dropped key no longer verifies');
});
