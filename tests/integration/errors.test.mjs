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

test('the widget API is rate limited: new visitors per IP, messages and handoff codes per visitor, with Retry-After', async () => {
  const ip = '203.0.113.7';
  const sessions = [];
  for (let i = 0; i < 22; i++) sessions.push(await visitor(edge, { ip }).session());
  assert.deepEqual(sessions.slice(0, 20).map((s) => s.status), Array(20).fill(200));
  const refused = sessions.at(-1);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('retry-after'), '60');
  assert.match(refused.body.error, /try again in a minute/);
  // Another IP is not affected; a returning visitor from the busy IP keeps their session.
  assert.equal((await visitor(edge, { ip: '203.0.113.8' }).session()).status, 200);
  const returning = visitor(edge, { ip });
  returning.token = sessions[0].body.visitor_token;
  assert.equal((await returning.session()).status, 200);

  const chatty = visitor(edge);
  await chatty.session();
  const said = [];
  for (let i = 0; i < 31; i++) said.push((await chatty.say(`message ${i}`)).status);
  assert.deepEqual(said.slice(0, 30), Array(30).fill(201));
  assert.equal(said[30], 429);
  const codes = [];
  const asker = visitor(edge);
  await asker.session();
  for (let i = 0; i < 6; i++) codes.push((await asker.handoff()).status);
  assert.equal(codes.filter((s) => s === 429).length, 1, JSON.stringify(codes));
});
