// Starts the built Worker in wrangler dev (workerd) on a free 127.0.0.1 port with its own
// fresh KV/D1 state, pointed at a Graph API stand-in. Secrets come from .dev.vars.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHmac } from 'node:crypto';

export const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');

export function devVars() {
  const vars = {};
  for (const line of readFileSync(join(ROOT, '.dev.vars'), 'utf8').split('\n')) {
    const m = line.match(/^(\w+)="?(.*?)"?$/);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** `state`: reuse an existing state folder (kept at stop); otherwise a fresh one is made and removed.
 *  `migrate: false` leaves the fresh D1 database without its tables, so every D1 write fails.
 *  `inspector: true` keeps wrangler's DevTools proxy (for a benchmark that attaches to it and reads
 *  the isolate's heap); otherwise it is off: with nobody attached it keeps every DevTools message
 *  it sees, response bodies included, and a long run dies of it (wrangler 4.86).
 *  `workDelaySeconds`: the work queue holds each item that long before its consumer runs (the
 *  producer's `delivery_delay`, in a copy of wrangler.toml), so a benchmark can tell a request's
 *  CPU from its queue invocations'. `workRetries`: the work queue's `max_retries` (Cloudflare
 *  gives up on an item after that many, into the dead-letter queue). */
export async function startEdge({ graphBase = 'http://127.0.0.1:9', vars = {}, state: existing, migrate = true, inspector = false, workDelaySeconds, workRetries } = {}) {
  const state = existing ?? mkdtempSync(join(tmpdir(), 'switchboard-state-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' };
  if (inspector) delete env.VSCODE_INSPECTOR_OPTIONS;
  else env.VSCODE_INSPECTOR_OPTIONS = '{}';
  const inspectorPort = await freePort();
  if (!existing && migrate) {
    execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], {
      cwd: ROOT, env, stdio: 'pipe',
    });
  }
  const port = await freePort();
  let config = null;
  if (workDelaySeconds || workRetries !== undefined) {
    // Beside wrangler.toml, so that its relative paths hold.
    config = join(ROOT, `wrangler.bench-${port}.toml`);
    let toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
    if (workDelaySeconds) toml = toml.replace('queue = "switchboard-work"\n', `queue = "switchboard-work"\ndelivery_delay = ${workDelaySeconds}\n`);
    if (workRetries !== undefined) toml = toml.replace('max_retries = 100\ndead_letter_queue', `max_retries = ${workRetries}\ndead_letter_queue`);
    writeFileSync(config, toml);
  }
  const args = ['dev', ...(config ? ['--config', config] : []), '--ip', '127.0.0.1', '--port', String(port), '--local', '--persist-to', state,
    '--show-interactive-dev-session=false', '--test-scheduled', '--inspector-port', String(inspectorPort),
    '--var', `GRAPH_API_BASE:${graphBase}`, '--var', 'TRUST_TEST_COUNTRY_HEADER:true'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child = spawn(WRANGLER, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      // Up means the Worker answers: 503 is a deployment that is not set up (some tests want that).
      if (r.status === 200 || r.status === 503) break;
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) {
      try { process.kill(-child.pid); } catch {}
      throw new Error(`wrangler dev did not come up:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const secrets = devVars();
  return {
    url,
    pid: child.pid,
    secrets,
    statePath: state,
    inspectorPort: inspector ? inspectorPort : null,
    /** The pids of the workerd processes serving this edge (for CPU figures from /proc). */
    workerdPids: () => execFileSync('pgrep', ['-g', String(child.pid), 'workerd']).toString().trim().split('\n').filter(Boolean).map(Number),
    log: () => log,
    admin: (path, init = {}) => fetch(`${url}/api/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    }),
    async adminJson(path, init) {
      const r = await this.admin(path, init);
      return { status: r.status, body: await r.json() };
    },
    /** `waId`'s newest conversation, its list row and its detail, once the thread holds at least
     *  `count` messages (a delivery of more than two is stored by the work queue's consumer, one
     *  message per invocation); after 15 s, whatever is there (`detail` null if nothing is). */
    async threadOnceStored(waId, count = 1) {
      let seen = { list: [], detail: null };
      for (let i = 0; i < 150; i++) {
        const { status, body: list } = await this.adminJson(`/conversations?wa_id=${encodeURIComponent(waId)}`);
        if (status === 200 && list.length) {
          seen = { list, detail: (await this.adminJson(`/conversations/${list[0].id}`)).body };
          if (seen.detail.messages.length >= count) break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return seen;
    },
    /** Saves the settings as the console does: the current document with `change` applied,
     *  sent back with the version it was read at (If-Match). */
    async putSettings(change) {
      const read = await this.admin('/settings');
      const current = await read.json();
      const next = typeof change === 'function' ? change(current) : { ...current, ...change };
      return this.adminJson('/settings', { method: 'PUT', headers: { 'if-match': read.headers.get('etag') }, body: JSON.stringify(next) });
    },
    /** POSTs a delivery signed with the app secret, as Meta does. */
    async deliver(payload, { secret = secrets.WHATSAPP_APP_SECRET, raw } = {}) {
      const body = raw ?? JSON.stringify(payload);
      const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
      return fetch(`${url}/webhooks/whatsapp`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      });
    },
    async stopKeepingState() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      await new Promise((r) => setTimeout(r, 300));
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      if (config) rmSync(config, { force: true });
    },
    async stop() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      await new Promise((r) => setTimeout(r, 300));
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      if (!existing) rmSync(state, { recursive: true, force: true });
      if (config) rmSync(config, { force: true });
    },
  };
}
