// Web Push against the local Worker and a push-service stand-in (tests/support/push-service.mjs)
// that verifies each push's VAPID JWT and decrypts its body as a browser would: a customer's
// message reaches a member's subscription as a readable, signed push; pushes are coalesced per
// conversation (the window is 2 s here instead of 60, through PUSH_COALESCE_SECONDS); a push
// service's 410 or 404 deletes the subscription; bad subscriptions are refused by field; and
// without subscriptions, or without a VAPID key, the webhook answers as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { startEdge } from '../support/edge.mjs';
import { startPushService, makeVapidPrivateKey } from '../support/push-service.mjs';
import { delivery, text } from '../support/meta.mjs';
import { visitor } from '../support/visitor.mjs';

const NUMBER = '106540352242922';
const WINDOW = 2;
const vapid = makeVapidPrivateKey();
let stack, edge, push;
before(async () => {
  push = await startPushService();
  stack = await startStack({
    vars: { VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:owner@example.com', PUSH_COALESCE_SECONDS: WINDOW },
  });
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
});
after(async () => { await stack?.stop(); await push?.close(); });

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let customers = 0;
const newCustomer = () => `1650555${String(7000 + customers++).padStart(4, '0')}`;
const write = async (from, body, name = 'Ana Silva') => {
  const r = await edge.deliver(delivery(NUMBER, { messages: [text(from, body, now())], contacts: [{ profile: { name }, wa_id: from }] }));
  assert.equal(r.status, 200);
  return r.json();
};
const subscribe = async (subscription) => edge.adminJson('/push/subscriptions', { method: 'POST', body: JSON.stringify(subscription.toJSON()) });
const conversationOf = async (waId) => (await edge.adminJson(`/conversations?wa_id=${waId}`)).body[0].id;

test('without subscriptions a customer message is answered as before and nothing is pushed', async () => {
  const summary = await write(newCustomer(), 'Hello?');
  assert.equal(summary.messages_stored, 1);
  await sleep(300);
  assert.equal(push.total(), 0);
});

test('the console gets the VAPID public key; bad subscriptions are a 400 naming the field', async () => {
  const key = await edge.adminJson('/push/key');
  assert.equal(key.status, 200);
  assert.equal(key.body.public_key, vapid.publicKey);
  const good = push.subscribe().toJSON();
  const cases = [
    [{ ...good, endpoint: 'http://push.example.com/x' }, 'endpoint'],
    [{ ...good, endpoint: 'not a url' }, 'endpoint'],
    [{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } }, 'keys.p256dh'],
    [{ ...good, keys: { ...good.keys, auth: 'c2hvcnQ' } }, 'keys.auth'],
  ];
  for (const [body, field] of cases) {
    const r = await edge.adminJson('/push/subscriptions', { method: 'POST', body: JSON.stringify(body) });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.field, field);
    assert.ok(r.body.error.length > 10);
  }
  const noKeys = await edge.adminJson('/push/subscriptions', { method: 'POST', body: JSON.stringify({ endpoint: good.endpoint }) });
  assert.equal(noKeys.status, 400);
  const wrongMethod = await edge.admin('/push/subscriptions');
  assert.equal(wrongMethod.status, 405);
});

