// Media benchmark (printed figures): webhook acknowledgement time for a delivery carrying an
// image next to a text delivery, in the same run — the file is fetched after the answer, so it
// must not add to it — and how long until the image is in R2.
import { randomBytes } from 'node:crypto';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, mediaMessage } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
const RUNS = Number(process.env.MEDIA_RUNS ?? 300);
const CONCURRENCY = Number(process.env.MEDIA_CONCURRENCY ?? 1);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

const stack = await startStack();
const { edge, graph } = stack;
await stack.connect({ id: NUMBER });
const image = randomBytes(1024 * 1024);
for (let i = 0; i < RUNS; i++) graph.addMedia({ id: `95${String(i).padStart(13, '0')}`, bytes: image, mime_type: 'image/jpeg', token: TOKEN });

async function run(label, make) {
  const times = [];
  let next = 0;
  const worker = async () => {
    while (next < RUNS) {
      const i = next++;
      const t = performance.now();
      const r = await edge.deliver(make(i));
      if (r.status !== 200) throw new Error(`${label}: ${r.status}`);
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(`${label.padEnd(40)} p50 ${pct(times, 50).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms   (${RUNS} deliveries, ${CONCURRENCY} concurrent, ${((performance.now() - start) / 1000).toFixed(1)} s)`);
}

console.log('## Media: webhook acknowledgement, local workerd');
const base = Math.floor(Date.now() / 1000) - 3600;
await run('text message', (i) => delivery(NUMBER, { messages: [text(`1997${String(i % 100).padStart(7, '0')}`, `hello ${i}`, base + i)] }));
const startFetch = performance.now();
await run('image message (1 MiB, fetched after)', (i) => delivery(NUMBER, { messages: [mediaMessage(`1996${String(i % 100).padStart(7, '0')}`, 'image', { id: `95${String(i).padStart(13, '0')}`, mime_type: 'image/jpeg' }, base + 1000 + i)] }));
// How long until every image is in R2 (fetched in waitUntil after each answer).
for (;;) {
  if (graph.media.downloads >= RUNS) break;
  if (performance.now() - startFetch > 120_000) break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`all ${graph.media.downloads} of ${RUNS} images fetched and stored ${((performance.now() - startFetch) / 1000).toFixed(1)} s after the first delivery`);

// The same, one at a time and each after the previous file is stored: the answer alone, with no
// earlier fetch competing for this machine's two cores.
const spaced = [];
for (let i = 0; i < Math.min(RUNS, 50); i++) {
  const id = `96${String(i).padStart(13, '0')}`;
  graph.addMedia({ id, bytes: image, mime_type: 'image/jpeg', token: TOKEN });
  const before = graph.media.downloads;
  const t = performance.now();
  const r = await edge.deliver(delivery(NUMBER, { messages: [mediaMessage(`1995${String(i).padStart(7, '0')}`, 'image', { id, mime_type: 'image/jpeg' }, base + 5000 + i)] }));
  await r.arrayBuffer();
  spaced.push(performance.now() - t);
  while (graph.media.downloads === before) await new Promise((res) => setTimeout(res, 5));
  await new Promise((res) => setTimeout(res, 100)); // its R2 write and D1 update
}
console.log(`${'image message, each after the last is stored'.padEnd(40)} p50 ${pct(spaced, 50).toFixed(1)} ms   p99 ${pct(spaced, 99).toFixed(1)} ms   (${spaced.length} deliveries)`);
await stack.stop();
