// The team (issue 20) against the real local Worker, with a stand-in for Cloudflare Access that
// serves a JWKS and signs tokens as Access does: every check of the token, a key rotation, the
// first-owner claim, roles over every admin route, member removal, attribution, assignment,
// private notes and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEdge, ROOT } from '../support/edge.mjs';
import { startAccess } from '../support/access-standin.mjs';
import { visitor } from '../support/visitor.mjs';
import { openLiveSocket } from '../support/live-socket.mjs';

let access, edge;
before(async () => {
  access = await startAccess();
  // Keys held for a second are old enough to fetch again on an unknown kid (30 s in production).
  edge = await startEdge({ vars: { ACCESS_TEAM_DOMAIN: access.issuer, ACCESS_AUD: access.aud, ACCESS_KEYS_MIN_REFETCH_SECONDS: '1' } });
});
after(async () => { await edge?.stop(); await access?.stop(); });

/** A call to the admin API as someone Access signed in (`token`), by header or by cookie. */
async function as(token, path, { method = 'GET', body, cookie = false, headers = {} } = {}) {
  const r = await fetch(`${edge.url}/api/admin${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(cookie ? { cookie: `other=1; CF_Authorization=${token}` } : { 'cf-access-jwt-assertion': token }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, body: json, text };
}

const ana = () => access.sign({ email: 'Ana@Example.com' });
const bob = () => access.sign({ email: 'bob@example.com' });

test('without any credential, the console is told to come through Access', async () => {
  const r = await as('', '/me', { headers: { 'cf-access-jwt-assertion': '' } });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'access');
  // The admin token still works, and says Access is configured.
  const me = await edge.adminJson('/me');
  assert.equal(me.status, 200);
  assert.deepEqual({ via: me.body.via, role: me.body.role, name: me.body.display_name }, { via: 'admin_token', role: 'owner', name: 'Admin' });
  assert.equal(me.body.access.configured, true);
  assert.equal(me.body.access.team_domain, access.issuer);
  // A wrong bearer is refused, even with a valid Access token beside it.
  const wrong = await as(ana(), '/me', { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
});

test('every forged, stale or misdirected token gets a 401 with a short reason', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases = [
    ['forged signature', access.sign({}, { key: access.strangerKey, kid: access.currentKey.kid }), 'not signed by your Cloudflare Access team'],
    ['unknown kid', access.sign({}, { key: access.strangerKey }), 'unknown key'],
    ['expired', access.sign({ exp: now - 120, iat: now - 4000, nbf: now - 4000 }), 'sign-in expired'],
    ['nbf in the future', access.sign({ nbf: now + 600 }), 'sign-in not valid yet'],
    ['wrong aud', access.sign({ aud: ['another-app'] }), 'not for this application'],
    ['wrong iss', access.sign({ iss: 'https://evil.cloudflareaccess.com' }), 'not signed by your Cloudflare Access team'],
    ['alg none', access.sign({}, { alg: 'none' }), 'not signed by your Cloudflare Access team'],
    ['HS256 with the public key as secret', access.sign({}, { alg: 'HS256' }), 'not signed by your Cloudflare Access team'],
    ['garbage', 'a.b', 'malformed token'],
  ];
  for (const [name, token, reason] of cases) {
    const r = await as(token, '/me');
    assert.equal(r.status, 401, name);
    assert.equal(r.body.error, reason, name);
    assert.equal(r.body.code, 'access', name);
    assert.ok(!r.text.includes('BEGIN') && !r.text.includes(access.currentKey.kid), `${name}: nothing about the keys`);
  }
  // An email header without a token is not believed.
  const header = await as('', '/me', { headers: { 'cf-access-jwt-assertion': '', 'cf-access-authenticated-user-email': 'ana@example.com' } });
  assert.equal(header.status, 401);
});

test('the first owner is claimed once, with the admin token; non-members are told to ask', async () => {
  const before = await as(ana(), '/me');
  assert.equal(before.status, 403);
  assert.equal(before.body.code, 'claim_first_owner');
  const wrong = await as(ana(), '/team/claim', { method: 'POST', body: { admin_token: 'guess', display_name: 'Ana' } });
  assert.equal(wrong.status, 403);
  const claimed = await as(ana(), '/team/claim', { method: 'POST', body: { admin_token: edge.secrets.ADMIN_TOKEN, display_name: 'Ana Lima' } });
  assert.equal(claimed.status, 201, claimed.text);
  assert.deepEqual(claimed.body, { email: 'ana@example.com', display_name: 'Ana Lima', role: 'owner' });
  // Once: someone else, even with the token, is refused, and is now just not a member.
  const mallory = access.sign({ email: 'mallory@example.com' });
  const again = await as(mallory, '/team/claim', { method: 'POST', body: { admin_token: edge.secrets.ADMIN_TOKEN, display_name: 'M' } });
  assert.equal(again.status, 409);
  assert.match(again.body.error, /already has an owner: ask them to add you/);
  const outsider = await as(mallory, '/conversations');
  assert.equal(outsider.status, 403);
  assert.equal(outsider.body.code, 'not_a_member');
  assert.match(outsider.body.error, /ask an owner to add you/);
  assert.deepEqual(Object.keys(outsider.body).sort(), ['code', 'error'], 'nothing else');
  const me = await as(ana(), '/me', { cookie: true });
  assert.equal(me.status, 200);
  assert.deepEqual({ email: me.body.email, role: me.body.role, via: me.body.via }, { email: 'ana@example.com', role: 'owner', via: 'access' });
});

test('a key rotation is fetched once; the old key keeps working meanwhile', async () => {
  assert.equal((await as(ana(), '/me')).status, 200);
  await new Promise((r) => setTimeout(r, 1_100));
  const fetchesBefore = access.fetches;
  const oldKey = access.currentKey;
  access.rotate();
  const fresh = access.sign({ email: 'ana@example.com' });
  for (let i = 0; i < 5; i++) assert.equal((await as(fresh, '/me')).status, 200);
  assert.equal(access.fetches - fetchesBefore, 1, 'one fetch for the new kid, then kept');
  const old = access.sign({ email: 'ana@example.com' }, { key: oldKey });
  assert.equal((await as(old, '/me')).status, 200);
});

/** The role matrix as core declares it (core/src/team/route_roles.rs), one line per route. */
function matrix() {
  const text = readFileSync(join(ROOT, 'core/src/team/route_roles.rs'), 'utf8');
  return [...text.matchAll(/route\("(\w+)", "([^"]+)", (Agent|Owner), "([^"]+)"\)/g)]
    .map(([, method, path, role, what]) => ({ method, path, role, what }));
}

test('an agent can do the inbox and nothing of the owner\'s: every admin route walked', async () => {
  const added = await as(ana(), '/team', { method: 'POST', body: { email: 'Bob@Example.com', display_name: 'Bob', role: 'agent' } });
  assert.equal(added.status, 201, added.text);
  const routes = matrix();
  assert.ok(routes.length >= 35, `the matrix lists every route (${routes.length})`);
  let owners = 0;
  for (const r of routes) {
    const path = r.path.replace('/api/admin', '').replace('{email}', 'nobody%40example.com').replace(/\{[a-z]+\}/g, 'x1');
    const res = await as(bob(), path, { method: r.method, body: ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined });
    if (r.role === 'Owner') {
      owners += 1;
      assert.equal(res.status, 403, `${r.method} ${r.path} is the owner's`);
      assert.equal(res.body.code, 'role', `${r.method} ${r.path}`);
      assert.match(res.body.error, /owner role/);
    } else {
      assert.ok(![401, 403].includes(res.status), `${r.method} ${r.path} is an agent's: ${res.status} ${res.text}`);
    }
  }
  assert.ok(owners >= 15);
});

