// The Messenger's own figures (not tests), with their budgets: the loader's and the Messenger's
// gzip sizes, click → Messenger mounted in headless chromium with a cold HTTP cache (a fresh
// browser context per run, as in run.mjs) and on a second page view (the files kept), and the widget's main-thread time on the host page:
// the renderer's TaskDuration/ScriptDuration (CDP Performance.getMetrics) on the demo page with
// its one script tag minus the same page without it, at the load event and 2 s later (once any
// idle warming has run). Then, when Lighthouse is installed, its own figure for the same page:
// bootup-time's rows for the widget's scripts (mobile and desktop presets).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT } from '../support/edge.mjs';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser } from '../support/browser.mjs';

const RUNS = Number(process.env.RUNS ?? 15);
const ONLY = process.env.ONLY; // 'open', 'main-thread' or 'lighthouse': one section only
const gzip = (f) => gzipSync(readFileSync(join(ROOT, f)), { level: 9 }).length;
const LOADER_BUDGET = 1536;
const MESSENGER = ['static/widget/pkg/switchboard_widget_bg.wasm', 'static/widget/pkg/switchboard_widget.js'];
const MESSENGER_BUDGET_KIB = 120;
const OPEN_BUDGET_MS = 100;
const MAIN_THREAD_BUDGET_MS = 20;
const verdict = (ok) => (ok ? 'met' : 'OVER');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log('## Messenger sizes');
const messenger = MESSENGER.reduce((n, f) => n + gzip(f), 0) / 1024;
console.log(`Messenger wasm + JS: ${messenger.toFixed(1)} KiB gzip — budget ${MESSENGER_BUDGET_KIB} KiB: ${verdict(messenger <= MESSENGER_BUDGET_KIB)}`);
if (existsSync(join(ROOT, 'static/widget/messenger.css'))) {
  console.log(`Messenger stylesheet: ${gzip('static/widget/messenger.css')} B gzip (fetched beside the wasm)`);
}

const stack = await startStack();
await stack.connect({ id: '106540352242922' });
const { url } = stack.edge;
// The loader as the edge serves it: its code with the launcher's words in the language the
// request's Accept-Language picks (edge/src/visitor/loader.rs), so its size depends on the language.
const served = [];
for (const lang of readdirSync(join(ROOT, 'static/widget/i18n')).map((f) => f.replace('.json', ''))) {
  const body = Buffer.from(await (await fetch(`${url}/widget.js`, { headers: { 'accept-language': lang } })).arrayBuffer());
  served.push({ lang, bytes: gzipSync(body, { level: 9 }).length });
}
served.sort((a, b) => a.bytes - b.bytes);
const largest = served.at(-1);
console.log(`loader /widget.js as served, with its words: ${served[0].bytes} B (${served[0].lang}) to ${largest.bytes} B (${largest.lang}) gzip` +
  ` — budget ${LOADER_BUDGET} B (1.5 KiB): ${verdict(largest.bytes <= LOADER_BUDGET)}   (en ${served.find((l) => l.lang === 'en').bytes} B; code alone ${gzip('static/widget.js')} B)`);
const browser = await launchBrowser();
const TAG = '<script src="/widget.js" async></script>';

if (!ONLY || ONLY === 'open') console.log(`\n## Messenger load in headless chromium (median of ${RUNS} runs)`);
// Two clocks: from just before Playwright's click() (the figure run.mjs has always printed; it
// includes Playwright's own actionability checks, tens of ms here), and from the click event itself.
// Each run opens it on a first page view (a fresh browser context: cold cache), then on a second
// page view in the same context (a visitor's next page: the Messenger's files kept by the browser).
const clocks = { cold: { open: [], fromEvent: [] }, warm: { open: [], fromEvent: [] } };
const openOn = async (page, into) => {
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await page.locator('.sb-launcher').waitFor();
  const clicked = await page.evaluate(() => {
    addEventListener('click', (e) => { window.benchClick ??= e.timeStamp; }, true);
    return performance.now();
  });
  await page.locator('.sb-launcher').click();
  await page.waitForFunction(() => performance.getEntriesByName('switchboard:messenger-mounted').length > 0);
  const mounted = await page.evaluate(() => performance.getEntriesByName('switchboard:messenger-mounted')[0].startTime);
  into.open.push(mounted - clicked);
  into.fromEvent.push(mounted - await page.evaluate(() => window.benchClick));
};
for (let i = 0; (!ONLY || ONLY === 'open') && i < RUNS; i++) {
  const context = await browser.newContext();
  await openOn(await context.newPage(), clocks.cold);
  await openOn(await context.newPage(), clocks.warm);
  await context.close();
}
for (const [view, { open, fromEvent }] of ONLY && ONLY !== 'open' ? [] : Object.entries(clocks)) {
  for (const [label, xs] of [['click() called', open], ['click event   ', fromEvent]]) {
    const ms = median(xs);
    console.log(`${view} cache, ${label} → Messenger mounted: ${ms.toFixed(1)} ms — budget ${OPEN_BUDGET_MS} ms: ` +
      `${verdict(ms <= OPEN_BUDGET_MS)}   (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`);
  }
}

