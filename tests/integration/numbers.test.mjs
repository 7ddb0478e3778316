// Numbers, settings and disconnect through the admin API, against the local Worker and the
// Graph API stand-in: validation, Graph errors passed on, encryption at rest, disconnect/reconnect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';

let stack, edge;
before(async () => { stack = await startStack(); edge = stack.edge; });
after(async () => { await stack?.stop(); });

const post = (path, body) => edge.adminJson(path, { method: 'POST', body: JSON.stringify(body) });

test('project settings are read, validated and saved', async () => {
  const { body: defaults } = await edge.adminJson('/settings');
  assert.equal(defaults.reset_days, 7);
  const bad = await edge.putSettings({ ...defaults, accent_color: 'green' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'accent_color');
  const badDays = await edge.putSettings({ ...defaults, reset_days: 0 });
  assert.equal(badDays.status, 400);
  assert.match(badDays.body.error, /reset_days/);
  const unknown = await edge.putSettings({ ...defaults, colour: '#fff' });
  assert.equal(unknown.status, 400);
  const saved = await edge.putSettings({ ...defaults, reset_days: 'off', handoff_enabled: true, allowed_origins: ['https://Shop.Example/'], country_numbers: { DE: '111111111111111' } });
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.allowed_origins, ['https://shop.example']);
  const reread = (await edge.adminJson('/settings')).body;
  assert.equal(reread.reset_days, 'off');
  assert.deepEqual(reread.country_numbers, { DE: '111111111111111' }, 'maps survive the round trip through KV');
  await edge.putSettings(defaults);
});

test('connecting validates with the Graph API and stores what it returns', async () => {
  await stack.graph.addNumber({ phone_number_id: '111111111111111', waba_id: '222', access_token: 'EAAGgood', display_phone_number: '+49 30 1234567', verified_name: 'Shop DE', quality_rating: 'YELLOW' });
  const wrongToken = await post('/numbers', { phone_number_id: '111111111111111', waba_id: '222', access_token: 'EAAGbad', label: 'Germany' });
  assert.equal(wrongToken.status, 400);
  assert.match(wrongToken.body.error, /Invalid OAuth access token.*code 190/);
  const wrongId = await post('/numbers', { phone_number_id: '333333333333333', waba_id: '222', access_token: 'EAAGgood', label: 'Germany' });
  assert.equal(wrongId.status, 400);
  assert.match(wrongId.body.error, /does not exist/);
  assert.deepEqual((await edge.adminJson('/numbers')).body, [], 'a refused connect saves nothing');
  const invalid = await post('/numbers', { phone_number_id: '+49 30', waba_id: '222', access_token: 'EAAGgood', label: 'Germany' });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.field, 'phone_number_id');

  const ok = await post('/numbers', { phone_number_id: '111111111111111', waba_id: '222', access_token: 'EAAGgood', label: 'Germany', reset_days: 30 });
  assert.equal(ok.status, 201);
  assert.equal(ok.body.display_phone_number, '+49 30 1234567');
  assert.equal(ok.body.verified_name, 'Shop DE');
  assert.equal(ok.body.quality_rating, 'YELLOW');
  assert.equal(ok.body.status, 'connected');
  assert.equal(ok.body.effective_reset_days, 30);
  assert.match(ok.body.manager_links.phone_numbers, /^https:\/\/business\.facebook\.com\/.*asset_id=222/);
  assert.match(ok.body.manager_links.two_step_verification, /phone_number_id=111111111111111/);
  assert.equal(JSON.stringify(ok.body).includes('EAAGgood'), false, 'the token is never returned');
  const twice = await post('/numbers', { phone_number_id: '111111111111111', waba_id: '222', access_token: 'EAAGgood', label: 'Again' });
  assert.equal(twice.status, 409);
});

test('the access token is encrypted at rest: no stored file holds it', async () => {
  await stack.connect({ id: '444444444444444', waba: '555', token: 'EAAGplaintext-marker-4444', label: 'Label-marker-4444' });
  const filesHolding = (needle) => {
    try { return execFileSync('grep', ['-rl', needle, edge.statePath]).toString(); } catch { return ''; }
  };
  // The same KV document holds the label in clear, so the search does reach it.
  assert.notEqual(filesHolding('Label-marker-4444'), '');
  assert.equal(filesHolding('EAAGplaintext-marker-4444'), '');
  const listed = JSON.stringify((await edge.adminJson('/numbers')).body);
  assert.equal(listed.includes('EAAGplaintext'), false);
  assert.equal(edge.log().includes('EAAGplaintext'), false, 'nor does the log');
});