test('a customer message arrives as a push that decrypts to its payload and whose VAPID JWT verifies', async () => {
  const browser = push.subscribe();
  // Subscribing twice from one browser keeps one subscription (one push per message).
  for (let i = 0; i < 2; i++) assert.deepEqual(await subscribe(browser), { status: 200, body: { subscribed: true } });
  const customer = newCustomer();
  const before = Date.now();
  await write(customer, 'Is my order\non its way?');
  const [arrival] = await push.waitFor(browser.path, 1);
  assert.equal(arrival.error, undefined);
  const id = await conversationOf(customer);
  assert.deepEqual(arrival.payload, {
    title: 'Ana Silva', body: 'Is my order on its way?', count: 1, conversation_id: id, url: `/console/inbox/${id}`,
  });
  assert.equal(arrival.vapid.aud, push.origin);
  assert.equal(arrival.vapid.sub, 'mailto:owner@example.com');
  assert.equal(arrival.vapid.k, vapid.publicKey);
  assert.equal(arrival.headers.ttl, '86400');
  assert.equal(arrival.headers.urgency, 'high');
  assert.equal(arrival.headers.topic, id);
  assert.ok(Date.now() - before < 5000);
  await sleep(300);
  assert.equal(push.arrivals(browser.path).length, 1);
  // Later messages go to it too; remove it so the tests below count their own subscriptions.
  const removed = await edge.adminJson('/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: browser.endpoint }) });
  assert.deepEqual(removed.body, { removed: true });
  await write(customer, 'hello again?');
  await sleep(WINDOW * 1000 + 200);
  await write(customer, 'anyone?');
  await sleep(400);
  assert.equal(push.arrivals(browser.path).length, 1);
});

test('two messages within the window give one push; the next push carries the count', async () => {
  const browser = push.subscribe();
  await subscribe(browser);
  const customer = newCustomer();
  await write(customer, 'first');
  await push.waitFor(browser.path, 1);
  await write(customer, 'second, seconds later');
  await sleep(500);
  assert.equal(push.arrivals(browser.path).length, 1, 'the second message is held');
  // Another conversation is not held by this one's push.
  const other = newCustomer();
  await write(other, 'someone else', 'Bo');
  await push.waitFor(browser.path, 2);
  assert.equal(push.arrivals(browser.path)[1].payload.title, 'Bo');
  await sleep(WINDOW * 1000 + 100);
  await write(customer, 'third, after the window');
  const arrivals = await push.waitFor(browser.path, 3);
  assert.equal(arrivals[2].payload.count, 2);
  assert.equal(arrivals[2].payload.body, '2 new messages · third, after the window');
  await edge.adminJson('/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: browser.endpoint }) });
});

test('a Messenger visitor message is pushed too', async () => {
  const browser = push.subscribe();
  await subscribe(browser);
  const v = visitor(edge);
  assert.equal((await v.session(NUMBER)).status, 200);
  assert.equal((await v.say('Do you ship to Portugal?')).status, 201);
  const [arrival] = await push.waitFor(browser.path, 1);
  assert.equal(arrival.payload.title, 'Website visitor');
  assert.equal(arrival.payload.body, 'Do you ship to Portugal?');
  assert.match(arrival.payload.url, /^\/console\/inbox\/conv_[0-9a-f]+$/);
  await edge.adminJson('/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: browser.endpoint }) });
});

for (const status of [410, 404]) {
  test(`a push service answering ${status} deletes the subscription: the next message sends nothing to it`, async () => {
    const gone = push.subscribe();
    const witness = push.subscribe();
    await subscribe(gone);
    await subscribe(witness);
    push.answer(gone.path, status);
    await write(newCustomer(), 'one');
    await push.waitFor(gone.path, 1);
    await push.waitFor(witness.path, 1);
    await sleep(300); // the deletion follows the answer
    await write(newCustomer(), 'two');
    await push.waitFor(witness.path, 2);
    await sleep(300);
    assert.equal(push.arrivals(gone.path).length, 1);
    // Deleting it now finds nothing: the edge already forgot it.
    const removed = await edge.adminJson('/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: gone.endpoint }) });
    assert.deepEqual(removed.body, { removed: false });
    await edge.adminJson('/push/subscriptions', { method: 'DELETE', body: JSON.stringify({ endpoint: witness.endpoint }) });
  });
}

test('the service worker is served at /console/sw.js (scope /console/ without Service-Worker-Allowed)', async () => {
  const r = await fetch(`${edge.url}/console/sw.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  assert.match(r.headers.get('content-security-policy'), /worker-src 'self'/);
  const source = await r.text();
  assert.match(source, /addEventListener\('push'/);
  assert.match(source, /addEventListener\('notificationclick'/);
});

test('the minute\'s maintenance runs beside the push tables (it purges day-old coalescing state)', async () => {
  const run = await fetch(`${edge.url}/__scheduled?cron=*+*+*+*+*`);
  assert.equal(run.status, 200);
  await sleep(300);
  assert.doesNotMatch(edge.log(), /scheduled maintenance failed/);
});

test('without a VAPID key the key route says push is not configured', async () => {
  // An empty --var hides a VAPID_PRIVATE_KEY that .dev.vars may hold.
  const bare = await startEdge({ graphBase: stack.graph.base, vars: { VAPID_PRIVATE_KEY: '' } });
  try {
    const r = await bare.adminJson('/push/key');
    assert.equal(r.status, 404);
    assert.match(r.body.error, /push is not configured: the secret VAPID_PRIVATE_KEY is not set/);
  } finally {
    await bare.stop();
  }
});

// Last: it restarts the edge with another admin token.
test('a subscription made with the admin token ends when the token is rotated', async () => {
  const old = push.subscribe();
  assert.equal((await subscribe(old)).status, 200);
  const customer = newCustomer();
  await write(customer, 'before the rotation');
  await push.waitFor(old.path, 1);

  // The owner rotates ADMIN_TOKEN (a new secret: a new deployment of the same state).
  const { statePath } = stack.edge;
  await stack.edge.stopKeepingState();
  stack.edge = edge = await startEdge({
    graphBase: stack.graph.base, state: statePath,
    vars: { VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:owner@example.com', PUSH_COALESCE_SECONDS: WINDOW, ADMIN_TOKEN: 'rotated-admin-token-0123456789abcdef' },
  });
  stack.ownedState = statePath;
  assert.equal((await fetch(`${edge.url}/api/admin/me`, { headers: { authorization: `Bearer ${edge.secrets.ADMIN_TOKEN}` } })).status, 401, 'the old token no longer works');
  edge.secrets.ADMIN_TOKEN = 'rotated-admin-token-0123456789abcdef';
  await sleep(WINDOW * 1000 + 200);
  await write(customer, 'after the rotation');
  await sleep(600);
  assert.equal(push.arrivals(old.path).length, 1, 'the old token\'s subscription hears nothing more');
  // The maintenance forgets it; subscribing with the new token works as before.
  assert.equal((await fetch(`${edge.url}/__scheduled?cron=*+*+*+*+*`)).status, 200);
  const fresh = push.subscribe();
  assert.equal((await subscribe(fresh)).status, 200);
  await write(newCustomer(), 'to the new token');
  await push.waitFor(fresh.path, 1);
  assert.equal(push.arrivals(old.path).length, 1);
});
