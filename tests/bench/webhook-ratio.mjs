// Signed webhook throughput beside /healthz (printed figures, not a test): the same figures as
// the first section of run.mjs, on an empty D1, without the rest of the benchmark.
// Run: node tests/bench/webhook-ratio.mjs [rounds] [--seeded: with 100k messages in D1 first]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/edge.mjs';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const stack = await startStack();
await stack.connect({ id: NUMBER });
if (process.argv.includes('--seeded')) {
  await stack.restart(async (state) => {
    execFileSync('python3', [join(ROOT, 'tests/bench/seed_d1.py'), state, NUMBER, '10000', '10'], { stdio: 'inherit' });
  });
}
const { edge } = stack;
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
for (let round = 0; round < Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2); round++) {
  const health = await load('GET /healthz', 1000, () => fetch(`${edge.url}/healthz`));
  const plain = await load('POST /webhooks/whatsapp (1 message)', 1000, (i) =>
    edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(user++ % 200).padStart(7, '0')}`, `bench ${i}`, base + user)] })));
  console.log(`signed webhook / healthz throughput: ${(plain / health).toFixed(2)}`);
}
await stack.stop();
