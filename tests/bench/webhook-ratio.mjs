// Signed webhook throughput beside /healthz (printed figures, not a test): the same figures as
// the first section of run.mjs, on an empty D1, without the rest of the benchmark.
// Run: node tests/bench/webhook-ratio.mjs [rounds]
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const stack = await startStack();
const { edge } = stack;
await stack.connect({ id: NUMBER });
const pct = (s, p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
async function load(name, runs, fn) {
  const times = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < runs) {
      const i = next++;
      const t = performance.now();
      const r = await fn(i);
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
  }));
  const rate = runs / ((performance.now() - start) / 1000);
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${rate.toFixed(0).padStart(5)} req/s   p50 ${pct(times, 50).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms`);
  return rate;
}
let user = 0;
const base = Math.floor(Date.now() / 1000) - 30 * 86_400;
for (let round = 0; round < Number(process.argv[2] ?? 2); round++) {
  const health = await load('GET /healthz', 1000, () => fetch(`${edge.url}/healthz`));
  const plain = await load('POST /webhooks/whatsapp (1 message)', 1000, (i) =>
    edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(user++ % 200).padStart(7, '0')}`, `bench ${i}`, base + user)] })));
  console.log(`signed webhook / healthz throughput: ${(plain / health).toFixed(2)}`);
}
await stack.stop();
