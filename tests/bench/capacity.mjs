// The highest sustained delivery rate one local edge takes before the p99 of Meta's wait passes
// one second (printed figures, not a test). Open loop: one-message signed deliveries are sent at
// a fixed rate for 10 s whatever the answers do, as Meta would send them; the rate doubles until
// p99 passes 1 s or a delivery fails. On this machine workerd, D1's SQLite and this script
// share two cores, so the figure is a floor for one deployment, not a ceiling.
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const SECONDS = Number(process.env.CAPACITY_SECONDS ?? 10);
const stack = await startStack();
const { edge } = stack;
await stack.connect({ id: NUMBER });
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

let user = 0;
const base = Math.floor(Date.now() / 1000) - 86_400;
console.log(`## Capacity: one-message webhooks at a fixed rate, ${SECONDS} s each (open loop)`);
let best = 0;
// Rates 25, 50, 100… then, past the last good one, in steps of a fifth.
const rates = [];
for (let rate = 25; rate <= 3200; rate *= 2) rates.push(rate);
for (let i = 0; i < rates.length; i++) {
  const rate = rates[i];
  const times = [];
  let failed = 0;
  const inflight = [];
  const start = performance.now();
  const total = rate * SECONDS;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    inflight.push(edge.deliver(delivery(NUMBER, { messages: [text(`1990${String(user++ % 1000).padStart(7, '0')}`, `rate ${rate}`, base + user)] }))
      .then(async (r) => { await r.arrayBuffer(); if (r.status !== 200) failed++; times.push(performance.now() - t); })
      .catch(() => { failed++; }));
  }
  await Promise.all(inflight);
  const achieved = total / ((performance.now() - start) / 1000);
  const p99 = pct(times, 99);
  console.log(`offered ${String(rate).padStart(5)}/s  achieved ${achieved.toFixed(0).padStart(5)}/s  p50 ${pct(times, 50).toFixed(0).padStart(5)} ms  p99 ${p99.toFixed(0).padStart(6)} ms  failed ${failed}`);
  if (p99 > 1000 || failed > 0) {
    // Refine once between the last good rate and this one.
    if (best && !rates.refined) {
      rates.refined = true;
      rates.splice(i + 1, rates.length, ...[1.2, 1.4, 1.6, 1.8].map((f) => Math.round(best * f)).filter((r) => r < rate));
      continue;
    }
    break;
  }
  best = Math.max(best, rate);
}
console.log(`highest sustained rate with p99 under 1 s: ${best} deliveries/s (one message each)`);
await stack.stop();
