// The team in the console (issue 20), signed in through a stand-in for Cloudflare Access (the
// test sets Access's CF_Authorization cookie, as Access does after a sign-in): an agent sees the
// inbox only, answers and sees their name on the reply, assigns the conversation to themself and
// writes a private note that never reaches the Graph stand-in; the owner sees the Team page and
// the audit log; someone who is not a member is told to ask an owner. axe-core on every screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { startAccess } from '../support/access-standin.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, text } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let access, stack, edge, browser;
const errors = [];

before(async () => {
  access = await startAccess();
  stack = await startStack({ vars: { ACCESS_TEAM_DOMAIN: access.issuer, ACCESS_AUD: access.aud } });
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  const ana = access.sign({ email: 'ana@example.com' });
  const claim = await fetch(`${edge.url}/api/admin/team/claim`, { method: 'POST', headers: { 'cf-access-jwt-assertion': ana, 'content-type': 'application/json' },
    body: JSON.stringify({ admin_token: edge.secrets.ADMIN_TOKEN, display_name: 'Ana Lima' }) });
  assert.equal(claim.status, 201);
  const bob = await fetch(`${edge.url}/api/admin/team`, { method: 'POST', headers: { 'cf-access-jwt-assertion': ana, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bob@example.com', display_name: 'Bob Silva', role: 'agent' }) });
  assert.equal(bob.status, 201);
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550001111', 'Hi, where is my parcel?', now)], contacts: [{ wa_id: '15550001111', profile: { name: 'Carla' } }] }))).status, 200);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await stack?.stop(); await access?.stop(); });

/** A page signed in as `email` through (the stand-in for) Access. */
async function signedIn(email, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: 'CF_Authorization', value: access.sign({ email }), url: edge.url }]);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${edge.url}/console/`);
  return page;
}

test('an agent answers, sees their name on the reply, assigns to themself and writes a private note', async () => {
  const page = await signedIn('bob@example.com');
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  await page.getByText('Bob Silva · agent (bob@example.com)').waitFor();
  // An agent is shown the inbox only, and is never asked for a token.
  const nav = page.getByRole('navigation', { name: 'Console' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Inbox', 'Reports']);
  assert.equal(await page.getByLabel('Admin token').count(), 0);

  // The owner has the same conversation open in her own browser: she sees Bob's work live.
  const owner = await signedIn('ana@example.com');
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Inbox' }).click();
  await owner.getByRole('button', { name: /Carla/ }).click();
  const ownerThread = owner.getByRole('region', { name: 'Conversation with Carla' });
  await ownerThread.getByText('Hi, where is my parcel?').waitFor();

  await page.getByRole('button', { name: /Carla/ }).click();
  const thread = page.getByRole('region', { name: 'Conversation with Carla' });
  await thread.getByText('Hi, where is my parcel?').waitFor();
  await thread.getByLabel('Reply').fill('It left the warehouse this morning.');
  await thread.getByRole('button', { name: 'Send' }).click();
  const reply = thread.getByRole('listitem').filter({ hasText: 'It left the warehouse this morning.' });
  await reply.getByText(/^Bob Silva · /).waitFor();

  await thread.getByRole('button', { name: 'Assign to me' }).click();
  await page.getByRole('button', { name: /Carla/ }).getByText('Assigned to Bob Silva').waitFor();
  await thread.getByText(/^Bob Silva took this conversation · /).waitFor();

  await thread.getByText('Add a private note').click();
  await thread.getByLabel(/Private note/).fill('Courier ref 88-21, call them if late');
  await thread.getByRole('button', { name: 'Add note' }).click();
  const note = thread.getByRole('listitem').filter({ hasText: 'Courier ref 88-21' });
  await note.getByText('Private note').waitFor();
  // Over the inbox socket, without a reload: the assignment and the note.
  await owner.getByRole('button', { name: /Carla/ }).getByText('Assigned to Bob Silva').waitFor();
  await ownerThread.getByText('Courier ref 88-21, call them if late').waitFor();
  await owner.context().close();
  await expectAccessible(page, 'inbox as an agent, with a note');
  await shot(page, 'team-agent-inbox-1280');

  // The note never left: the Graph stand-in saw the reply, not the note.
  const sent = JSON.stringify(stack.graph.sent);
  assert.ok(sent.includes('It left the warehouse'));
  assert.ok(!sent.includes('Courier ref'));

  // Mine shows it; Unassigned does not.
  await page.getByLabel('Assigned', { exact: true }).selectOption('me');
  await page.getByRole('button', { name: /Carla/ }).waitFor();
  await page.getByLabel('Assigned', { exact: true }).selectOption('none');
  await page.getByText('No conversations match.').waitFor();
  // An owner's page, opened by its address: said plainly.
  await page.goto(`${edge.url}/console/settings`);
  await page.getByText('This page is for the team\'s owners.', { exact: false }).waitFor();
  await page.context().close();
});

test('the owner sees the team and the audit log, on a desktop and a phone', async () => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const page = await signedIn('ana@example.com', { width, height });
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await page.getByRole('row', { name: /Bob Silva/ }).waitFor();
    await expectAccessible(page, `team page ${width}`);
    await shot(page, `team-page-${width}`);
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'Member bob@example.com added' }).waitFor();
    await page.getByRole('cell', { name: 'Ana Lima (ana@example.com)' }).first().waitFor();
    await expectAccessible(page, `audit log ${width}`);
    await shot(page, `team-audit-${width}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scroll at ${width}px (${overflow})`);
    await page.context().close();
  }
});

test('the owner adds a member from the Team page, and the change is in the audit log', async () => {
  const page = await signedIn('ana@example.com');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Team' }).click();
  await page.getByLabel(/^Email/).fill('not an email');
  await page.getByLabel(/^Display name/).fill('Dee');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.getByText('must be an email address like ana@example.com').waitFor();
  await page.getByLabel(/^Email/).fill('dee@example.com');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.getByRole('row', { name: /Dee/ }).waitFor();
  await page.getByLabel('Role of Dee').selectOption('owner');
  await page.getByText('dee@example.com is now an owner.').waitFor();
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('cell', { name: 'Member dee@example.com changed' }).waitFor();
  await page.context().close();
});

test('someone Access signed in who is not a member is told to ask an owner, and nothing else', async () => {
  const page = await signedIn('mallory@example.com');
  await page.getByRole('heading', { name: 'You are not on this team yet' }).waitFor();
  await page.getByText('Ask an owner to add you.').waitFor();
  assert.equal(await page.getByRole('navigation').count(), 0);
  await expectAccessible(page, 'not a member');
  await page.context().close();
  assert.deepEqual(errors, []);
});

test('the owner chooses who gets new conversations in turn, and Install says Access works', async () => {
  const page = await signedIn('ana@example.com');
  await page.goto(`${edge.url}/console/numbers/${NUMBER}`);
  const section = page.getByRole('region', { name: 'Assign new conversations in turn' });
  await section.getByLabel(/Bob Silva/).check();
  await section.getByRole('button', { name: 'Save round-robin' }).click();
  await section.getByText('Saved: new conversations go to bob@example.com in turn.').waitFor();
  await expectAccessible(page, 'number page with round-robin');
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await edge.deliver(delivery(NUMBER, { messages: [text('15550009999', 'New here', now)], contacts: [{ wa_id: '15550009999', profile: { name: 'Eve' } }] }))).status, 200);
  await page.goto(`${edge.url}/console/inbox`);
  await page.getByRole('button', { name: /Eve/ }).getByText('Assigned to Bob Silva').waitFor();
  await page.goto(`${edge.url}/console/install`);
  await page.getByText(`Configured and working: you are signed in through ${access.issuer} as ana@example.com.`).waitFor();
  await page.context().close();
});
