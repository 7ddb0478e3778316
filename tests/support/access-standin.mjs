// A stand-in for Cloudflare Access: serves the team's keys at /cdn-cgi/access/certs (a JWKS
// document as Access writes it: the current and the previous key), and signs tokens the way
// Access does (RS256, kid, iss = the team domain, aud = [AUD], email, iat/nbf/exp), so tests and
// `scripts/start` can sign in as any member without Cloudflare. It can rotate its key, go down
// (answer 503), and counts the key fetches.
//
// Run alone (`node tests/support/access-standin.mjs 8789 <aud> <edge origin>`), it also serves
// /sign-in?email=…: a page that sets the CF_Authorization cookie for the local edge (cookies do
// not depend on the port) and sends you to the console, as Access would after a sign-in.
import { createServer } from 'node:http';
import { generateKeyPairSync, createSign, createHmac, randomBytes } from 'node:crypto';

const b64url = (data) => Buffer.from(data).toString('base64url');

function newKey() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = randomBytes(16).toString('hex');
  return { kid, privateKey, publicKey, jwk: { kid, kty: 'RSA', alg: 'RS256', use: 'sig', e: jwk.e, n: jwk.n } };
}

/** Starts the stand-in on `port` (0: any free port). */
export async function startAccess({ port = 0, aud = 'switchboard-test-aud', edgeOrigin } = {}) {
  let keys = [newKey()];
  let down = false;
  let fetches = 0;
  const state = { aud, issuer: '' };

  function sign(claims = {}, { key = keys[0], alg = 'RS256', kid, header: extraHeader = {} } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg, kid: kid ?? key.kid, typ: 'JWT', ...extraHeader };
    const payload = {
      aud: [state.aud], iss: state.issuer, email: 'ana@example.com', sub: randomBytes(8).toString('hex'),
      iat: now, nbf: now, exp: now + 3600, type: 'app', identity_nonce: randomBytes(6).toString('hex'),
      ...claims,
    };
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
    const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    if (alg === 'none') return `${signed}.`;
    if (alg === 'HS256') {
      // The classic confusion attack: HMAC keyed with the RSA public key's PEM.
      const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
      return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
    }
    const signature = createSign('RSA-SHA256').update(signed).sign(key.privateKey);
    return `${signed}.${b64url(signature)}`;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/cdn-cgi/access/certs') {
      fetches += 1;
      if (down) { res.writeHead(503); return res.end('down'); }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({
        keys: keys.map((k) => k.jwk),
        public_cert: { kid: keys[0].kid, cert: '-----BEGIN CERTIFICATE-----\n(not read)\n-----END CERTIFICATE-----' },
        public_certs: keys.map((k) => ({ kid: k.kid, cert: '(not read)' })),
      }));
    }
    if (url.pathname === '/sign-in' && edgeOrigin) {
      const email = url.searchParams.get('email') || 'agent@example.com';
      const token = sign({ email });
      res.writeHead(302, {
        'set-cookie': `CF_Authorization=${token}; Path=/; HttpOnly; SameSite=Lax`,
        location: `${edgeOrigin}/console/`,
      });
      return res.end();
    }
    res.writeHead(404); res.end();
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  state.issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    get issuer() { return state.issuer; },
    aud,
    sign,
    /** A key the team never published (a forger's). */
    strangerKey: newKey(),
    /** Access's rotation: a new current key, the old one kept beside it. */
    rotate() { keys = [newKey(), keys[0]]; return keys[0]; },
    get currentKey() { return keys[0]; },
    setDown(value) { down = value; },
    get fetches() { return fetches; },
    stop: () => new Promise((r) => server.close(r)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port = '8789', aud = 'switchboard-local', edgeOrigin = 'http://127.0.0.1:8787'] = process.argv.slice(2);
  const access = await startAccess({ port: Number(port), aud, edgeOrigin });
  console.log(`Access stand-in on ${access.issuer} (aud ${aud}); sign in as anyone: ${access.issuer}/sign-in?email=ana@example.com`);
}
