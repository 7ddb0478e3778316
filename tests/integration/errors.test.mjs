// How the edge answers what it cannot do: a wrong method is 405 with the methods the route takes,
// an unknown path 404, a bad visitor token 401 with its own message, a race that escapes 409.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { visitor } from '../support/visitor.mjs';

let stack, edge;
before(async () => { stack = await startStack(); edge = stack.edge; });
after(async () => { await stack?.stop(); });

test('a wrong method is 405 and says which methods the route takes', async () => {
  for (const [method, path, allow] of [
    ['DELETE', '/api/admin/settings', 'GET, PUT'],
    ['PUT', '/api/admin/numbers', 'GET, POST'],
    ['POST', '/api/admin/numbers/106540352242922', 'GET, PATCH, DELETE'],
    ['DELETE', '/api/admin/conversations', 'GET'],
    ['GET', '/api/admin/conversations/conv_x/close', 'POST'],
    ['PUT', '/webhooks/whatsapp', 'GET (verification), POST (deliveries)'],
    ['GET', '/api/widget/messages', 'POST, OPTIONS'],
    ['POST', '/api/widget/conversation', 'GET, OPTIONS'],
  ]) {
    const headers = path.startsWith('/api/admin') ? { authorization: `Bearer ${edge.secrets.ADMIN_TOKEN}` } : {};
    const r = await fetch(`${edge.url}${path}`, { method, headers });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
    assert.match((await r.json()).error, /this route takes/);
  }
  assert.equal((await edge.adminJson('/nothing-here')).status, 404);
  assert.equal((await fetch(`${edge.url}/api/widget/nothing`, { method: 'POST' })).status, 404);
});

test('a bad visitor token is 401 with a message of its own', async () => {
  const v = visitor(edge);
  v.token = 'v1.00000000000000000000000000000000.00';
  const r = await v.conversation();
  assert.equal(r.status, 401);
  assert.match(r.body.error, /visitor token/);
  assert.doesNotMatch(r.body.error, /signature/i);
});
