// Inbound WhatsApp media: fetched after the webhook is answered, as the Cloud API requires
// (metadata with the number's token, then the short-lived URL with the same bearer), kept in R2,
// and served to the console only — pictures inline, anything else as a download, never as a
// page of ours. A redelivery fetches nothing; a failed fetch says why and Retry works; an
// oversized file is refused with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startStack } from '../support/fixtures.mjs';
import { delivery, mediaMessage } from '../support/meta.mjs';

const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** The message carrying `mediaId`, once its media reached `state` (polls the thread). */
async function mediaMessageWhen(waId, mediaId, wanted) {
  for (let i = 0; i < 60; i++) {
    const [c] = (await edge.adminJson(`/conversations?wa_id=${waId}`)).body;
    if (c) {
      const { body } = await edge.adminJson(`/conversations/${c.id}`);
      const m = body.messages.find((x) => JSON.stringify(x.content ?? {}).includes(mediaId));
      if (m && wanted(m.media)) return m;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`media ${mediaId} never reached the state wanted`);
}

test('an image: Meta gets its 200 at once; the bytes land in R2 with Meta\'s sha256; a redelivery fetches nothing', async () => {
  const bytes = randomBytes(70_000);
  stack.graph.addMedia({ id: '900000000000001', bytes, mime_type: 'image/jpeg', token: TOKEN });
  const payload = delivery(NUMBER, { messages: [mediaMessage('15145550401', 'image', { id: '900000000000001', mime_type: 'image/jpeg', sha256: sha(bytes), caption: 'Broken leg' }, now())] });
  const r = await edge.deliver(payload);
  assert.equal(r.status, 200);
  const m = await mediaMessageWhen('15145550401', '900000000000001', (x) => x?.state === 'stored');
  assert.equal(m.media.mime_type, 'image/jpeg');
  assert.equal(m.media.size, bytes.length);
  const file = await edge.admin(`/media/${m.id}`);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'image/jpeg');
  assert.match(file.headers.get('content-disposition'), /^inline;/);
  assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
  assert.match(file.headers.get('content-security-policy'), /sandbox/);
  assert.equal(sha(Buffer.from(await file.arrayBuffer())), sha(bytes), 'byte-identical');
  // Only the signed-in console.
  assert.equal((await fetch(`${edge.url}/api/admin/media/${m.id}`)).status, 401);
  // Byte ranges, as players ask.
  const part = await edge.admin(`/media/${m.id}`, { headers: { range: 'bytes=0-9' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 0-9/${bytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(0, 10));
  assert.equal((await edge.admin(`/media/${m.id}`, { headers: { range: `bytes=${bytes.length}-` } })).status, 416);

  const fetched = { ...stack.graph.media };
  assert.equal((await edge.deliver(payload)).status, 200);
  await new Promise((res) => setTimeout(res, 800));
  assert.equal(stack.graph.media.metadata, fetched.metadata, 'no metadata call for a redelivery');
  assert.equal(stack.graph.media.downloads, fetched.downloads);
});

test('an expired URL: the file waits with the reason; Retry fetches it', async () => {
  const bytes = randomBytes(5_000);
  stack.graph.addMedia({ id: '900000000000002', bytes, mime_type: 'audio/ogg', token: TOKEN });
  stack.graph.expireMediaUrls(true);
  await edge.deliver(delivery(NUMBER, { messages: [mediaMessage('15145550402', 'audio', { id: '900000000000002', mime_type: 'audio/ogg; codecs=opus', voice: true }, now())] }));
  const m = await mediaMessageWhen('15145550402', '900000000000002', (x) => x?.state === 'pending' && x.error);
  assert.match(m.media.error, /expired/);
  assert.equal((await edge.admin(`/media/${m.id}`)).status, 404);
  stack.graph.expireMediaUrls(false);
  const retry = await edge.adminJson(`/media/${m.id}/retry`, { method: 'POST', body: '{}' });
  assert.equal(retry.status, 200);
  assert.equal(retry.body.state, 'stored');
  const file = await edge.admin(`/media/${m.id}`);
  assert.equal(file.headers.get('content-type'), 'audio/ogg');
  assert.equal(sha(Buffer.from(await file.arrayBuffer())), sha(bytes));
  assert.equal((await edge.adminJson(`/media/${m.id}/retry`, { method: 'POST', body: '{}' })).status, 409, 'nothing to retry once stored');
});

test('an oversized document is refused with a reason; the message is kept', async () => {
  const big = Buffer.alloc(26 * 1024 * 1024, 7);
  stack.graph.addMedia({ id: '900000000000003', bytes: big, mime_type: 'application/pdf', token: TOKEN });
  const downloads = stack.graph.media.downloads;
  await edge.deliver(delivery(NUMBER, { messages: [mediaMessage('15145550403', 'document', { id: '900000000000003', mime_type: 'application/pdf', filename: 'catalogue.pdf' }, now())] }));
  const m = await mediaMessageWhen('15145550403', '900000000000003', (x) => x?.state === 'unavailable');
  assert.match(m.media.error, /over 25 MiB/);
  assert.equal(stack.graph.media.downloads, downloads, 'refused on Meta\'s declared size, not downloaded');
});

test('an SVG "image" or HTML named .jpg downloads as octet-stream, never renders', async () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  stack.graph.addMedia({ id: '900000000000004', bytes: svg, mime_type: 'image/svg+xml', token: TOKEN });
  await edge.deliver(delivery(NUMBER, { messages: [mediaMessage('15145550404', 'document', { id: '900000000000004', mime_type: 'image/svg+xml', filename: 'photo".jpg' }, now())] }));
  const m = await mediaMessageWhen('15145550404', '900000000000004', (x) => x?.state === 'stored');
  const file = await edge.admin(`/media/${m.id}`);
  assert.equal(file.headers.get('content-type'), 'application/octet-stream');
  assert.match(file.headers.get('content-disposition'), /^attachment; filename="photo_.jpg"/);
});

test('an agent sends a file: kept, uploaded to WhatsApp and sent by media id; outside the window it says why; a failed send retries', async () => {
  const waId = '15145550405';
  await edge.deliver(delivery(NUMBER, { messages: [{ from: waId, id: `wamid.att${Date.now()}`, timestamp: String(now()), type: 'text', text: { body: 'Send me the manual?' } }] }));
  const [c] = (await edge.adminJson(`/conversations?wa_id=${waId}`)).body;
  const pdf = Buffer.from('%PDF-1.4\n% manual\n' + 'x'.repeat(5000));
  const attach = (body, type, headers = {}) => edge.admin(`/conversations/${c.id}/attachments`, {
    method: 'POST', body, headers: { 'content-type': type, 'x-filename': encodeURIComponent('Manual (EN).pdf'), 'x-caption': encodeURIComponent('Here it is'), ...headers },
  });
  const r = await attach(pdf, 'application/pdf');
  assert.equal(r.status, 201, await r.clone().text());
  const sent = await r.json();
  assert.equal(sent.status, 'sent');
  assert.equal(sent.media.state, 'stored');
  const upload = stack.graph.media.uploads.at(-1);
  assert.equal(upload.mime_type, 'application/pdf');
  assert.deepEqual(upload.bytes, pdf, 'uploaded byte-identical');
  const message = stack.graph.sent.at(-1);
  assert.equal(message.type, 'document');
  assert.equal(message.document.id, upload.id);
  assert.equal(message.document.caption, 'Here it is');
  assert.equal(message.document.filename, 'Manual (EN).pdf');
  const kept = await edge.admin(`/media/${sent.id}`);
  assert.deepEqual(Buffer.from(await kept.arrayBuffer()), pdf, 'kept in R2 too');

  assert.equal((await attach('<html>', 'text/html')).status, 400);

  stack.graph.failSends({ status: 400, message: '(#131030) Recipient phone number not in allowed list', code: 131030 });
  const failed = await attach(pdf, 'application/pdf');
  assert.equal(failed.status, 502);
  const f = await failed.json();
  assert.equal(f.status, 'failed');
  stack.graph.failSends(null);
  const retried = await edge.adminJson(`/conversations/${c.id}/messages/${f.id}/retry`, { method: 'POST', body: '{}' });
  assert.equal(retried.status, 200, JSON.stringify(retried.body));
  assert.equal(retried.body.status, 'sent');
  assert.equal(stack.graph.sent.at(-1).type, 'document');

  // Outside the 24-hour window: refused with the reason.
  const old = '15145550406';
  await edge.deliver(delivery(NUMBER, { messages: [{ from: old, id: `wamid.old${Date.now()}`, timestamp: String(now() - 2 * 86_400), type: 'text', text: { body: 'old' } }] }));
  const [o] = (await edge.adminJson(`/conversations?wa_id=${old}`)).body;
  const late = await edge.admin(`/conversations/${o.id}/attachments`, { method: 'POST', body: pdf, headers: { 'content-type': 'application/pdf' } });
  assert.equal(late.status, 409);
  assert.match((await late.json()).error, /24 hours/);
});
