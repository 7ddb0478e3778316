// Benchmarks with printed figures (not tests): bundle sizes, Messenger load time in headless
// chromium against a plain page, and signed webhook deliveries against the local Worker beside
// its trivial /healthz, before and after D1 holds 100k messages.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/edge.mjs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { delivery, text } from '../support/meta.mjs';

const gzipKiB = (...files) =>
  files.reduce((n, f) => n + gzipSync(readFileSync(join(ROOT, f)), { level: 9 }).length, 0) / 1024;
const size = (...files) => {
  const raw = files.reduce((n, f) => n + readFileSync(join(ROOT, f)).length, 0);
  return `${(raw / 1024).toFixed(1)} KiB raw, ${gzipKiB(...files).toFixed(1)} KiB gzip`;
};
const MESSENGER = ['static/widget/pkg/switchboard_widget_bg.wasm', 'static/widget/pkg/switchboard_widget.js'];
const MESSENGER_BUDGET_KIB = 120;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

console.log('## Sizes');
console.log(`edge worker wasm:        ${size('edge/build/index_bg.wasm')}`);
console.log(`loader widget.js:        ${size('static/widget.js')}`);
console.log(`Messenger wasm + JS:     ${size(...MESSENGER)} — budget ${MESSENGER_BUDGET_KIB} KiB: ` +
  (gzipKiB(...MESSENGER) <= MESSENGER_BUDGET_KIB ? 'met' : 'OVER (see ARCHITECTURE.md, "The Messenger\'s weight")'));
// Each visitor downloads the loader, one language file and (on opening) the Messenger.
{
  const { readdirSync } = await import('node:fs');
  const languages = readdirSync(join(ROOT, 'static/widget/i18n')).filter((f) => f.endsWith('.json')).sort();
  const messenger = gzipKiB(...MESSENGER, 'static/widget/messenger.css');
  console.log('language files (each visitor downloads one; Messenger + CSS + loader + it, gzip):');
  for (const f of languages) {
    const file = `static/widget/i18n/${f}`;
    const total = messenger + gzipKiB('static/widget.js', file);
    console.log(`  ${f.padEnd(11)} ${size(file)} → ${total.toFixed(1)} KiB in all`);
  }
}
console.log(`console wasm + JS + CSS: ${size('static/console/pkg/switchboard_console_bg.wasm', 'static/console/pkg/switchboard_console.js', 'static/console/console.css')}`);

const stack = await startStack();
let edge = stack.edge;
const NUMBER = '106540352242922';
await stack.connect({ id: NUMBER });

async function load(name, runs, fn) {
  const times = [];
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < runs) {
      const i = next++;
      const t = performance.now();
      const r = await fn(i);
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const rate = runs / seconds;
  console.log(`${name.padEnd(44)} ${rate.toFixed(0).padStart(5)} req/s   p50 ${pct(times, 50).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms   (${runs} requests, 8 concurrent)`);
  return rate;
}

let user = 0;
const webhookRound = async (label) => {
  console.log(`\n## Local Worker (wrangler dev / workerd), ${label}`);
  const health = await load('GET /healthz', 1000, () => fetch(`${edge.url}/healthz`));
  const base = Math.floor(Date.now() / 1000) - 30 * 86_400;
  const plain = await load('POST /webhooks/whatsapp (1 message)', 1000, (i) =>
    edge.deliver(delivery(NUMBER, { messages: [text(`1999${String(user++ % 200).padStart(7, '0')}`, `bench ${i}`, base + i)] })));
  // A message that looks like it carries a handoff code (none matches): pays for the claim batch.
  const coded = await load('POST /webhooks/whatsapp (1 message, a code)', 500, (i) =>
    edge.deliver(delivery(NUMBER, { messages: [text(`1998${String(user++ % 200).padStart(7, '0')}`, `ref SB-${String(i).padStart(4, '0')}-ZZZZ`, base + 2000 + i)] })));
  console.log(`signed webhook / healthz throughput: ${(plain / health).toFixed(2)} (a message with a code: ${(coded / health).toFixed(2)})`);
  console.log('D1 round trips per delivery of one message: 2 (context read, one write batch); +1 (claim batch) when its text holds a code-like string; KV reads: 2 (settings, numbers)');
};

await webhookRound('empty D1');

// Seed D1 with 100k messages in 10k conversations, straight into the local SQLite file while the
// Worker is stopped (wrangler d1 execute takes minutes for this), then start it again on that state.
const seedStart = performance.now();
await stack.restart(async (state) => {
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_d1.py'), state, NUMBER, '10000', '10'], { stdio: 'inherit' });
});
console.log(`\n(seeded 100,000 messages in 10,000 conversations and restarted in ${((performance.now() - seedStart) / 1000).toFixed(1)} s)`);
edge = stack.edge;
await webhookRound('D1 holding 100k messages');

