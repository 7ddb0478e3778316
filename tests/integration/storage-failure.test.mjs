// A deployment that is not set up says so instead of failing obscurely: a D1 database without
// its migrations, a secret not set, a malformed ENCRYPTION_KEY. Deliveries get a 5xx so that Meta
// retries them later, /healthz names what is missing (never a value), and bad input stays 4xx.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { startEdge } from '../support/edge.mjs';
import { delivery, text } from '../support/meta.mjs';

const running = [];
after(async () => { for (const s of running) await s.stop(); });

test('an un-migrated D1: deliveries answer 503 (Meta retries) with no internals; /healthz lists the migrations', async () => {
  const stack = await startStack({ migrate: false });
  running.push(stack);
  await stack.connect({ id: '106540352242922' });
  const r = await stack.edge.deliver(delivery('106540352242922', { messages: [text('16505551234', 'hello', 1_780_000_000)] }));
  assert.equal(r.status, 503);
  const body = await r.json();
  assert.match(body.error, /not migrated; run `wrangler d1 migrations apply DB --remote`/);
  assert.doesNotMatch(body.error, /SQLITE|no such table/);
  // Bad input is still a 4xx, not a 5xx, even then.
  assert.equal((await stack.edge.deliver(null, { raw: '{' })).status, 400);
  const health = await fetch(`${stack.edge.url}/healthz`);
  assert.equal(health.status, 503);
  const h = await health.json();
  assert.equal(h.ready, false);
  assert.deepEqual(h.migrations_pending, ['0001_conversations.sql', '0002_seams.sql', '0003_agent_sends.sql', '0004_reads.sql', '0005_webhook_wiring.sql', '0006_support_kpis.sql', '0007_media.sql', '0008_sweeps_and_meta_errors.sql', '0009_kpi_reports.sql', '0010_opening_hours.sql', '0011_team.sql', '0012_push_subscriptions.sql', '0013_message_types.sql', '0014_unread.sql', '0015_customer_identities.sql', '0016_handoff_offers.sql']);
  await assertLoaderDrawsNothing(stack.edge.url);
  // The cause is in the log for the operator (the log arrives a moment after the answer).
  for (let i = 0; i < 30 && !/D1 schema missing/.test(stack.edge.log()); i++) await new Promise((res) => setTimeout(res, 100));
  assert.match(stack.edge.log(), /D1 schema missing/);
});

test('a missing secret and a malformed key: 503 naming them, never their values, and /healthz says the same', async () => {
  const edge = await startEdge({ vars: { WHATSAPP_APP_SECRET: '', ENCRYPTION_KEY: 'not-a-key' } });
  running.push(edge);
  const h = await (await fetch(`${edge.url}/healthz`)).json();
  assert.equal(h.ready, false);
  assert.deepEqual(h.secrets_missing, ['WHATSAPP_APP_SECRET']);
  assert.match(h.secrets_malformed[0], /^ENCRYPTION_KEY: must be 32 random bytes/);
  const webhook = await edge.deliver({ object: 'whatsapp_business_account', entry: [] });
  assert.equal(webhook.status, 503);
  const error = (await webhook.json()).error;
  assert.match(error, /not set up yet: secrets not set: WHATSAPP_APP_SECRET; ENCRYPTION_KEY: must be 32 random bytes/);
  assert.doesNotMatch(error, /not-a-key/);
  assert.equal((await fetch(`${edge.url}/api/widget/session`, { method: 'POST', body: '{}' })).status, 503);
  assert.equal((await fetch(`${edge.url}/api/admin/settings`, { headers: { authorization: `Bearer ${edge.secrets.ADMIN_TOKEN}` } })).status, 503);
  await assertLoaderDrawsNothing(edge.url);
});

/** The site's script tag still loads, but the loader it gets draws no launcher (and is not cached). */
async function assertLoaderDrawsNothing(url) {
  const loader = await fetch(`${url}/widget.js`);
  assert.equal(loader.status, 200);
  assert.match(loader.headers.get('content-type'), /javascript/);
  assert.equal(loader.headers.get('cache-control'), 'no-store');
  const body = await loader.text();
  assert.match(body, /not set up yet/);
  assert.doesNotMatch(body, /attachShadow|createElement/);
}