test('a removed member is refused at once, whatever their Access session says', async () => {
  await as(ana(), '/team', { method: 'POST', body: { email: 'carol@example.com', display_name: 'Carol', role: 'agent' } });
  const carol = access.sign({ email: 'carol@example.com' });
  assert.equal((await as(carol, '/conversations')).status, 200);
  // Carol's open inbox socket (it hears which conversations change).
  const ticket = await as(carol, '/live', { method: 'POST', headers: { origin: edge.url } });
  assert.equal(ticket.status, 200);
  const socket = await openLiveSocket(`${edge.url}/api/live?ticket=${encodeURIComponent(ticket.body.ticket)}`, { origin: edge.url });
  assert.equal(socket.status, 101);
  assert.equal((await as(ana(), '/team/carol%40example.com', { method: 'DELETE' })).status, 200);
  const after = await as(carol, '/conversations');
  assert.equal(after.status, 403);
  assert.equal(after.body.code, 'not_a_member');
  // Her socket is closed (the others reconnect and catch up); she gets no new ticket.
  await socket.whenClosed();
  assert.equal(socket.closed.code, 1001);
  assert.equal((await as(carol, '/live', { method: 'POST', headers: { origin: edge.url } })).status, 403);
  // The last owner can neither leave nor be demoted.
  const demote = await as(ana(), '/team/ana@example.com', { method: 'PATCH', body: { role: 'agent' } });
  assert.equal(demote.status, 409);
  assert.match(demote.body.error, /needs an owner/);
  assert.equal((await as(ana(), '/team/ana@example.com', { method: 'DELETE' })).status, 409);
  // Bad input names the field.
  const bad = await as(ana(), '/team', { method: 'POST', body: { email: 'not-an-email', display_name: 'X', role: 'agent' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'email');
});

test('replies carry the agent\'s name to the inbox and the Messenger; assignment and notes stay inside', async () => {
  const v = visitor(edge);
  await v.session();
  assert.equal((await v.say('Where is my order?')).status, 201);
  const [conversation] = (await as(bob(), '/conversations?channel=messenger')).body;
  const id = conversation.id;
  assert.equal(conversation.assignee, null);

  const reply = await as(bob(), `/conversations/${id}/messages`, { method: 'POST', body: { text: 'On its way!' } });
  assert.equal(reply.status, 201, reply.text);
  assert.equal(reply.body.author_name, 'Bob');
  assert.equal(reply.body.author_email, 'bob@example.com');
  const seen = (await v.conversation()).body.messages.find((m) => m.text === 'On its way!');
  assert.equal(seen.agent, 'Bob');

  // Assign to yourself: the filters follow.
  const assigned = await as(bob(), `/conversations/${id}/assign`, { method: 'POST', body: { assignee: 'BOB@example.com' } });
  assert.equal(assigned.status, 200, assigned.text);
  assert.equal(assigned.body.assignee, 'bob@example.com');
  const ids = async (q, who = bob()) => (await as(who, `/conversations?${q}`)).body.map((c) => c.id);
  assert.ok((await ids('assignee=me')).includes(id));
  assert.ok(!(await ids('assignee=me', ana())).includes(id));
  assert.ok(!(await ids('assignee=none')).includes(id));
  assert.ok((await ids('assignee=bob@example.com', ana())).includes(id));
  const stranger = await as(bob(), `/conversations/${id}/assign`, { method: 'POST', body: { assignee: 'eve@example.com' } });
  assert.equal(stranger.status, 400);
  assert.equal(stranger.body.field, 'assignee');

  // A private note: in the thread for agents, never in the visitor's conversation.
  const note = await as(bob(), `/conversations/${id}/notes`, { method: 'POST', body: { text: 'Customer is VIP — check the courier' } });
  assert.equal(note.status, 201, note.text);
  assert.equal((await as(bob(), `/conversations/${id}/notes`, { method: 'POST', body: { text: '   ' } })).status, 400);
  const closed = await as(bob(), `/conversations/${id}/close`, { method: 'POST', body: {} });
  assert.equal(closed.status, 200);
  const thread = (await as(ana(), `/conversations/${id}`)).body;
  assert.deepEqual(thread.activity.map((a) => [a.kind, a.actor_name]), [['assigned', 'Bob'], ['note', 'Bob'], ['closed', 'Bob']]);
  assert.equal(thread.activity[1].body, 'Customer is VIP — check the courier');
  const visitorSees = JSON.stringify((await v.conversation()).body);
  assert.ok(!visitorSees.includes('VIP'), 'the note never reaches the Messenger');

  // The owner can hide agents' names from visitors.
  const saved = await edge.putSettings({ hide_agent_names: true });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const hidden = (await v.conversation()).body.messages.find((m) => m.text === 'On its way!');
  assert.equal(hidden.agent, undefined);
});

test('the audit log says who changed what, never a secret', async () => {
  const settings = await fetch(`${edge.url}/api/admin/settings`, { headers: { 'cf-access-jwt-assertion': ana() } });
  const current = await settings.json();
  const put = await as(ana(), '/settings', { method: 'PUT', headers: { 'if-match': settings.headers.get('etag') }, body: { ...current, business_name: 'Acme Support' } });
  assert.equal(put.status, 200, put.text);
  const log = await as(ana(), '/audit');
  assert.equal(log.status, 200);
  const entry = log.body.find((e) => e.target.kind === 'settings' && e.changes.some((c) => c.field === 'business_name'));
  assert.ok(entry, JSON.stringify(log.body.slice(0, 3)));
  assert.deepEqual(entry.actor, { kind: 'member', email: 'ana@example.com', display_name: 'Ana Lima' });
  assert.deepEqual(entry.changes.find((c) => c.field === 'business_name'), { field: 'business_name', old: current.business_name, new: 'Acme Support' });
  // The team's changes are there too, by whom.
  const removal = log.body.find((e) => e.target.kind === 'member' && e.target.email === 'carol@example.com' && e.action === 'removed');
  assert.ok(removal, JSON.stringify(log.body.map((e) => [e.target, e.action])));
  assert.equal(removal.actor.email, 'ana@example.com');
  // A change made with the admin token is the admin token's.
  const hidden = log.body.find((e) => e.changes.some((c) => c.field === 'hide_agent_names'));
  assert.deepEqual(hidden.actor, { kind: 'admin_token' });
  // Agents cannot read it.
  assert.equal((await as(bob(), '/audit')).status, 403);
});

test('when Access\'s keys cannot be fetched, the last good keys serve for a while, then sign-in fails closed', async () => {
  const standin = await startAccess({ aud: 'grace-test' });
  const graceEdge = await startEdge({ vars: {
    ACCESS_TEAM_DOMAIN: standin.issuer, ACCESS_AUD: 'grace-test', ACCESS_KEYS_REFRESH_SECONDS: '1', ACCESS_KEYS_GRACE_SECONDS: '4' } });
  try {
    const call = () => fetch(`${graceEdge.url}/api/admin/me`, { headers: { 'cf-access-jwt-assertion': standin.sign({ email: 'x@example.com' }) } });
    assert.equal((await call()).status, 403, 'verified (a non-member)');
    standin.setDown(true);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await call()).status, 403, 'the last good keys still serve');
    await new Promise((r) => setTimeout(r, 4_000));
    const r = await call();
    assert.equal(r.status, 503);
    assert.match((await r.json()).error, /Cloudflare Access is unavailable: its keys could not be read/);
    // The admin token is the way back in.
    assert.equal((await graceEdge.admin('/me')).status, 200);
    standin.setDown(false);
    assert.equal((await call()).status, 403, 'back once Access answers');
  } finally {
    await graceEdge.stop();
    await standin.stop();
  }
});

