// When our own storage fails, a delivery is answered 5xx so that Meta retries it, and the answer
// says so without leaking internals. Simulated with a D1 database whose tables were never created.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

let stack;
before(async () => { stack = await startStack({ migrate: false }); });
after(async () => { await stack?.stop(); });

test('a D1 failure answers 500 so Meta retries, with no internals in the body', async () => {
  await stack.connect({ id: '106540352242922' });
  const r = await stack.edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'hello', 1_780_000_000)] }));
  assert.equal(r.status, 500);
  const body = await r.json();
  assert.deepEqual(body, { error: 'storage failed; please retry' });
  // Bad input is still a 4xx, not a 500, even with storage down.
  assert.equal((await stack.edge.deliver(null, { raw: '{' })).status, 400);
  // The failure is in the log for the operator (the log arrives a moment after the answer).
  for (let i = 0; i < 30 && !/500: storage failed/.test(stack.edge.log()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(stack.edge.log(), /500: storage failed/);
});
