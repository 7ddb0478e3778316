// A local stand-in for a Web Push service (FCM, Mozilla autopush…), for tests only, with
// node:crypto alone. For each push it checks what a real push service checks — the VAPID
// `Authorization: vapid t=<JWT>, k=<key>` header (ES256 signature by `k`, `aud` = this
// service's origin, `exp` in the future and at most 24 h away, `sub` a mailto: or https: URI),
// `Content-Encoding: aes128gcm`, `TTL` — and then does what the browser would: DECRYPTS the
// body (RFC 8291 / RFC 8188) with the subscription's private key and auth secret, so a test
// that reads the payload proves the encryption. Each arrival is recorded per endpoint path.
// `answer(path, status)` makes it answer 404/410 (or anything) for one endpoint.
import http from 'node:http';
import { createECDH, createHmac, createDecipheriv, createPublicKey, verify, randomBytes } from 'node:crypto';

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const unb64u = (text) => Buffer.from(text, 'base64url');

/** A subscription as a browser makes one: an ECDH P-256 key pair and a 16-byte auth secret.
 *  `toJSON()` is what `PushSubscription.toJSON()` gives (and the console posts). */
export function makeSubscription(endpoint) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    endpoint,
    ecdh,
    auth,
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } }),
  };
}

/** A VAPID private key as scripts/deploy makes one (base64url of the 32-byte scalar). */
export function makeVapidPrivateKey() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { privateKey: b64u(ecdh.getPrivateKey()), publicKey: b64u(ecdh.getPublicKey()) };
}

const hkdf = (salt, ikm, info, length) => {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
};

/** Decrypts an aes128gcm push body (one record) for `subscription`; throws on any mismatch. */
export function decrypt(body, subscription) {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (idlen !== 65 || rs < 18 || record.length > rs) throw new Error(`odd header: idlen ${idlen}, rs ${rs}, record ${record.length}`);
  const uaPublic = subscription.ecdh.getPublicKey();
  const secret = subscription.ecdh.computeSecret(asPublic);
  const ikm = hkdf(subscription.auth, secret, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]), 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // Padding: the last non-zero byte is the delimiter, 0x02 for the last record.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error(`last record delimiter is ${plain[end]}, not 2`);
  return plain.subarray(0, end);
}

/** Checks a VAPID header for this origin; returns the claims or throws saying what is wrong. */
export function checkVapid(header, origin, now = Math.floor(Date.now() / 1000)) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`not a vapid Authorization header: ${header}`);
  const [, jwt, k] = m;
  const [head, claims, signature] = jwt.split('.');
  const point = unb64u(k);
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, unb64u(signature));
  if (!ok) throw new Error('the JWT signature does not verify with k');
  const h = JSON.parse(unb64u(head));
  if (h.alg !== 'ES256') throw new Error(`alg ${h.alg}`);
  const c = JSON.parse(unb64u(claims));
  if (c.aud !== origin) throw new Error(`aud ${c.aud}, expected ${origin}`);
  if (!(c.exp > now && c.exp <= now + 24 * 3600)) throw new Error(`exp ${c.exp} not within 24 h of ${now}`);
  if (!/^(mailto:.+@.+|https:\/\/.+)$/.test(c.sub ?? '')) throw new Error(`sub ${c.sub}`);
  return { ...c, k };
}

/** Starts the stand-in. `subscriptions`: path → subscription (from makeSubscription), so it can
 *  decrypt; a push to an unknown path is recorded undecrypted. */
export async function startPushService() {
  const subscriptions = new Map();
  const arrivals = new Map(); // path → [{ at, headers, vapid, payload, error }]
  const answers = new Map(); // path → status
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      const arrival = { at: performance.now(), headers: req.headers, path };
      try {
        if (req.method !== 'POST') throw new Error(`method ${req.method}`);
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        if (!/^\d+$/.test(req.headers.ttl ?? '')) throw new Error(`TTL ${req.headers.ttl}`);
        arrival.vapid = checkVapid(req.headers.authorization, service.origin);
        const subscription = subscriptions.get(path);
        if (subscription) arrival.payload = JSON.parse(decrypt(Buffer.concat(chunks), subscription).toString('utf8'));
      } catch (e) {
        arrival.error = e.message;
      }
      if (!arrivals.has(path)) arrivals.set(path, []);
      arrivals.get(path).push(arrival);
      for (const w of waiters.splice(0)) w();
      const status = arrival.error ? 400 : (answers.get(path) ?? 201);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(arrival.error ?? '');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  let next = 0;
  const service = {
    origin,
    /** A new browser subscription at this service. */
    subscribe() {
      const path = `/push/${++next}-${randomBytes(6).toString('hex')}`;
      const subscription = makeSubscription(`${origin}${path}`);
      subscriptions.set(path, subscription);
      return { ...subscription, path };
    },
    /** Answer `status` to every push for `path` from now on (404, 410 …). */
    answer(path, status) { answers.set(path, status); },
    arrivals: (path) => arrivals.get(path) ?? [],
    total: () => [...arrivals.values()].reduce((n, a) => n + a.length, 0),
    /** Resolves once `path` has `count` arrivals, or rejects after `ms`. */
    async waitFor(path, count = 1, ms = 5000) {
      const deadline = Date.now() + ms;
      while ((arrivals.get(path)?.length ?? 0) < count) {
        if (Date.now() > deadline) throw new Error(`${path}: ${arrivals.get(path)?.length ?? 0} of ${count} pushes arrived in ${ms} ms`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
      return arrivals.get(path);
    },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
  return service;
}