test('patching a number changes its settings; null returns reset_days to the project default', async () => {
  await stack.connect({ id: '666666666666666', waba: '777', label: 'Sales' });
  let r = await edge.adminJson('/numbers/666666666666666', { method: 'PATCH', body: JSON.stringify({ label: 'Sales EU', handoff_enabled: false, reset_days: 3 }) });
  assert.equal(r.status, 200);
  assert.equal(r.body.label, 'Sales EU');
  assert.equal(r.body.handoff_enabled, false);
  assert.equal(r.body.effective_reset_days, 3);
  r = await edge.adminJson('/numbers/666666666666666', { method: 'PATCH', body: JSON.stringify({ reset_days: null }) });
  assert.equal(r.body.reset_days, null);
  assert.equal(r.body.effective_reset_days, 7);
  assert.equal((await edge.adminJson('/numbers/666666666666666', { method: 'PATCH', body: JSON.stringify({ reset_days: 366 }) })).status, 400);
  assert.equal((await edge.adminJson('/numbers/666666666666666', { method: 'PATCH', body: JSON.stringify({ colour: 1 }) })).status, 400);
  assert.equal((await edge.adminJson('/numbers/123', { method: 'PATCH', body: JSON.stringify({ label: 'x' }) })).status, 404);
  assert.equal((await edge.adminJson('/numbers/666666666666666')).body.label, 'Sales EU');
});

test('the business profile is read and updated through the Graph API, with its errors passed on', async () => {
  await stack.connect({ id: '888888888888888', waba: '999' });
  const read = await edge.adminJson('/numbers/888888888888888/profile');
  assert.equal(read.status, 200);
  assert.equal(read.body.vertical, 'RETAIL');
  const updated = await post('/numbers/888888888888888/profile', { about: 'Open 9–5', description: 'Chairs and tables', email: 'hi@shop.example', websites: ['https://shop.example'] });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.about, 'Open 9–5');
  assert.deepEqual(updated.body.websites, ['https://shop.example']);
  const tooLong = await post('/numbers/888888888888888/profile', { about: 'x'.repeat(200) });
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.body.error, /about must be at most 139 characters/);
  assert.equal((await edge.adminJson('/numbers/000/profile')).status, 404);
});

test('disconnect stops routing at once, keeps history, gives 2FA guidance; reconnecting resumes', async () => {
  const id = '121212121212121';
  await stack.connect({ id, waba: '343434', label: 'Returns' });
  const user = '16505559999';
  const now = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(id, { messages: [text(user, 'before disconnect', now - 60)] }));
  const [conversation] = (await edge.adminJson(`/conversations?number=${id}`)).body;

  assert.equal((await edge.adminJson(`/numbers/${id}`, { method: 'DELETE' })).status, 400, 'intent is required');
  assert.equal((await edge.adminJson('/numbers/123?intent=reuse', { method: 'DELETE' })).status, 404);
  const reuse = await edge.adminJson(`/numbers/${id}?intent=reuse`, { method: 'DELETE' });
  assert.equal(reuse.status, 200);
  assert.equal(reuse.body.number.status, 'disconnected');
  assert.equal(reuse.body.two_step_verification.must_disable_two_step_verification, false);
  assert.equal(reuse.body.conversations_kept, 1);
  assert.equal((await edge.adminJson(`/numbers/${id}?intent=reuse`, { method: 'DELETE' })).status, 409);

  // While disconnected: acknowledged, kept as unrouted, not (yet) added to the conversation.
  const during = await edge.deliver(delivery(id, { messages: [text(user, 'while disconnected', now - 30)] }));
  assert.equal((await during.json()).unrouted_changes, 1);
  assert.equal((await edge.adminJson(`/conversations/${conversation.id}`)).body.messages.length, 1);

  // Reconnect: what arrived meanwhile joins the conversation, and routing resumes in it.
  await stack.connect({ id, waba: '343434', label: 'Returns' });
  await edge.deliver(delivery(id, { messages: [text(user, 'after reconnect', now)] }));
  const after = (await edge.adminJson(`/conversations/${conversation.id}`)).body;
  assert.deepEqual(after.messages.map((m) => m.text), ['before disconnect', 'while disconnected', 'after reconnect']);

  const migrate = await edge.adminJson(`/numbers/${id}?intent=migrate`, { method: 'DELETE' });
  assert.equal(migrate.status, 200);
  const guidance = migrate.body.two_step_verification;
  assert.equal(guidance.must_disable_two_step_verification, true);
  assert.deepEqual(guidance.steps, ['Open WhatsApp Manager', 'Choose this phone number', 'Open Two-step verification', 'Select Disable and confirm']);
  assert.equal(guidance.link, migrate.body.number.manager_links.two_step_verification);
});
