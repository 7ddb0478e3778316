// The console's Webhook panel data (GET /api/admin/webhook): what to paste into Meta's dashboard
// and what the edge last saw — handshakes, signed deliveries per number, signature failures — with
// a verdict that names what to fix. Recorded after the answer, so the reads poll briefly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

let stack, edge;
before(async () => { stack = await startStack(); edge = stack.edge; });
after(async () => { await stack?.stop(); });

const wiring = async () => {
  const r = await edge.adminJson('/webhook');
  assert.equal(r.status, 200);
  return r.body;
};

/** Reads the panel until `ready(body)` holds (the record is written just after the answer). */
async function wiringWhen(ready) {
  let body;
  for (let i = 0; i < 50; i++) {
    body = await wiring();
    if (ready(body)) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the panel never showed it: ${JSON.stringify(body)}`);
}

const handshake = (token) => fetch(`${edge.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`);

test('before Meta calls: what to paste, and "not verified" with the steps', async () => {
  const w = await wiring();
  assert.equal(w.callback_url, `${edge.url}/webhooks/whatsapp`);
  assert.equal(w.verify_token, edge.secrets.WHATSAPP_VERIFY_TOKEN, 'the owner can copy it from the console');
  assert.equal(w.field, 'messages');
  assert.equal(w.verdict.state, 'not_verified');
  assert.match(w.verdict.fix, /WhatsApp › Configuration/);
  assert.equal(w.last_handshake, null);
  assert.equal(w.last_delivery, null);
  assert.deepEqual(w.numbers, []);
  // Only the signed-in owner sees it.
  assert.equal((await fetch(`${edge.url}/api/admin/webhook`)).status, 401);
});

test('a handshake with the wrong token, then the right one; a signed delivery; a bad signature', async () => {
  await stack.connect({ id: '106540352242922', label: 'Support' });
  await stack.connect({ id: '106540352242933', waba: '102290129340399', label: 'Sales' });

  assert.equal((await handshake('not-the-token')).status, 403);
  let w = await wiringWhen((b) => b.last_handshake_refused);
  assert.equal(w.verdict.state, 'wrong_verify_token');

  const ok = await handshake(edge.secrets.WHATSAPP_VERIFY_TOKEN);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  w = await wiringWhen((b) => b.last_handshake);
  assert.equal(w.verdict.state, 'no_delivery_yet');
  assert.match(w.verdict.fix, /`messages`/);

  const r = await edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'hello', Math.floor(Date.now() / 1000))] }));
  assert.equal(r.status, 200);
  w = await wiringWhen((b) => b.last_delivery);
  assert.equal(w.verdict.state, 'working');
  const support = w.numbers.find((n) => n.phone_number_id === '106540352242922');
  const sales = w.numbers.find((n) => n.phone_number_id === '106540352242933');
  assert.ok(support.last_delivery, 'the number the delivery named');
  assert.ok(Math.abs(support.last_delivery.at - Date.now()) < 60_000);
  assert.equal(sales.last_delivery, null, 'a number Meta has not delivered for yet');

  // A wrong app secret: 401 to Meta, and the panel says what to fix.
  const bad = await edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'again', Math.floor(Date.now() / 1000))] }), { secret: 'another-apps-secret' });
  assert.equal(bad.status, 401);
  w = await wiringWhen((b) => b.last_signature_failure);
  assert.equal(w.verdict.state, 'signature_failing');
  assert.match(w.verdict.fix, /WHATSAPP_APP_SECRET/);
  assert.match(w.last_signature_failure.detail, /signature/i);
  assert.doesNotMatch(JSON.stringify(w.last_signature_failure), new RegExp(edge.secrets.WHATSAPP_APP_SECRET.replace(/[+/=]/g, '.')));

  // Fixed: the next good delivery makes it work again, counted.
  assert.equal((await edge.deliver(delivery('106540352242933', { messages: [text('16505551299', 'hi sales', Math.floor(Date.now() / 1000))] }))).status, 200);
  w = await wiringWhen((b) => b.verdict.state === 'working' && b.numbers.find((n) => n.phone_number_id === '106540352242933').last_delivery);
  assert.equal(w.last_delivery.count, 2);
});

test('deliveries in a burst are counted in memory and written within ten seconds, even when none follows', async () => {
  const before = (await wiring()).last_delivery?.count ?? 0;
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 5; i++) {
    assert.equal((await edge.deliver(delivery('106540352242922', { messages: [text('16505551240', `burst ${i}`, now + i)] }))).status, 200);
  }
  // Nothing else arrives: the counted ones still reach the panel once the window is over.
  let w;
  for (let i = 0; i < 150; i++) {
    w = await wiring();
    if (w.last_delivery.count === before + 5) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(w.last_delivery.count, before + 5, 'every delivery counted, none lost in memory');
});
