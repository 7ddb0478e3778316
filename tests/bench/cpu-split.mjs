// Where a request class's process CPU goes, by native symbol (a printed figure, not a test):
// `perf record` samples the workerd processes while one class runs one request at a time, and
// the samples are grouped: SQLite's own functions (D1's and R2's local engine), the runtime's
// plumbing (workerd, KJ, Cap'n Proto RPC, tcmalloc), V8's runtime/GC/compiler, JS in the
// interpreter and builtins, optimised JS and wasm ([JIT]), the kernel. Locally D1 and R2 are
// objects in the same process, so this says how much is SQLite, not how much is our Worker's.
// Needs `perf` (apt install linux-perf) and perf_event access; skipped otherwise.
// Usage: node tests/bench/cpu-split.mjs [batch|one|image] [requests]
// A batch (more than two messages) and an image include their work-queue invocations: the
// profile is of the whole process.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, mediaMessage } from '../support/meta.mjs';

if (spawnSync('perf', ['--version']).status !== 0) {
  console.log('skipped: perf is not installed (apt install linux-perf)');
  process.exit(0);
}
const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
const which = process.argv[2] ?? 'batch';
const runs = Number(process.argv[3] ?? 150);
const stack = await startStack();
const { edge } = stack;
await stack.connect({ id: NUMBER });
const base = Math.floor(Date.now() / 1000) - 86_400;
let user = 0, media = 0;
const image = randomBytes(256 * 1024);
const classes = {
  one: async (i) => (await edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(user++ % 300).padStart(7, '0')}`, `cpu ${i}`, base + user)] }))).arrayBuffer(),
  batch: async () => (await edge.deliver(delivery(NUMBER, { messages: Array.from({ length: 10 }, () => text(`1998${String(user++ % 300).padStart(7, '0')}`, 'batch', base + user)) }))).arrayBuffer(),
  image: async () => {
    const id = `97${String(media++).padStart(13, '0')}`;
    stack.graph.addMedia({ id, bytes: image, mime_type: 'image/jpeg', token: TOKEN });
    const before = stack.graph.media.downloads;
    await (await edge.deliver(delivery(NUMBER, { messages: [mediaMessage(`1997${String(media % 300).padStart(7, '0')}`, 'image', { id, mime_type: 'image/jpeg' }, base + 100_000 + media)] }))).arrayBuffer();
    while (stack.graph.media.downloads === before) await new Promise((r) => setTimeout(r, 5));
  },
};
if (!classes[which]) throw new Error(`no class ${which}: one of ${Object.keys(classes)}`);
for (let i = 0; i < 3; i++) await classes[which](i);
const data = `/tmp/switchboard-cpu-split-${process.pid}.data`;
const perf = spawn('perf', ['record', '-F', '2000', '-o', data, '-p', edge.workerdPids().join(',')], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
for (let i = 0; i < runs; i++) await classes[which](i);
await new Promise((r) => setTimeout(r, 300));
perf.kill('SIGINT');
await new Promise((r) => perf.on('exit', r));
await stack.stop();

const report = spawnSync('perf', ['report', '-i', data, '--sort', 'dso,sym', '--stdio'], { encoding: 'utf8', maxBuffer: 256 << 20 });
const groups = {};
for (const line of report.stdout.split('\n')) {
  const m = line.match(/^\s*([\d.]+)%\s+(.+?)\s+\[.\]\s+(.*)$/);
  if (!m) continue;
  const [, pct, dso, sym] = m;
  const group = dso.startsWith('[kernel') ? 'kernel (I/O, scheduling)'
    : dso.startsWith('[JIT]') ? 'optimised JS and wasm'
    : /sqlite3|Vdbe/i.test(sym) ? 'SQLite (local D1/R2 engine)'
    : sym.startsWith('Builtins_') ? 'JS: interpreter and builtins'
    : /v8::|v8_/.test(sym) ? "V8's runtime, GC, compiler"
    : dso.startsWith('lib') ? 'libc and other libraries'
    : "runtime plumbing (workerd, KJ, Cap'n Proto, tcmalloc)";
  groups[group] = (groups[group] ?? 0) + Number(pct);
}
console.log(`## Where "${which}" spends the workerd process's CPU (${runs} requests, perf at 2 kHz)`);
for (const [group, pct] of Object.entries(groups).sort((a, b) => b[1] - a[1])) console.log(`${pct.toFixed(1).padStart(6)} %  ${group}`);
