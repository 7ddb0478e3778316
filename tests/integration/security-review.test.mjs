// What the security review found, each tried the way an attacker would: the console's pages carry
// a strict CSP; a media URL that points away from Meta never gets the number's token; refused
// uploads leave nothing in R2 and the cron sweeps what a dead isolate left; a file is what its
// bytes say; one IPv6 /64 is one client; a live ticket opens one socket and a room has a cap;
// Meta's delivery-level errors and `played` are kept; a whole-settings PUT is never blind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../support/fixtures.mjs';
import { delivery, mediaMessage, text, status } from '../support/meta.mjs';
import { visitor, codeFromLink } from '../support/visitor.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
let stack, edge;
before(async () => {
  stack = await startStack({ vars: { MEDIA_ORPHAN_GRACE_SECONDS: '0' } });
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  assert.equal((await edge.putSettings({ handoff_enabled: true, default_handoff_number: NUMBER })).status, 200);
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const r2Keys = () => JSON.parse(execFileSync('python3', [join(ROOT, 'tests/support/r2_keys.py'), edge.statePath]).toString());
const upload = (v, bytes, type, name = 'photo.png') => fetch(`${edge.url}/api/widget/attachments`, {
  method: 'POST', body: bytes,
  headers: { authorization: `Bearer ${v.token}`, 'content-type': type, 'x-filename': encodeURIComponent(name), 'x-test-client-ip': '198.51.77.1' },
});

test('every console response carries a strict CSP and the framing, referrer and permissions headers', async () => {
  const paths = ['/console/', '/console/index.html', '/console/console.css', '/console/boot.js',
    '/console/pkg/switchboard_console.js', '/console/pkg/switchboard_console_bg.wasm',
    // A page's address (no file: the Worker answers it with the console's page).
    '/console/numbers/106540352242922', '/console/inbox'];
  for (const path of paths) {
    const r = await fetch(`${edge.url}${path}`);
    assert.equal(r.status, 200, path);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, path);
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'none'"]) {
      assert.ok(csp.includes(directive), `${path}: ${directive}`);
    }
    const scripts = csp.split(';').find((d) => d.trim().startsWith('script-src'));
    assert.doesNotMatch(scripts, /blob:|data:|unsafe-inline|\*/, `${path}: no blob:, data:, inline or wildcard script`);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(r.headers.get('referrer-policy'), 'same-origin', path);
    assert.match(r.headers.get('permissions-policy') ?? '', /camera=\(\)/, path);
  }
  const page = await (await fetch(`${edge.url}/console/`)).text();
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in the console page');
  // The demo page has its own.
  assert.match((await fetch(`${edge.url}/`)).headers.get('content-security-policy') ?? '', /object-src 'none'/);
});

test('a media URL that points away from Meta is refused for good, and that server never sees the token', async () => {
  const elsewhere = stack.graph.elsewhere;
  stack.graph.addMedia({ id: '930000000000001', bytes: PNG, mime_type: 'image/png', token: TOKEN, url: `${elsewhere.base}/steal?mid=1` });
  stack.graph.addMedia({ id: '930000000000002', bytes: PNG, mime_type: 'image/png', token: TOKEN, redirect: `${elsewhere.base}/hop?mid=2` });
  await edge.deliver(delivery(NUMBER, { messages: [
    mediaMessage('15145550901', 'image', { id: '930000000000001', mime_type: 'image/png' }, now() - 2),
    mediaMessage('15145550901', 'image', { id: '930000000000002', mime_type: 'image/png' }, now() - 1),
  ] }));
  let media = [];
  for (let i = 0; i < 80 && media.filter((m) => m?.state === 'unavailable').length < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const [c] = (await edge.adminJson('/conversations?wa_id=15145550901')).body;
    if (c) media = (await edge.adminJson(`/conversations/${c.id}`)).body.messages.map((m) => m.media);
  }
  assert.deepEqual(media.map((m) => m.state), ['unavailable', 'unavailable'], 'a permanent failure, not retried');
  assert.match(media[0].error, /rather than Meta's media host/);
  assert.match(media[1].error, /redirected to http:\/\/127\.0\.0\.1:\d+: not followed/);
  assert.equal(elsewhere.requests.length, 0, 'nothing was fetched there at all');
  assert.ok(!elsewhere.requests.some((r) => r.authorization), 'and never with the bearer');
});

test('a visitor file is what its bytes say: a page declared as a PNG is refused in the visitor\'s words, and leaves nothing in R2', async () => {
  const v = visitor(edge);
  await v.session();
  const before = r2Keys();
  const forged = await upload(v, Buffer.from('<html><script>parent.pwned=1</script></html>'), 'image/png');
  assert.equal(forged.status, 400);
  assert.match((await forged.json()).error, /not the picture or PDF it says it is/);
  const svg = await upload(v, Buffer.from('%PDF-1.4 but actually'), 'image/jpeg');
  assert.equal(svg.status, 400);
  assert.deepEqual(r2Keys(), before, 'nothing written for a refused file');
  // The genuine file goes through, its name cleaned for the agent.
  const ok = await upload(v, PNG, 'image/png', 'invoice.pdf\u202Egnp.exe');
  assert.equal(ok.status, 201, await ok.clone().text());
  const shown = await ok.json();
  assert.equal(shown.attachment.filename, 'invoice_pdfgnp_exe.png');
  assert.equal(r2Keys().length, before.length + 1);
});

test('an upload after the conversation moved to WhatsApp is refused before anything is written', async () => {
  const v = visitor(edge);
  await v.session();
  await v.say('Can I send the receipt on WhatsApp?');
  const code = codeFromLink((await v.handoff()).body.wa_link);
  const claimed = await edge.deliver(delivery(NUMBER, { messages: [text('15145550902', `continue (ref ${code})`, now())] }));
  assert.equal((await claimed.json()).handoffs, 1);
  const before = r2Keys();
  const late = await upload(v, PNG, 'image/png');
  assert.equal(late.status, 409);
  assert.deepEqual(r2Keys(), before, 'no R2 object for a refused upload');
});

test('an agent\'s repeated attachment (same client key) writes no second file', async () => {
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550903', 'send the label please', now())] }));
  const [c] = (await edge.adminJson('/conversations?wa_id=15145550903')).body;
  const attach = () => edge.admin(`/conversations/${c.id}/attachments`, {
    method: 'POST', body: PNG, headers: { 'content-type': 'image/png', 'x-filename': 'label.png', 'x-client-key': 'click-1' },
  });
  assert.equal((await attach()).status, 201);
  const after1 = r2Keys();
  const again = await attach();
  assert.equal(again.status, 200, 'answered with the stored one');
  assert.deepEqual(r2Keys(), after1);
});

test('the cron sweeps R2 files that no row references, and keeps every referenced one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orphan-'));
  writeFileSync(join(dir, 'orphan.png'), PNG);
  execFileSync(join(ROOT, 'node_modules/.bin/wrangler'), ['r2', 'object', 'put', 'switchboard-media/media/msg_orphanedbyadeadisolate',
    '--file', join(dir, 'orphan.png'), '--local', '--persist-to', edge.statePath], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, CI: '1' } });
  const before = r2Keys();
  assert.ok(before.includes('media/msg_orphanedbyadeadisolate'));
  const run = await fetch(`${edge.url}/__scheduled?cron=*+*+*+*+*`);
  assert.equal(run.status, 200);
  const after = r2Keys();
  assert.ok(!after.includes('media/msg_orphanedbyadeadisolate'), 'the orphan is gone');
  assert.deepEqual(after, before.filter((k) => k !== 'media/msg_orphanedbyadeadisolate'), 'everything referenced stays');
});

