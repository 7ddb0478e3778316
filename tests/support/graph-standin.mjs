// A local stand-in for Meta's Graph API (WhatsApp Cloud API), for tests only.
// It speaks the real paths, request bodies and response shapes, including Graph's
// error object ({ error: { message, type, code, error_subcode, fbtrace_id } }).
// Tests seed it and read what the edge sent through /_standin/* control routes.
//
// Run alone for local development: node tests/support/graph-standin.mjs [port]
import http from 'node:http';
import { randomBytes } from 'node:crypto';

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

export async function startGraphStandin(port = 0) {
  const numbers = new Map(); // phone_number_id -> { token, waba_id, info, profile }
  const sent = [];
  let beforeAnswer = null;
  const turnstileUsed = new Set();
  let answerDelayMs = 0;
  let failSends = null; // { status, message, code } while set

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
    async POST(path, query, token, body) {
      const [, id, edge] = path;
      const number = numbers.get(id);
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
        if (!body.to) return graphError(400, '(#100) The parameter to is required.', 'OAuthException', 100);
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
        const wamid = 'wamid.' + randomBytes(24).toString('base64url');
        sent.push({ phone_number_id: id, wamid, ...body });
        // Meta's status webhooks can overtake its answer to the send: a test may deliver them here.
        if (beforeAnswer) await beforeAnswer(sent.at(-1));
        // A slow Graph: the message is taken, the answer comes late (or never reaches the edge).
        if (answerDelayMs) await new Promise((r) => setTimeout(r, answerDelayMs));
        return {
          status: 200,
          body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] },
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
    if (raw) {
      try { body = JSON.parse(raw); } catch { return reply(400, graphError(400, 'Invalid JSON', 'OAuthException', 100).body); }
    }
    const path = url.pathname.split('/').filter(Boolean);
    const out = await handler(path, url.searchParams, token, body);
    reply(out.status, out.body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    sent,
    async addNumber(n) {
      const r = await fetch(`${base}/_standin/numbers`, { method: 'POST', body: JSON.stringify(n) });
      if (!r.ok) throw new Error('standin: could not add number');
    },
    failSends(f) { failSends = f; },
    /** Runs `f(sent)` after a send is accepted and before Graph's answer goes back to the edge. */
    beforeAnswer(f) { beforeAnswer = f; },
    /** Delays Graph's answer to each send by `ms` (the send itself is recorded at once). */
    delayAnswers(ms) { answerDelayMs = ms; },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startGraphStandin(Number(process.argv[2] ?? 8788));
  // A demo number to connect from the console: id 106540352242922, WABA 102290129340398, token EAAG-demo.
  await s.addNumber({ phone_number_id: '106540352242922', waba_id: '102290129340398', access_token: 'EAAG-demo',
    display_phone_number: '+1 555-078-3881', verified_name: 'Demo Shop', quality_rating: 'GREEN' });
  console.log(`Graph API stand-in on ${s.base} (demo number 106540352242922, WABA 102290129340398, token EAAG-demo)`);
}
