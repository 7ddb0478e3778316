// A Worker's budgets, measured per request class (printed figures, not tests): 128 MB of memory
// per isolate and, on the free plan, 10 ms of CPU per request.
//
// Method (written down in ARCHITECTURE.md, "Budgets"):
// - CPU: the user+system time of the workerd processes serving the edge, from /proc/<pid>/stat,
//   before and after N requests of one class sent one at a time, divided by N. It includes the
//   runtime's own work (HTTP parsing, the JS glue) and, locally, D1's SQLite (in production D1
//   runs elsewhere and is not the Worker's CPU), so it is an upper bound of what Cloudflare counts.
//   Clock ticks are 10 ms; N is chosen so a class spends seconds, not ticks.
// - Memory: the isolate's wasm memory (GET /api/admin/runtime: it only grows, so it shows anything
//   read whole) and its JS heap after a forced GC (DevTools protocol through wrangler's inspector:
//   HeapProfiler.collectGarbage, Runtime.getHeapUsage), sampled every 2,000 requests of a soak of
//   20,000 mixed requests. A flat line is "about 0 bytes kept per request".
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT } from '../support/edge.mjs';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, mediaMessage } from '../support/meta.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';

const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
const CPU_BUDGET_MS = 10;
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const SOAK = Number(process.env.SOAK_REQUESTS ?? 20_000);
// ONLY=cpu: the CPU table alone (a minute instead of a quarter of an hour), for before/after.
const CPU_ONLY = process.env.ONLY === 'cpu';

// CPU on an edge without wrangler's inspector (attached, it keeps V8's debugger busy); memory on
// one with it, read through the DevTools protocol. The work queue holds items 20 s before its
// consumer runs, so that requests' CPU and their queue invocations' are measured apart.
const WORK_DELAY_SECONDS = 20;
let stack = await startStack({ workDelaySeconds: WORK_DELAY_SECONDS });
let edge = stack.edge;
await stack.connect({ id: NUMBER });
await edge.putSettings({ handoff_enabled: true, default_handoff_number: NUMBER });

// --- the DevTools protocol, through wrangler's inspector proxy (attached for the whole run, so
// the proxy forwards messages instead of keeping them).
async function attach() {
  const targets = await (await fetch(`http://127.0.0.1:${edge.inspectorPort}/json`)).json();
  // The proxy wants an Origin it knows (DevTools sends one; so do we).
  const socket = await openLiveSocket(targets[0].webSocketDebuggerUrl.replace(/^ws:/, 'http:'), { origin: 'http://127.0.0.1' });
  if (socket.status !== 101) throw new Error(`inspector: ${socket.status} ${socket.body}`);
  let id = 0;
  const answers = new Map();
  // One reader for every message: answers are kept by id, events dropped.
  (async () => {
    for (;;) {
      let text;
      try { text = await socket.next(3_600_000); } catch { return; }
      try { const m = JSON.parse(text); if (m.id && !m.method) answers.get(m.id)?.(m); } catch {}
    }
  })();
  /** `null` when the runtime does not answer within `ms`. */
  const call = (method, params = {}, ms = 10_000) => new Promise((res) => {
    const n = ++id;
    const timer = setTimeout(() => { answers.delete(n); res(null); }, ms);
    answers.set(n, (m) => { clearTimeout(timer); answers.delete(n); res(m); });
    socket.send(JSON.stringify({ id: n, method, params }));
  });
  return { call, close: () => socket.end() };
}
let cdp = null;
let gcForced = true;
const heapMiB = async () => {
  // workerd may not answer a forced GC; then the figure is the lowest of five readings 300 ms
  // apart (garbage not collected yet makes single readings jump by tens of MiB).
  if (gcForced && !(await cdp.call('HeapProfiler.collectGarbage', {}, 3_000))) gcForced = false;
  let lowest = Infinity;
  for (let i = 0; i < (gcForced ? 1 : 5); i++) {
    const r = await cdp.call('Runtime.getHeapUsage');
    lowest = Math.min(lowest, r.result.usedSize / 1024 / 1024);
    if (!gcForced) await new Promise((res) => setTimeout(res, 300));
  }
  return lowest;
};
const wasmMiB = async () => (await (await edge.admin('/runtime')).json()).wasm_memory_bytes / 1024 / 1024;

// --- CPU of the workerd processes, in ms.
const cpuMs = () => edge.workerdPids().reduce((sum, pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return sum + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}, 0);

