// Web Push benchmark (figures, not a test), against the local Worker and the push-service
// stand-in: customer webhook → push arrival at the stand-in (p50, p99; each message from a new
// customer, so no push is coalesced away), and in the same run the webhook's own answer time with
// no subscription and with 5 (the pushes run after the answer, so it must not grow).
import { startStack } from '../support/fixtures.mjs';
import { startPushService, makeVapidPrivateKey } from '../support/push-service.mjs';
import { delivery, text } from '../support/meta.mjs';

const RUNS = Number(process.env.PUSH_BENCH_RUNS ?? 100);
const NUMBER = '106540352242922';
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n) => `${n.toFixed(1)} ms`;

const push = await startPushService();
const stack = await startStack({
  vars: { VAPID_PRIVATE_KEY: makeVapidPrivateKey().privateKey, VAPID_SUBJECT: 'mailto:owner@example.com' },
});
const { edge } = stack;
await stack.connect({ id: NUMBER });

let customer = 0;
async function deliver() {
  const from = `1650444${String(customer++).padStart(4, '0')}`;
  const start = performance.now();
  const r = await edge.deliver(delivery(NUMBER, { messages: [text(from, `Hello from ${from}`, Math.floor(Date.now() / 1000))] }));
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
  return { start, answered: performance.now() - start };
}

/** The webhook's answer times; `settle` waits until the delivery's pushes are out, so each
 *  answer is measured alone rather than beside the previous delivery's pushes. */
async function answerTimes(label, settle = async () => {}) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    times.push((await deliver()).answered);
    await settle(i);
    await new Promise((r) => setTimeout(r, 20));
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))} (${RUNS} deliveries)`);
  return times;
}

try {
  console.log('## Web Push');
  for (let i = 0; i < 10; i++) await deliver(); // warm up
  const without = await answerTimes('webhook answer, no subscription:');

  const browsers = Array.from({ length: 5 }, () => push.subscribe());
  for (const b of browsers) {
    const r = await edge.admin('/push/subscriptions', { method: 'POST', body: JSON.stringify(b.toJSON()) });
    if (r.status !== 200) throw new Error(`subscribe: ${r.status}`);
  }
  for (let i = 0; i < 5; i++) { await deliver(); } // warm up the push path
  await push.waitFor(browsers[0].path, 5, 10_000);
  const settled = browsers.map((b) => push.arrivals(b.path).length);
  const withFive = await answerTimes('webhook answer, 5 subscriptions:', async (i) => {
    for (const [n, b] of browsers.entries()) await push.waitFor(b.path, settled[n] + i + 1, 10_000);
  });

  // Webhook → push arrival, one delivery at a time, at the first subscription.
  const arrivals = [];
  for (let i = 0; i < RUNS; i++) {
    const seen = push.arrivals(browsers[0].path).length;
    const { start } = await deliver();
    const [arrival] = (await push.waitFor(browsers[0].path, seen + 1, 10_000)).slice(seen);
    if (arrival.error || !arrival.payload) throw new Error(`bad push: ${arrival.error}`);
    arrivals.push(arrival.at - start);
  }
  arrivals.sort((a, b) => a - b);
  console.log(`${'webhook → push at the stand-in:'.padEnd(34)} p50 ${ms(pct(arrivals, 50))}, p99 ${ms(pct(arrivals, 99))} (${RUNS} pushes, 5 subscriptions)`);
  const growth = pct(withFive, 50) - pct(without, 50);
  console.log(`answer p50 with 5 subscriptions − without: ${growth >= 0 ? '+' : ''}${ms(growth)}`);
} finally {
  await stack.stop();
  await push.close();
}