// Reads at 100k conversations / 1M messages: one customer's 5,000-message thread, and the inbox's
// search by customer, both of which used to grow with history.
const growStart = performance.now();
await stack.restart(async (state) => {
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_d1.py'), state, NUMBER, '89999', '11', '10000'], { stdio: 'inherit' });
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_d1.py'), state, NUMBER, '1', '5000', '99999'], { stdio: 'inherit' });
});
console.log(`(grew D1 to 100k conversations / 1M messages and restarted in ${((performance.now() - growStart) / 1000).toFixed(1)} s)`);
edge = stack.edge;
console.log('\n## Reads at 100k conversations / 1M messages');
const big = 'seed_c99999';
await load('open a 5,000-message thread (newest 100)', 300, () => edge.admin(`/conversations/${big}`));
const firstPage = await (await edge.admin(`/conversations/${big}`)).json();
await load('its next older page (?before=)', 300, () => edge.admin(`/conversations/${big}?before=${firstPage.older}`));
await load('search a customer (?wa_id=)', 300, (i) => edge.admin(`/conversations?wa_id=1888${String((i * 337) % 100000).padStart(7, '0')}`));
await load('inbox list, one number (?number=)', 300, () => edge.admin(`/conversations?number=${NUMBER}&limit=50`));
console.log('query plans (SQLite, on the same file):');
console.log(execFileSync('python3', [join(ROOT, 'tests/bench/explain.py'), edge.statePath]).toString().trimEnd());

// KPIs at the same size: the 100k conversations spread over the last 90 days, with surveys.
await stack.restart(async (state) => {
  execFileSync('python3', [join(ROOT, 'tests/bench/seed_kpis.py'), state], { stdio: 'inherit' });
});
edge = stack.edge;
console.log('\n## KPIs at 100k conversations / 1M messages (GET /api/admin/kpis, with and without the reset)');
console.log('(computed in D1 — the without-reset merge and the medians by window functions — and kept for a minute)');
for (const days of [7, 30, 90]) {
  const cold = [];
  let opened = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const sample = await (await edge.admin(`/kpis?days=${days}&fresh=1`)).json();
    cold.push(performance.now() - t);
    opened = sample.rows.find((r) => r.scope === 'project').with_reset.conversations_opened;
  }
  cold.sort((a, b) => a - b);
  console.log(`KPIs, last ${days} days (${opened} conversations): computed anew in ${cold[1].toFixed(0)} ms (median of 3, one at a time)`);
  await load(`KPIs, last ${days} days, 8 readers at once`, 40, () => edge.admin(`/kpis?days=${days}`));
  await load(`KPIs, last ${days} days, fresh=1, 8 at once`, 16, () => edge.admin(`/kpis?days=${days}&fresh=1`));
}

console.log('\n## Messenger load in headless chromium (median of 15 runs)');
const browser = await launchBrowser();
// The baseline is the demo page itself without its one script tag.
const plainHtml = readFileSync(join(ROOT, 'static/index.html'), 'utf8').replace('<script src="/widget.js" async></script>', '');
const samples = { plain: [], host: [], plainDcl: [], hostDcl: [], launcher: [], open: [] };
for (let i = 0; i < 15; i++) {
  const context = await browser.newContext();
  // When the launcher is on the page (the loader marks nothing on the host page's timeline).
  await context.addInitScript(() => new MutationObserver((_, seen) => {
    if (document.getElementById('switchboard-messenger')) { window.benchLauncher = performance.now(); seen.disconnect(); }
  }).observe(document, { childList: true, subtree: true }));
  const page = await context.newPage();
  await page.route(`${edge.url}/bench-plain`, (route) => route.fulfill({ contentType: 'text/html', body: plainHtml }));
  await page.goto(`${edge.url}/bench-plain`, { waitUntil: 'load' });
  samples.plain.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  samples.plainDcl.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd));
  await page.goto(`${edge.url}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.benchLauncher);
  samples.host.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  samples.hostDcl.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd));
  samples.launcher.push(await page.evaluate(() => window.benchLauncher -
    performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/widget.js').responseEnd));
  const clicked = await page.evaluate(() => performance.now());
  await page.locator('.sb-launcher').click();
  await page.waitForFunction(() => performance.getEntriesByName('switchboard:messenger-mounted').length > 0);
  samples.open.push(await page.evaluate((c) => performance.getEntriesByName('switchboard:messenger-mounted')[0].startTime - c, clicked));
  await context.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`demo page without the tag: DOMContentLoaded ${median(samples.plainDcl).toFixed(1)} ms, load ${median(samples.plain).toFixed(1)} ms`);
console.log(`demo page with the tag:    DOMContentLoaded ${median(samples.hostDcl).toFixed(1)} ms, load ${median(samples.host).toFixed(1)} ms`);
console.log(`loader arrived → launcher on the page: ${median(samples.launcher).toFixed(2)} ms`);
console.log(`click → Messenger mounted (wasm cold): ${median(samples.open).toFixed(1)} ms`);
await browser.close();
await stack.stop();
