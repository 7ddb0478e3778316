// Where a signed webhook's time goes, from a CPU profile of the isolate (printed, not a test):
// V8's sampling profiler through wrangler's inspector while 1,000 one-message deliveries arrive,
// 8 at a time; self time grouped by function (wasm functions carry their Rust names), and by
// kind — our wasm, the JS glue between wasm and the runtime, the runtime's own builtins.
// Run: node tests/bench/profile-webhook.mjs [deliveries] [single|batch|image]
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, mediaMessage } from '../support/meta.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';

const NUMBER = '106540352242922';
const RUNS = Number(process.argv[2] ?? 1000);
const KIND = process.argv[3] ?? 'single';
const INTERVAL_US = Number(process.env.PROFILE_INTERVAL_US ?? 100);
const stack = await startStack({ inspector: true });
const { edge } = stack;
await stack.connect({ id: NUMBER });

const targets = await (await fetch(`http://127.0.0.1:${edge.inspectorPort}/json`)).json();
const socket = await openLiveSocket(targets[0].webSocketDebuggerUrl.replace(/^ws:/, 'http:'), { origin: 'http://127.0.0.1' });
let id = 0;
const call = async (method, params = {}) => {
  const n = ++id;
  socket.send(JSON.stringify({ id: n, method, params }));
  for (;;) {
    const m = JSON.parse(await socket.next(60_000));
    if (m.id === n) return m;
  }
};

const base = Math.floor(Date.now() / 1000) - 86_400;
const image = Buffer.alloc(256 * 1024, 3);
let media = 0;
const send = async (i) => {
  if (KIND === 'batch') {
    return edge.deliver(delivery(NUMBER, { messages: Array.from({ length: 10 }, (_, k) => text(`1998${String((i * 10 + k) % 300).padStart(7, '0')}`, `batch ${i}`, base + 1000 + i)) }));
  }
  if (KIND === 'image') {
    const id = `97${String(media++).padStart(13, '0')}`;
    stack.graph.addMedia({ id, bytes: image, mime_type: 'image/jpeg', token: `EAAG${NUMBER}secret` });
    return edge.deliver(delivery(NUMBER, { messages: [mediaMessage(`1997${String(media % 300).padStart(7, '0')}`, 'image', { id, mime_type: 'image/jpeg' }, base + 2000 + media)] }));
  }
  return edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(i % 200).padStart(7, '0')}`, `profile ${i}`, base + i)] }));
};
for (let i = 0; i < 50; i++) await (await send(-1 - i)).arrayBuffer(); // warm
await call('Profiler.enable');
await call('Profiler.setSamplingInterval', { interval: INTERVAL_US });
await call('Profiler.start');
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: 8 }, async () => { while (next < RUNS) { const i = next++; await (await send(i)).arrayBuffer(); } }));
if (KIND === 'image') while (stack.graph.media.downloads < RUNS) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - started) / 1000;
const { result } = await call('Profiler.stop');
const profile = result.profile;

const total = profile.samples.length;
const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const selfCount = new Map();
for (const sample of profile.samples) selfCount.set(sample, (selfCount.get(sample) ?? 0) + 1);
const byFunction = new Map();
const byKind = new Map();
const kindOf = (f) => {
  if (f.functionName === '(idle)' || f.functionName === '(program)' || f.functionName === '(garbage collector)') return f.functionName;
  if (f.url?.includes('.wasm') || /wasm-function|^\$?_?ZN|::/.test(f.functionName)) return 'our wasm (Rust)';
  if (f.url?.includes('index.js') || f.url?.includes('shim')) return 'JS glue (wasm-bindgen, worker shim)';
  if (!f.url) return 'runtime builtins (native)';
  return `other JS (${f.url.split('/').pop()})`;
};
for (const [nodeId, count] of selfCount) {
  const f = byNode.get(nodeId).callFrame;
  const name = (f.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
  const kind = kindOf(f);
  byKind.set(kind, (byKind.get(kind) ?? 0) + count);
}
const busy = total - (byKind.get('(idle)') ?? 0);
const what = { single: 'one-message webhooks', batch: 'webhooks of 10 messages', image: 'webhooks of an image (256 KiB), with their fetch into R2' }[KIND];
console.log(`## CPU profile of ${RUNS} ${what}, 8 at a time (${(RUNS / seconds).toFixed(0)} req/s under the profiler), ${total} samples, ${busy} not idle`);
console.log('\nby kind (share of the busy samples):');
for (const [k, c] of [...byKind].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1])) console.log(`  ${(100 * c / busy).toFixed(1).padStart(5)} %  ${k}`);
console.log('\ntop functions by self time (share of the busy samples):');
for (const [name, c] of [...byFunction].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(100 * c / busy).toFixed(1).padStart(5)} %  ${name.slice(0, 110)}`);
socket.end();
await stack.stop();