test('one IPv6 /64 is one client: sessions from many addresses in it share a limit', async () => {
  const session = (ip) => fetch(`${edge.url}/api/widget/session`, {
    method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-test-client-ip': ip },
  });
  const statuses = [];
  for (let i = 1; i <= 21; i++) statuses.push((await session(`2001:db8:aa:bb:${i.toString(16)}::${i}`)).status);
  assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200));
  assert.equal(statuses[20], 429, 'the 21st new visitor from the same /64 waits');
  assert.equal((await session('2001:db8:aa:bc::1')).status, 200, 'the next /64 is another client');
});

test('a live ticket opens one socket; a visitor\'s room holds at most 8', async () => {
  const v = visitor(edge, { ip: '198.51.78.1' });
  await v.session();
  const liveUrl = (t) => `${edge.url}/api/live?ticket=${encodeURIComponent(t)}`;
  const ticket = (await v.liveTicket()).body.ticket;
  const first = await openLiveSocket(liveUrl(ticket), { origin: edge.url });
  assert.equal(first.status, 101);
  const again = await openLiveSocket(liveUrl(ticket), { origin: edge.url });
  assert.equal(again.status, 401, 'a used ticket is refused');
  assert.match(again.body, /used/);
  const sockets = [first];
  for (let i = 0; i < 7; i++) {
    const s = await openLiveSocket(liveUrl((await v.liveTicket()).body.ticket), { origin: edge.url });
    assert.equal(s.status, 101, `socket ${i + 2}`);
    sockets.push(s);
  }
  const ninth = await openLiveSocket(liveUrl((await v.liveTicket()).body.ticket), { origin: edge.url });
  assert.equal(ninth.status, 429, 'the room is full');
  sockets.forEach((s) => s.end());
});

test('errors Meta reports for a delivery show on the Webhook page; "played" is a status', async () => {
  const r = await edge.deliver({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: NUMBER },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    } }] }],
  });
  assert.equal(r.status, 200);
  const wiring = (await edge.adminJson('/webhook')).body;
  assert.equal(wiring.meta_errors.length, 1);
  assert.equal(wiring.meta_errors[0].code, 131051);
  assert.equal(wiring.meta_errors[0].details, 'Message type is currently not supported.');
  assert.equal(wiring.meta_errors[0].phone_number_id, NUMBER);

  await edge.deliver(delivery(NUMBER, { messages: [text('15145550904', 'voice note please', now())] }));
  const [c] = (await edge.adminJson('/conversations?wa_id=15145550904')).body;
  const sent = (await edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Here it is' }) })).body;
  const notUnderstood = (await edge.adminJson('/not-understood')).body.length;
  await edge.deliver(delivery(NUMBER, { statuses: [status(sent.wamid, 'read', now() + 1, '15145550904'), status(sent.wamid, 'played', now() + 2, '15145550904')] }));
  assert.equal((await edge.adminJson('/not-understood')).body.length, notUnderstood, 'nothing kept aside');
  const thread = (await edge.adminJson(`/conversations/${c.id}`)).body;
  assert.equal(thread.messages.find((m) => m.id === sent.id).status, 'played');
});

test('a whole-settings PUT without If-Match is refused with 428 and the version to send', async () => {
  const read = await edge.admin('/settings');
  const current = await read.json();
  const blind = await edge.adminJson('/settings', { method: 'PUT', body: JSON.stringify({ ...current, greeting: 'blind write' }) });
  assert.equal(blind.status, 428);
  assert.equal(`"${blind.body.current_version}"`, read.headers.get('etag'));
  assert.match(blind.body.error, /If-Match/);
  assert.notEqual((await edge.adminJson('/settings')).body.greeting, 'blind write', 'nothing was overwritten');
  assert.equal((await edge.putSettings({ greeting: 'with its version' })).status, 200);
});