const rows = [];
async function measure(name, runs, fn, { who = 'visitor/Meta' } = {}) {
  for (let i = 0; i < 3; i++) await fn(-1 - i); // warm
  const before = cpuMs();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  // waitUntil work (media fetches, live publishes) is part of the same invocation's CPU.
  await new Promise((r) => setTimeout(r, 300));
  const perRequest = (cpuMs() - before) / runs;
  times.sort((a, b) => a - b);
  rows.push({ name, who, perRequest, p50: times[Math.floor(times.length / 2)] });
  const verdict = who === 'owner' ? 'owner only' : perRequest <= CPU_BUDGET_MS ? 'within 10 ms' : 'OVER 10 ms';
  console.log(`${name.padEnd(46)} ${perRequest.toFixed(2).padStart(7)} ms CPU/request   p50 ${times[Math.floor(times.length / 2)].toFixed(1).padStart(6)} ms   ${verdict}   (${runs} requests)`);
}
const ok = async (r) => { if (!r.ok && r.status !== 101) throw new Error(`HTTP ${r.status} ${await r.text()}`); await r.arrayBuffer(); };

console.log('## CPU per request (workerd process CPU from /proc, one request at a time; locally includes D1\'s SQLite)');
// Timestamps in the past (Meta's may be at most a day ahead of now): five days back, then forward.
const base = Math.floor(Date.now() / 1000) - 5 * 86_400;
let user = 0;
await measure('GET /healthz', 500, async () => ok(await fetch(`${edge.url}/healthz`)));
// Every page view of a site with the tag: the loader with its launcher's words, in one of four
// languages, and as a browser revalidating its kept copy (304).
const pageLanguages = ['pt-BR,pt;q=0.9', 'de-DE', 'ja', 'en-US,en;q=0.9'];
await measure('GET /widget.js (a page view)', 500, async (i) =>
  ok(await fetch(`${edge.url}/widget.js`, { headers: { 'accept-language': pageLanguages[(i + 4) % 4] } })));
