// The edge comes up in local workerd with KV and D1 reachable, and serves the demo page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge } from '../support/edge.mjs';

let edge;
before(async () => { edge = await startEdge(); });
after(async () => { await edge?.stop(); });

test('healthz reports the version, that KV and D1 are reachable, and that the deployment is set up', async () => {
  const r = await fetch(`${edge.url}/healthz`);
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
  assert.equal(body.kv, true);
  assert.equal(body.d1, true);
  assert.equal(body.ready, true);
  assert.deepEqual(body.secrets_missing, []);
  assert.deepEqual(body.migrations_pending, []);
});

test('the demo page embeds the widget with one script tag', async () => {
  const html = await (await fetch(`${edge.url}/`)).text();
  assert.match(html, /<script src="\/widget\.js" async><\/script>/);
});

test('once set up, /widget.js is the Messenger loader', async () => {
  const r = await fetch(`${edge.url}/widget.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  assert.match(await r.text(), /switchboard-messenger[\s\S]*attachShadow/);
});

test('unknown paths answer 404 with a JSON reason', async () => {
  const r = await fetch(`${edge.url}/api/nothing`);
  assert.equal(r.status, 404);
  assert.match((await r.json()).error, /nothing at/);
});