test('a change another site makes a signed-in browser send is refused (CSRF); the console\'s own are not', async () => {
  const body = { text: 'forged' };
  const [c] = (await as(ana(), '/conversations?channel=messenger&status=')).body;
  const forged = await as(ana(), `/conversations/${c.id}/notes`, { method: 'POST', body, cookie: true, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(forged.status, 403);
  assert.match(forged.body.error, /cross-site request refused/);
  const formPost = await as(ana(), '/team', { method: 'POST', cookie: true, headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: { email: 'mallory@example.com', display_name: 'x', role: 'owner' } });
  assert.equal(formPost.status, 403);
  assert.equal((await as(ana(), '/team')).body.some((m) => m.email === 'mallory@example.com'), false);
  const own = await as(ana(), `/conversations/${c.id}/notes`, { method: 'POST', body: { text: 'from the console' }, cookie: true, headers: { origin: edge.url, 'sec-fetch-site': 'same-origin' } });
  assert.equal(own.status, 201, own.text);
  // Reads are not changes.
  assert.equal((await as(ana(), '/me', { cookie: true, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status, 200);
});

test('a deployment whose Access settings are wrong refuses sign-in with 503, and does not tell a stranger what its settings are', async () => {
  const broken = await startEdge({ vars: { ACCESS_TEAM_DOMAIN: 'http://secret-team.internal.example', ACCESS_AUD: access.aud } });
  try {
    const r = await fetch(`${broken.url}/api/admin/me`, { headers: { 'cf-access-jwt-assertion': access.sign({ email: 'ana@example.com' }) } });
    assert.equal(r.status, 503);
    const body = await r.text();
    assert.match(body, /not set up correctly/);
    assert.match(body, /Worker's logs/);
    assert.doesNotMatch(body, /secret-team|ACCESS_/);
  } finally {
    await broken.stop();
  }
});
