// A local stand-in for Meta's Graph API (WhatsApp Cloud API), for tests only.
// It speaks the real paths, request bodies and response shapes, including Graph's
// error object ({ error: { message, type, code, error_subcode, fbtrace_id } }).
// Tests seed it and read what the edge sent through /_standin/* control routes.
//
// Run alone for local development: node tests/support/graph-standin.mjs [port]
import http from 'node:http';
import { randomBytes, createHash } from 'node:crypto';

const trace = () => 'A' + randomBytes(8).toString('base64url');

function graphError(status, message, type, code, subcode) {
  const error = { message, type, code, fbtrace_id: trace() };
  if (subcode) error.error_subcode = subcode;
  return { status, body: { error } };
}

const badToken = () =>
  graphError(401, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190);
const noObject = (id) =>
  graphError(400, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`, 'GraphMethodException', 100, 33);

/** The Turnstile secret the stand-in's siteverify accepts (tests give the edge the same). */
export const TURNSTILE_SECRET = '0x4AAAAAAA-standin-secret';

/** The parts of a multipart/form-data body: { name, filename, contentType, body: Buffer }. */
function multipart(buffer, contentType) {
  const boundary = contentType.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let start = buffer.indexOf(delimiter);
  while (start !== -1) {
    const next = buffer.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = buffer.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after, before
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const head = part.subarray(0, split).toString();
      parts.push({
        name: head.match(/name="([^"]*)"/)?.[1],
        filename: head.match(/filename="([^"]*)"/)?.[1],
        contentType: head.match(/content-type:\s*([^\r\n]+)/i)?.[1],
        body: part.subarray(split + 4),
      });
    }
    start = next;
  }
  return parts;
}

export async function startGraphStandin(port = 0) {
  const numbers = new Map(); // phone_number_id -> { token, waba_id, info, profile }
  const sent = [];
  const receipts = [];
  let beforeAnswer = null;
  const turnstileUsed = new Set();
  let answerDelayMs = 0;
  let failSends = null; // { status, message, code } while set
  // Media, as Meta keeps it: id -> { bytes, mime_type, token (whose number may read it), filename }.
  const media = new Map();
  const mediaLog = { metadata: 0, downloads: 0, uploads: [] };
  let mediaUrlsExpired = false;
  let failMediaCalls = 0; // the next n metadata calls answer 500
  let base = '';

  const handlers = {
    async GET(path, query, token) {
      const [version, id, edge] = path;
      if (!/^v\d+\.\d+$/.test(version ?? '')) return graphError(400, 'Unknown path components', 'OAuthException', 2500);
      if (edge === 'message_templates') {
        const number = [...numbers.values()].find((n) => n.waba_id === id);
        if (!number) return noObject(id);
        if (number.token !== token) return badToken();
        return { status: 200, body: { data: number.templates, paging: { cursors: { before: 'b', after: 'a' } } } };
      }
      if (!edge && media.has(id)) {
        // GET /<version>/<media id>: the metadata with a short-lived URL that needs the same bearer.
        mediaLog.metadata++;
        if (failMediaCalls > 0) { failMediaCalls--; return graphError(500, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException', 2); }
        const m = media.get(id);
        if (m.token !== token) return badToken();
        return { status: 200, body: {
          messaging_product: 'whatsapp', id, mime_type: m.mime_type, file_size: m.bytes.length,
          sha256: createHash('sha256').update(m.bytes).digest('hex'),
          url: m.url ?? `${base}/_lookaside/whatsapp_business/attachments/?mid=${id}&ext=${Date.now() + 300_000}&hash=${randomBytes(6).toString('hex')}`,
        } };
      }
      const number = numbers.get(id);
      if (!number) return token ? noObject(id) : badToken();
      if (number.token !== token) return badToken();
      if (!edge) {
        const fields = (query.get('fields') ?? 'display_phone_number,verified_name,quality_rating').split(',');
        const body = { id };
        for (const f of fields) if (f in number.info) body[f] = number.info[f];
        return { status: 200, body };
      }
      if (edge === 'whatsapp_business_profile') {
        return { status: 200, body: { data: [{ ...number.profile, messaging_product: 'whatsapp' }] } };
      }
      return graphError(400, `Unknown path components: /${edge}`, 'OAuthException', 2500);
    },
    async POST(path, query, token, body, upload) {
      const [, id, edge] = path;
      const number = numbers.get(id);
      if (edge === 'media') {
        // POST /<version>/<phone number id>/media, multipart: messaging_product, type, file.
        if (!number) return noObject(id);
        if (number.token !== token) return badToken();
        const file = upload?.find((p) => p.name === 'file');
        const fields = Object.fromEntries((upload ?? []).filter((p) => !p.filename).map((p) => [p.name, p.body.toString()]));
        if (fields.messaging_product !== 'whatsapp') return graphError(400, '(#100) The parameter messaging_product is required.', 'OAuthException', 100);
        if (!file) return graphError(400, '(#100) The parameter file is required.', 'OAuthException', 100);
        const type = fields.type ?? file.contentType;
        if (!/^(image\/(jpeg|png|webp)|audio\/(aac|amr|mpeg|mp4|ogg)|video\/(mp4|3gpp)|application\/pdf|text\/plain|application\/(msword|vnd\.[\w.-]+))$/.test(type ?? '')) {
          return graphError(400, `(#131053) Media upload error: unsupported type ${type}`, 'OAuthException', 131053);
        }
        const mid = String(BigInt('0x' + randomBytes(7).toString('hex')));
        media.set(mid, { bytes: file.body, mime_type: type, token, filename: file.filename });
        mediaLog.uploads.push({ id: mid, phone_number_id: id, mime_type: type, filename: file.filename, bytes: file.body });
        return { status: 200, body: { id: mid } };
      }
      if (!number) return noObject(id);
      if (number.token !== token) return badToken();
      if (body?.messaging_product !== 'whatsapp') {
        return graphError(400, '(#100) The parameter messaging_product is required.', 'OAuthException', 100);
      }
      if (edge === 'whatsapp_business_profile') {
        const allowed = ['about', 'address', 'description', 'email', 'websites', 'vertical', 'profile_picture_handle'];
        for (const k of Object.keys(body)) {
          if (k !== 'messaging_product' && !allowed.includes(k) && k !== 'profile_picture_url') {
            return graphError(400, `(#100) Param ${k} is not a valid parameter`, 'OAuthException', 100);
          }
        }
        if (body.about !== undefined && (body.about.length < 1 || body.about.length > 139)) {
          return graphError(400, '(#100) Param about must be at most 139 characters long.', 'OAuthException', 100);
        }
        const { messaging_product, ...fields } = body;
        Object.assign(number.profile, fields);
        return { status: 200, body: { success: true } };
      }
      if (edge === 'messages') {
        if (failSends) return graphError(failSends.status, failSends.message, 'OAuthException', failSends.code);
        // A read receipt, with or without the typing indicator (Meta: "Mark messages as read",
        // "Typing indicators"): no recipient, the customer's message id, `{ success: true }`.
        if (body.status !== undefined) {
          const typing = body.typing_indicator;
          if (body.status !== 'read' || !String(body.message_id ?? '').startsWith('wamid.') || (typing && typing.type !== 'text')) {
            return graphError(400, '(#100) Invalid parameter', 'OAuthException', 100);
          }
          receipts.push({ phone_number_id: id, message_id: body.message_id, typing: Boolean(typing) });
          return { status: 200, body: { success: true } };
        }
        // A phone number goes as `to`; a business-scoped user ID (it holds a dot) as `recipient`.
        if (!body.to && !body.recipient) return graphError(400, '(#100) The parameter to is required.', 'OAuthException', 100);
        if (String(body.to ?? '').includes('.')) return graphError(400, '(#100) Invalid parameter: to must be a phone number', 'OAuthException', 100);
        if (body.type === 'template') {
          const template = number.templates.find((t) => t.name === body.template?.name && t.language === body.template?.language?.code);
          if (!template) return graphError(404, `(#132001) Template name does not exist in the translation`, 'OAuthException', 132001);
          const text = template.components.find((c) => c.type === 'BODY')?.text ?? '';
          const expected = Math.max(0, ...[...text.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
          const given = body.template.components?.find((c) => c.type === 'body')?.parameters?.length ?? 0;
          if (expected !== given) {
            return graphError(400, '(#132000) Number of parameters does not match the expected number of params', 'OAuthException', 132000);
          }
        }
        if (body.type === 'interactive') {
          // Meta's limits on reply buttons: 1–3 buttons, ids ≤ 256, titles 1–20 characters, a body.
          const it = body.interactive ?? {};
          const buttons = it.action?.buttons ?? [];
          const bad = it.type !== 'button' || !it.body?.text || buttons.length < 1 || buttons.length > 3 ||
            buttons.some((b) => b.type !== 'reply' || !b.reply?.id || b.reply.id.length > 256 || !b.reply?.title || b.reply.title.length > 20);
          if (bad) return graphError(400, '(#131009) Parameter value is not valid', 'OAuthException', 131009);
        }
        // Reactions and quoted replies name the customer's message by its wamid (Meta's
        // "Reaction messages" and "Contextual replies"); an emoji of "" takes a reaction off.
        if (body.type === 'reaction' && (!String(body.reaction?.message_id ?? '').startsWith('wamid.') || typeof body.reaction?.emoji !== 'string')) {
          return graphError(400, '(#131009) Parameter value is not valid', 'OAuthException', 131009);
        }
        if (body.context !== undefined && !String(body.context?.message_id ?? '').startsWith('wamid.')) {
          return graphError(400, '(#100) Invalid parameter', 'OAuthException', 100);
        }
        const wamid = 'wamid.' + randomBytes(24).toString('base64url');
        sent.push({ phone_number_id: id, wamid, ...body });
        // Meta's status webhooks can overtake its answer to the send: a test may deliver them here.
        if (beforeAnswer) await beforeAnswer(sent.at(-1));
        // A slow Graph: the message is taken, the answer comes late (or never reaches the edge).
        if (answerDelayMs) await new Promise((r) => setTimeout(r, answerDelayMs));
        return {
          status: 200,
          body: { messaging_product: 'whatsapp', contacts: [body.to ? { input: body.to, wa_id: body.to } : { input: body.recipient, user_id: body.recipient }], messages: [{ id: wamid }] },
        };
      }
      return graphError(400, `Unknown path components: /${edge}`, 'OAuthException', 2500);
    },
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://standin');
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString();
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/_standin/numbers' && req.method === 'POST') {
      const n = JSON.parse(raw);
      numbers.set(n.phone_number_id, {
        token: n.access_token,
        waba_id: n.waba_id,
        info: {
          display_phone_number: n.display_phone_number,
          verified_name: n.verified_name ?? 'Demo Shop',
          quality_rating: n.quality_rating ?? 'GREEN',
          code_verification_status: 'VERIFIED',
          platform_type: 'CLOUD_API',
        },
        profile: { about: 'Hello from the demo shop', vertical: 'RETAIL', websites: [], ...(n.profile ?? {}) },
        templates: n.templates ?? [
          { name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: '1',
            components: [{ type: 'BODY', text: 'Hello! We are following up on your conversation with us.' }] },
          { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: '2',
            components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.' }] },
        ],
      });
      return reply(201, { ok: true });
    }
    if (url.pathname === '/_standin/sent') return reply(200, sent);
    if (url.pathname.startsWith('/_lookaside/') && req.method === 'GET') {
      // The media URL: needs the bearer of a token that may read it, and expires.
      const m = media.get(url.searchParams.get('mid'));
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!m) { res.writeHead(404); return res.end('Not found'); }
      if (m.token !== token) { res.writeHead(401, { 'content-type': 'text/html' }); return res.end('<h1>Unauthorized</h1>'); }
      if (mediaUrlsExpired || Number(url.searchParams.get('ext')) < Date.now()) { res.writeHead(404, { 'content-type': 'text/html' }); return res.end('URL signature expired'); }
      if (m.redirect) { res.writeHead(302, { location: m.redirect }); return res.end(); }
      mediaLog.downloads++;
      res.writeHead(200, { 'content-type': m.mime_type, 'content-length': m.bytes.length });
      return res.end(m.bytes);
    }
    // Cloudflare Turnstile's siteverify, as its docs describe it: JSON or form body with secret,
    // response and remoteip; each token verifies once ("timeout-or-duplicate" after that).
    if (url.pathname === '/turnstile/v0/siteverify' && req.method === 'POST') {
      let form;
      try { form = JSON.parse(raw); } catch { form = Object.fromEntries(new URLSearchParams(raw)); }
      const errors = [];
      if (form.secret !== TURNSTILE_SECRET) errors.push('invalid-input-secret');
      if (!form.response) errors.push('missing-input-response');
      else if (!form.response.startsWith('XXXX.DUMMY.TOKEN.')) errors.push('invalid-input-response');
      else if (turnstileUsed.has(form.response)) errors.push('timeout-or-duplicate');
      if (errors.length) return reply(200, { success: false, 'error-codes': errors, messages: [] });
      turnstileUsed.add(form.response);
      return reply(200, { success: true, challenge_ts: new Date().toISOString(), hostname: 'localhost', 'error-codes': [], action: '', cdata: '' });
    }
    if (url.pathname === '/_standin/fail-sends' && req.method === 'POST') {
      failSends = raw ? JSON.parse(raw) : null;
      return reply(200, { failSends });
    }
    const handler = handlers[req.method];
    if (!handler) return reply(405, { error: { message: 'method' } });
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    let body = null;
    let upload = null;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      upload = multipart(Buffer.concat(chunks), type);
    } else if (raw) {
      try { body = JSON.parse(raw); } catch { return reply(400, graphError(400, 'Invalid JSON', 'OAuthException', 100).body); }
    }
    const path = url.pathname.split('/').filter(Boolean);
    const out = await handler(path, url.searchParams, token, body, upload);
    reply(out.status, out.body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  // Somewhere that is neither Meta nor Graph: a metadata URL or a redirect that points here must
  // never be fetched with the number's token. It logs every request and what it carried.
  const elsewhereLog = [];
  const elsewhere = http.createServer((req, res) => {
    elsewhereLog.push({ url: req.url, authorization: req.headers.authorization ?? null });
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end('stolen');
  });
  await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const elsewhereBase = `http://127.0.0.1:${elsewhere.address().port}`;
  return {
    base,
    sent,
    /** Read receipts and typing indicators, in order. */
    receipts,
    media: mediaLog,
    /** Meta holds a file under `id`, readable with `token` (the number's). `url`: the metadata
     *  names this URL instead of the stand-in's own; `redirect`: the media URL answers 302 there. */
    addMedia({ id, bytes, mime_type, token, url, redirect }) { media.set(id, { bytes: Buffer.from(bytes), mime_type, token, url, redirect }); },
    /** A server that is neither Meta nor Graph, and what reached it. */
    elsewhere: { base: elsewhereBase, requests: elsewhereLog },
    /** Every media URL handed out answers "expired" while set. */
    expireMediaUrls(on = true) { mediaUrlsExpired = on; },
    /** The next `n` media metadata calls fail with Graph's 500. */
    failMedia(n) { failMediaCalls = n; },
    async addNumber(n) {
      const r = await fetch(`${base}/_standin/numbers`, { method: 'POST', body: JSON.stringify(n) });
      if (!r.ok) throw new Error('standin: could not add number');
    },
    failSends(f) { failSends = f; },
    /** Runs `f(sent)` after a send is accepted and before Graph's answer goes back to the edge. */
    beforeAnswer(f) { beforeAnswer = f; },
    /** Delays Graph's answer to each send by `ms` (the send itself is recorded at once). */
    delayAnswers(ms) { answerDelayMs = ms; },
    close: () => Promise.all([server, elsewhere].map((srv) => new Promise((resolve) => srv.close(resolve)))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startGraphStandin(Number(process.argv[2] ?? 8788));
  // A demo number to connect from the console: id 106540352242922, WABA 102290129340398, token EAAG-demo.
  await s.addNumber({ phone_number_id: '106540352242922', waba_id: '102290129340398', access_token: 'EAAG-demo',
    display_phone_number: '+1 555-078-3881', verified_name: 'Demo Shop', quality_rating: 'GREEN' });
  console.log(`Graph API stand-in on ${s.base} (demo number 106540352242922, WABA 102290129340398, token EAAG-demo)`);
}
