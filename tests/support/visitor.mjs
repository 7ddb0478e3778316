// A visitor speaking to the widget API directly (what the Messenger does), for integration tests.
let clients = 0;
/** `ip`: the client address the edge sees (a test seam); each visitor gets its own by default. */
export function visitor(edge, { origin, country, ip = `198.51.${Math.floor(clients / 250) % 250}.${(clients++ % 250) + 1}` } = {}) {
  let token = null;
  const headers = () => ({
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(origin ? { origin } : {}),
    ...(country ? { 'x-test-country': country } : {}),
    'x-test-client-ip': ip,
  });
  const call = async (method, path, body) => {
    const r = await fetch(`${edge.url}/api/widget/${path}`, { method, headers: headers(), body: body && JSON.stringify(body) });
    return { status: r.status, headers: r.headers, body: await r.json().catch(() => null) };
  };
  return {
    get token() { return token; },
    set token(t) { token = t; },
    /** `extra`: more of the session request (`lang`, `languages`). */
    async session(number, extra = {}) {
      const r = await call('POST', 'session', { visitor_token: token, number, ...extra });
      if (r.status === 200) token = r.body.visitor_token;
      return r;
    },
    conversation: () => call('GET', 'conversation'),
    say: (text) => call('POST', 'messages', { text }),
    handoff: (number, extra = {}) => call('POST', 'handoff', { number, ...extra }),
    liveTicket: () => call('POST', 'live', {}),
  };
}

/** The code inside a wa.me link's prefilled text. */
export const codeFromLink = (link) => decodeURIComponent(new URL(link).searchParams.get('text')).match(/SB-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