// Main-thread time: the demo page as the edge serves it (same headers) without its one script tag,
// with it, and with it serving an empty script (what any script tag costs), alternating, each in a
// fresh context.
const metrics = async (cdp) => {
  const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000 };
};
const samples = { plain: { load: [], idle: [] }, host: { load: [], idle: [] }, empty: { load: [], idle: [] } };
for (let i = 0; (!ONLY || ONLY === 'main-thread') && i < RUNS; i++) {
  for (const kind of ['plain', 'host', 'empty']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(`${url}/`, async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({ response, body: kind === 'plain' ? body.replace(TAG, '') : body });
    });
    if (kind === 'empty') await page.route(`${url}/widget.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
    else await page.route(`${url}/widget.js`, (route) => route.continue());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = await metrics(cdp);
    await page.goto(`${url}/`, { waitUntil: 'load' });
    const atLoad = await metrics(cdp);
    await page.waitForTimeout(2000);
    const idle = await metrics(cdp);
    samples[kind].load.push({ task: atLoad.task - before.task, script: atLoad.script - before.script });
    samples[kind].idle.push({ task: idle.task - before.task, script: idle.script - before.script });
    await context.close();
  }
}
const m = (xs, k) => median(xs.map((x) => x[k]));
for (const phase of ONLY && ONLY !== 'main-thread' ? [] : ['load', 'idle']) {
  const task = m(samples.host[phase], 'task') - m(samples.plain[phase], 'task');
  const script = m(samples.host[phase], 'script') - m(samples.plain[phase], 'script');
  const label = phase === 'load' ? 'until the load event' : 'until 2 s after load';
  console.log(`widget main-thread time ${label}: ${task.toFixed(1)} ms tasks (${script.toFixed(1)} ms script) — ` +
    `budget ${MAIN_THREAD_BUDGET_MS} ms: ${verdict(task <= MAIN_THREAD_BUDGET_MS)}` +
    `   (page without the tag ${m(samples.plain[phase], 'task').toFixed(1)} ms, with ${m(samples.host[phase], 'task').toFixed(1)} ms,` +
    ` with an empty script ${m(samples.empty[phase], 'task').toFixed(1)} ms)`);
}
await browser.close();
if (!ONLY || ONLY === 'lighthouse') lighthouse();
await stack.stop();

// Lighthouse's "main-thread figure for the widget": bootup-time's rows for our URLs (the loader,
// the Messenger's module and wasm), on the demo page, under its mobile (simulated 4x CPU: the
// observed time is multiplied by 4) and desktop presets, one run each (LH_RUNS for more, median).
// Not a dependency (about 100 MB): LIGHTHOUSE=/path/to/lighthouse/bin, or an installed one that
// `npx --no-install lighthouse` finds.
function lighthouse() {
  console.log('\n## Lighthouse bootup-time for the widget on the demo page');
  const bin = process.env.LIGHTHOUSE ? [process.env.LIGHTHOUSE] : ['npx', '--no-install', 'lighthouse'];
  try {
    execFileSync(bin[0], [...bin.slice(1), '--version'], { stdio: 'pipe' });
  } catch {
    console.log('skipped: lighthouse not installed (install it outside the repository, e.g. ' +
      '`mkdir -p /tmp/lh && cd /tmp/lh && npm init -y && npm i lighthouse@12.8.2`, ' +
      'then LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse node tests/bench/messenger.mjs)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-lh-'));
  const audits = { onlyAudits: ['bootup-time'] };
  const presets = {
    mobile: audits,
    desktop: { ...audits, formFactor: 'desktop', emulatedUserAgent: false,
      screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
      throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1, requestLatencyMs: 0, downloadThroughputKbps: 0, uploadThroughputKbps: 0 } },
  };
  const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const ours = `${url}/widget`; // the loader, /widget.js, and everything under /widget/
  const widget = (u) => u === `${ours}.js` || u.startsWith(`${ours}/`);
  for (const [preset, settings] of Object.entries(presets)) {
    const config = join(dir, `${preset}.json`);
    writeFileSync(config, JSON.stringify({ extends: 'lighthouse:default', settings,
      audits: [{ path: 'bootup-time', options: { thresholdInMs: 0 } }] }));
    const runs = [];
    for (let i = 0; i < Number(process.env.LH_RUNS ?? 1); i++) {
      const out = join(dir, `${preset}-${i}.json`);
      execFileSync(bin[0], [...bin.slice(1), `${url}/`, `--config-path=${config}`, '--output=json', `--output-path=${out}`,
        '--quiet', '--chrome-flags=--headless=new --no-sandbox --disable-gpu'], { stdio: 'pipe', env: { ...process.env, CHROME_PATH: chrome } });
      const rows = JSON.parse(readFileSync(out, 'utf8')).audits['bootup-time'].details.items.filter((r) => widget(r.url));
      runs.push({ rows, total: rows.reduce((n, r) => n + r.total, 0), scripting: rows.reduce((n, r) => n + r.scripting, 0) });
    }
    const mid = [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
    for (const r of mid.rows) {
      console.log(`  ${preset} ${new URL(r.url).pathname}: ${r.total.toFixed(1)} ms (${r.scripting.toFixed(1)} ms scripting, ${r.scriptParseCompile.toFixed(1)} ms parse/compile)`);
    }
    console.log(`${preset}: widget's main-thread time ${mid.total.toFixed(1)} ms (${mid.scripting.toFixed(1)} ms scripting) — ` +
      `budget ${MAIN_THREAD_BUDGET_MS} ms: ${verdict(mid.total <= MAIN_THREAD_BUDGET_MS)}` +
      (runs.length > 1 ? `   (median of ${runs.length}; totals ${runs.map((r) => r.total.toFixed(1)).join(', ')})` : ''));
  }
  rmSync(dir, { recursive: true, force: true });
}
