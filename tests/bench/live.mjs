// Live-conversation benchmarks (printed figures, not tests), in one run beside polling:
// requests an open Messenger makes per idle minute with its socket and with sockets refused (the
// fallback); agent reply → visible in the Messenger, p50/p99; and 1,000 Messenger sockets held
// on local workerd while replies are broadcast at 10/s — delivered count and workerd memory.
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';
import { visitor } from '../support/visitor.mjs';

const IDLE_MS = Number(process.env.LIVE_IDLE_MS ?? 60_000);
const SOCKETS = Number(process.env.LIVE_SOCKETS ?? 1000);
const HOLD_MS = Number(process.env.LIVE_HOLD_MS ?? 60_000);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const stack = await startStack();
const { edge } = stack;
const { body: settings } = await edge.adminJson('/settings');
await edge.putSettings({ ...settings, greeting: 'Hi!' });
const browser = await launchBrowser();

/** Opens the Messenger, says hello, returns the page, its request log and its conversation. */
async function messenger({ refuseSockets = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(performance.now()); });
  if (refuseSockets) await page.route('**/api/widget/live', (r) => r.fulfill({ status: 403, body: '{"error":"blocked"}', contentType: 'application/json' }));
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByText('Hi!').waitFor();
  const input = page.getByLabel('Message', { exact: true });
  const hello = `hello ${Math.random()}`;
  await input.fill(hello);
  await input.press('Enter');
  await page.locator('.sb-visitor:not(.sb-pending)', { hasText: hello }).waitFor();
  const list = (await edge.adminJson('/conversations?channel=messenger&limit=500')).body;
  const conversation = list.find((c) => c.last_message_at && c.message_count === 1) ?? list[0];
  return { context, page, requests, conversation: conversation.id };
}

console.log('## Live conversations (local workerd)');
const perMinute = async (label, options) => {
  const m = await messenger(options);
  await sleep(3000); // settle: connection and its catch-up read
  const from = m.requests.length;
  await sleep(IDLE_MS);
  const n = m.requests.length - from;
  console.log(`${label.padEnd(52)} ${(n * 60_000 / IDLE_MS).toFixed(1)} requests per idle minute`);
  return m;
};
const live = await perMinute('open Messenger, live socket (ping every 45 s)');
const fallback = await perMinute('open Messenger, sockets refused (fallback every 12 s)', { refuseSockets: true });
console.log(`${'open Messenger, the polling client this replaces'.padEnd(52)} 20.0 requests per idle minute (every 3 s)`);

async function replyLatency(m, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = `reply ${i} ${Math.random()}`;
    const start = performance.now();
    const r = await edge.adminJson(`/conversations/${m.conversation}/messages`, { method: 'POST', body: JSON.stringify({ text: t }) });
    if (r.status !== 201) throw new Error(`reply: ${r.status}`);
    await m.page.locator('.sb-business', { hasText: t }).waitFor({ timeout: 30_000 });
    times.push(performance.now() - start);
  }
  return times;
}
const liveTimes = await replyLatency(live, 50);
console.log(`agent reply → visible, live socket:  p50 ${pct(liveTimes, 50).toFixed(0)} ms   p99 ${pct(liveTimes, 99).toFixed(0)} ms   (50 replies; includes the admin API call)`);
const pollTimes = await replyLatency(fallback, 5);
console.log(`agent reply → visible, fallback:     p50 ${pct(pollTimes, 50).toFixed(0)} ms   max ${Math.max(...pollTimes).toFixed(0)} ms   (5 replies)`);
await live.context.close();
await fallback.context.close();
await browser.close();

// 1,000 Messenger sockets, each in its own visitor room, as many conversations.
/** Resident memory of this stack's workerd processes (descendants of its wrangler), MiB. */
const workerdRss = () => {
  const children = (pid) => {
    try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean); } catch { return []; }
  };
  const all = [];
  const walk = (pid) => { for (const c of children(pid)) { all.push(c); walk(c); } };
  walk(edge.pid);
  return all.reduce((kb, pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+workerd/m.test(status)) return kb;
      return kb + Number(status.match(/VmRSS:\s+(\d+)/)[1]);
    } catch { return kb; }
  }, 0) / 1024;
};
console.log(`\nworkerd memory before the sockets: ${workerdRss().toFixed(0)} MiB`);
const setupStart = performance.now();
const rooms = [];
for (let start = 0; start < SOCKETS; start += 50) {
  await Promise.all(Array.from({ length: Math.min(50, SOCKETS - start) }, async () => {
    const v = visitor(edge);
    await v.session();
    const ticket = (await v.liveTicket()).body.ticket;
    const socket = await openLiveSocket(`${edge.url}/api/live?ticket=${encodeURIComponent(ticket)}`, { origin: edge.url });
    if (socket.status !== 101) throw new Error(`socket: ${socket.status}`);
    // The visitor's first message is pushed to their own room: it names their conversation.
    if ((await v.say('hi')).status !== 201) throw new Error('visitor message refused');
    const first = JSON.parse(await socket.next(10_000));
    const room = { socket, conversation: first.conversation_id, received: 0 };
    (async () => { for (;;) { try { await socket.next(HOLD_MS + 60_000); room.received++; } catch { return; } } })();
    rooms.push(room);
  }));
}
console.log(`${rooms.length} Messenger sockets (one visitor room each) open in ${((performance.now() - setupStart) / 1000).toFixed(1)} s; workerd memory: ${workerdRss().toFixed(0)} MiB`);
let sent = 0;
const mem = [];
const holdStart = performance.now();
while (performance.now() - holdStart < HOLD_MS) {
  const tick = performance.now();
  await Promise.all(Array.from({ length: 10 }, async () => {
    const room = rooms[Math.floor(Math.random() * rooms.length)];
    const r = await edge.adminJson(`/conversations/${room.conversation}/messages`, { method: 'POST', body: JSON.stringify({ text: 'broadcast' }) });
    if (r.status === 201) sent++;
  }));
  mem.push(workerdRss());
  await sleep(Math.max(0, 1000 - (performance.now() - tick)));
}
// Publishing follows each answer (waitUntil): give the last ones time to land.
const countDelivered = () => rooms.reduce((n, r) => n + r.received, 0);
for (let waited = 0; waited < 20_000 && countDelivered() < sent; waited += 500) await sleep(500);
const delivered = countDelivered();
const open = rooms.filter((r) => r.socket.closed.code === null).length;
console.log(`held for ${(HOLD_MS / 1000).toFixed(0)} s, replies aimed at 10/s (10 concurrent per second) to random visitors: ${sent} sent, ${delivered} delivered (${sent ? ((100 * delivered) / sent).toFixed(1) : 0} %), ${open} of ${rooms.length} sockets still open`);
console.log(`workerd memory while holding: max ${Math.max(...mem).toFixed(0)} MiB, at the end ${mem.at(-1).toFixed(0)} MiB`);
for (const r of rooms) r.socket.end();
await stack.stop();