const kept = (await fetch(`${edge.url}/widget.js`, { headers: { 'accept-language': 'de-DE' } })).headers.get('etag');
await measure('GET /widget.js, kept by the browser (304)', 500, async () => {
  const r = await fetch(`${edge.url}/widget.js`, { headers: { 'accept-language': 'de-DE', 'if-none-match': kept } });
  if (r.status !== 304) throw new Error(`HTTP ${r.status}`);
});
await measure('webhook, 1 message', 500, async (i) => ok(await edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(user++ % 300).padStart(7, '0')}`, `cpu ${i}`, base + user)] }))));
// Classes whose work goes on after the answer, in the work queue's invocations (a delivery of
// more than two messages: one invocation per message; an image: its fetch). The queue holds
// items WORK_DELAY_SECONDS here: the requests are sent back to back well within that time and
// their CPU is the requests' (waitUntil work included); what follows, until every item's work is
// seen done, is the invocations'.
const inboxTicket = (await edge.adminJson('/live', { method: 'POST', body: '{}' })).body.ticket;
const inbox = await openLiveSocket(`${edge.url}/api/live?ticket=${encodeURIComponent(inboxTicket)}`, { origin: edge.url });
/** Waits until the inbox has heard of `n` more stored messages. */
async function storedMessages(n) {
  for (let got = 0; got < n;) if (JSON.parse(await inbox.next(120_000)).change === 'message') got++;
}
async function measureSplit(name, runs, invocations, send, done) {
  await send(-1); await done(1); // warm
  const start = performance.now();
  const a = cpuMs();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await send(i);
    times.push(performance.now() - t);
  }
  await new Promise((r) => setTimeout(r, 500)); // the requests' waitUntil work
  if (performance.now() - start > (WORK_DELAY_SECONDS - 1) * 1000) throw new Error(`${name}: the requests took longer than the queue's delay`);
  const b = cpuMs();
  await done(runs);
  await new Promise((r) => setTimeout(r, 100)); // the last invocation's own ending
  const request = (b - a) / runs;
  const invocation = (cpuMs() - b) / runs / invocations;
  times.sort((x, y) => x - y);
  const p50 = times[Math.floor(times.length / 2)];
  for (const [part, ms, n] of [['the request', request, runs], [`each queue invocation (${invocations} a run)`, invocation, runs * invocations]]) {
    rows.push({ name: `${name}: ${part}`, who: 'visitor/Meta', perRequest: ms, p50 });
    const verdict = ms <= CPU_BUDGET_MS ? 'within 10 ms' : 'OVER 10 ms';
    console.log(`${`${name}: ${part}`.padEnd(46)} ${ms.toFixed(2).padStart(7)} ms CPU/invocation   ${verdict}   (${n} invocations)`);
  }
}
await measureSplit('webhook, a batch of 10 messages', 60, 10, async () => {
  const messages = Array.from({ length: 10 }, () => text(`1998${String(user++ % 300).padStart(7, '0')}`, 'batch', base + user));
  await ok(await edge.deliver(delivery(NUMBER, { messages })));
}, (runs) => storedMessages(10 * runs));
const image = randomBytes(256 * 1024);
let media = 0;
let downloadsBefore = 0;
await measureSplit('webhook, an image (256 KiB)', 100, 1, async (i) => {
  const id = `97${String(media++).padStart(13, '0')}`;
  stack.graph.addMedia({ id, bytes: image, mime_type: 'image/jpeg', token: TOKEN });
  if (i <= 0) downloadsBefore = stack.graph.media.downloads;
  await ok(await edge.deliver(delivery(NUMBER, { messages: [mediaMessage(`1997${String(media % 300).padStart(7, '0')}`, 'image', { id, mime_type: 'image/jpeg' }, base + 100_000 + media)] })));
}, async (runs) => {
  while (stack.graph.media.downloads < downloadsBefore + runs) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 100)); // the last row marked stored after its download
});
inbox.end();
let ip = 0;
const widget = (path, body, token, client = `203.0.${Math.floor(ip / 250) % 250}.${(ip++ % 250) + 1}`) => fetch(`${edge.url}/api/widget/${path}`, {
  method: 'POST', body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', 'x-test-client-ip': client, ...(token ? { authorization: `Bearer ${token}` } : {}) },
});
await measure('widget: a new visitor\'s session', 300, async () => ok(await widget('session', {})));
const visitors = [];
for (let i = 0; i < 40; i++) visitors.push((await (await widget('session', {})).json()).visitor_token);
await measure('widget: a visitor\'s message', 300, async (i) => ok(await widget('messages', { text: `hello ${i}` }, visitors[(i + 40) % 40])));
const [conversation] = (await edge.adminJson(`/conversations?number=${NUMBER}&limit=1`)).body;
await measure('admin: the inbox list', 300, async () => ok(await edge.admin(`/conversations?limit=50`)), { who: 'owner' });
await measure('admin: a thread', 300, async () => ok(await edge.admin(`/conversations/${conversation.id}`)), { who: 'owner' });
let socketVisitor = 0;
await measure('live: a ticket and a socket connected', 40, async () => {
  const { ticket } = await (await widget('live', {}, visitors[socketVisitor++ % 40], '203.0.200.1')).json();
  const s = await openLiveSocket(`${edge.url}/api/live?ticket=${encodeURIComponent(ticket)}`, { origin: edge.url });
  if (s.status !== 101) throw new Error(`socket ${s.status}`);
  s.end();
});
const messenger = (await edge.adminJson('/conversations?channel=messenger&limit=1')).body[0];
await measure('live: an agent reply pushed to the Messenger', 100, async (i) =>
  ok(await edge.admin(`/conversations/${messenger.id}/messages`, { method: 'POST', body: JSON.stringify({ text: `pushed ${i}` }) })), { who: 'owner' });

if (CPU_ONLY) {
  await stack.stop();
  process.exit(0);
}
console.log('\n## Memory: the isolate\'s wasm memory around one 25 MiB file');
const big = Buffer.alloc(25 * 1024 * 1024 - 4096, 7);
stack.graph.addMedia({ id: '980000000000001', bytes: big, mime_type: 'video/mp4', token: TOKEN });
const wasmBefore = await wasmMiB();
await edge.deliver(delivery(NUMBER, { messages: [mediaMessage('19960000001', 'video', { id: '980000000000001', mime_type: 'video/mp4' }, base + 200_000)] }));
for (let i = 0; i < 600; i++) {
  const [c] = (await edge.adminJson('/conversations?wa_id=19960000001')).body;
  const m = c && (await edge.adminJson(`/conversations/${c.id}`)).body.messages.at(-1);
  if (m?.media?.state === 'stored' || m?.media?.state === 'unavailable') { console.log(`the file: ${m.media.state}${m.media.error ? ` (${m.media.error})` : ''}, ${(m.media.size / 1024 / 1024).toFixed(1)} MiB`); break; }
  await new Promise((r) => setTimeout(r, 100));
}
const wasmAfter = await wasmMiB();
console.log(`wasm memory: ${wasmBefore.toFixed(1)} MiB before, ${wasmAfter.toFixed(1)} MiB after (${(wasmAfter - wasmBefore).toFixed(1)} MiB grown) — goal: within a few MB`);

