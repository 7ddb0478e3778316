// Optional Cloudflare Turnstile on a new visitor's first message: off unless a site key is set in
// the settings and the TURNSTILE_SECRET_KEY secret is configured; then a first message (or a first
// handoff) needs a token that siteverify (a local stand-in here) accepts, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphStandin, TURNSTILE_SECRET } from '../support/graph-standin.mjs';
import { startEdge } from '../support/edge.mjs';
import { visitor } from '../support/visitor.mjs';

let graph, edge;
before(async () => {
  graph = await startGraphStandin();
  edge = await startEdge({ graphBase: graph.base, vars: {
    TURNSTILE_SECRET_KEY: TURNSTILE_SECRET, TURNSTILE_VERIFY_URL: `${graph.base}/turnstile/v0/siteverify` } });
});
after(async () => { await edge?.stop(); await graph?.close(); });

const post = (v, body) => fetch(`${edge.url}/api/widget/messages`, { method: 'POST',
  headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json', 'x-test-client-ip': '198.18.1.1' },
  body: JSON.stringify(body) });

test('without a site key in the settings, nobody is asked', async () => {
  const v = visitor(edge);
  assert.equal((await v.session()).body.turnstile_site_key, null);
  assert.equal((await v.say('hello')).status, 201);
});

test('with a site key: the first message needs a valid, unused token; later ones do not', async () => {
  const { body: settings } = await edge.adminJson('/settings');
  const saved = await edge.putSettings({ ...settings, turnstile_site_key: '0x4AAAAAAAstandin' });
  assert.equal(saved.status, 200);
  const v = visitor(edge);
  assert.equal((await v.session()).body.turnstile_site_key, '0x4AAAAAAAstandin');
  const missing = await post(v, { text: 'hi' });
  assert.equal(missing.status, 403);
  assert.match((await missing.json()).error, /quick check/);
  assert.equal((await post(v, { text: 'hi', turnstile_token: 'forged' })).status, 403);
  assert.equal((await v.handoff()).status, 403, 'a first handoff is guarded too');
  assert.deepEqual((await v.conversation()).body.messages, [], 'nothing was stored');
  const token = 'XXXX.DUMMY.TOKEN.first';
  assert.equal((await post(v, { text: 'hi', turnstile_token: token })).status, 201);
  assert.equal((await post(v, { text: 'and again' })).status, 201, 'only the first message is checked');
  const w = visitor(edge);
  await w.session();
  assert.equal((await post(w, { text: 'reusing a token', turnstile_token: token })).status, 403, 'a token verifies once');
  assert.equal((await edge.putSettings({ ...settings, turnstile_site_key: 'bad key!' })).status, 400);
});