// The soak, on an edge with the inspector, attached for the whole run (so the proxy forwards
// DevTools messages instead of keeping them). The 25 MiB file above ran without it: wrangler's
// inspector turns every subrequest's body into a base64 DevTools event, which alone takes
// longer than the download.
await stack.stop();
stack = await startStack({ inspector: true });
edge = stack.edge;
await stack.connect({ id: NUMBER });
// Visitors may send 30 messages a minute: the soak's 2,000 go to 400 visitors, 5 each.
visitors.length = 0;
for (let i = 0; i < 400; i++) visitors.push((await (await widget('session', {})).json()).visitor_token);
await edge.deliver(delivery(NUMBER, { messages: [text('19930000001', 'a thread to read', base)] }));
const [soakConversation] = (await edge.adminJson('/conversations?limit=1')).body;
cdp = await attach();

console.log(`\n## Soak: ${SOAK} mixed requests (webhooks, widget calls, admin reads, an image every 200), heap after GC and wasm memory every ${SOAK / 10}`);
const samples = [];
const sample = async (n) => {
  const heap = await heapMiB();
  const wasm = await wasmMiB();
  samples.push({ n, heap, wasm });
  console.log(`after ${String(n).padStart(6)} requests: JS heap ${heap.toFixed(2)} MiB${gcForced ? ' (after a forced GC)' : ' (lowest of 5 readings)'}, wasm memory ${wasm.toFixed(1)} MiB`);
};
await sample(0);
const soakStart = performance.now();
let done = 0;
const one = async (i) => {
  switch (i % 10) {
    case 0: case 1: case 2: case 3:
      return ok(await edge.deliver(delivery(NUMBER, { messages: [text(`1995${String(i % 500).padStart(7, '0')}`, `soak ${i}`, base + 300_000 + i)] })));
    case 4: return ok(await fetch(`${edge.url}/healthz`));
    case 5: return ok(await widget('messages', { text: `soak ${i}` }, visitors[Math.floor(i / 10) % 400]));
    case 6: return ok(await edge.admin('/conversations?limit=50'));
    case 7: return ok(await edge.admin(`/conversations/${soakConversation.id}`));
    case 8: {
      if (i % 200 !== 8) return ok(await fetch(`${edge.url}/healthz`));
      const id = `99${String(i).padStart(13, '0')}`;
      stack.graph.addMedia({ id, bytes: image, mime_type: 'image/jpeg', token: TOKEN });
      return ok(await edge.deliver(delivery(NUMBER, { messages: [mediaMessage(`1994${String(i % 100).padStart(7, '0')}`, 'image', { id, mime_type: 'image/jpeg' }, base + 400_000 + i)] })));
    }
    default: return ok(await widget('session', {}));
  }
};
const step = SOAK / 10;
for (let chunk = 0; chunk < 10; chunk++) {
  let next = chunk * step;
  const end = next + step;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < end) { await one(next++); done++; } }));
  await sample(done);
}
const first = samples[1];
const last = samples.at(-1);
console.log(`${SOAK} requests in ${((performance.now() - soakStart) / 1000).toFixed(0)} s; from the first sample to the last: JS heap ${(last.heap - first.heap >= 0 ? '+' : '')}${((last.heap - first.heap) * 1024).toFixed(0)} KiB (${(((last.heap - first.heap) * 1024 * 1024) / (last.n - first.n)).toFixed(1)} bytes kept per request), wasm memory ${(last.wasm - first.wasm >= 0 ? '+' : '')}${(last.wasm - first.wasm).toFixed(1)} MiB`);

console.log('\n## KPI report at 100k conversations (owner only), computed anew');
cdp.close();
await stack.restart(async (state) => {
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_d1.py'), state, NUMBER, '100000', '1', '10000000'], { stdio: 'inherit' });
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_kpis.py'), state], { stdio: 'inherit' });
});
edge = stack.edge;
cdp = await attach();
await measure('admin: KPI report, 90 days, 100k conversations', 5, async () => ok(await edge.admin('/kpis?days=90&fresh=1')), { who: 'owner' });
await measure('admin: KPI report, 90 days, kept (within a minute)', 100, async () => ok(await edge.admin('/kpis?days=90')), { who: 'owner' });

console.log('\n## Summary');
for (const r of rows) {
  console.log(`${r.name.padEnd(50)} ${r.perRequest.toFixed(2).padStart(7)} ms   ${r.who === 'owner' ? '(owner: paid plan if over 10 ms)' : r.perRequest <= CPU_BUDGET_MS ? 'free plan' : 'OVER the free plan'}`);
}
cdp.close();
await stack.stop();
process.exit(0); // a socket the DevTools proxy or the inbox left half-open must not keep the run alive
