// CSAT: a resolved conversation's customer is asked once — on WhatsApp with reply buttons inside
// the 24-hour window (outside it nothing is sent), in the Messenger with a rating row — and the
// answer rates the conversation it was asked for: late, repeated, or after a new one started,
// never opening a conversation or counting as a reset. KPIs count it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { visitor } from '../support/visitor.mjs';
import { delivery, text, buttonReply, DAY } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support' });
  const r = await edge.adminJson(`/numbers/${NUMBER}`, { method: 'PATCH', body: JSON.stringify({ csat: { enabled: true, question: 'How did we do?' } }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.csat.enabled, true);
});
after(async () => { await stack?.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const say = async (from, body, at = now()) => {
  const r = await edge.deliver(delivery(NUMBER, { messages: [text(from, body, at)] }));
  assert.equal(r.status, 200);
};
const conversationsOf = async (waId) => (await edge.adminJson(`/conversations?wa_id=${waId}&status=`)).body;
const close = (id) => edge.adminJson(`/conversations/${id}/close`, { method: 'POST', body: '{}' });
const surveysSentTo = (waId) => stack.graph.sent.filter((m) => m.type === 'interactive' && m.to === waId);
const kpis = async (days = 30) => (await edge.adminJson(`/kpis?days=${days}&fresh=1`)).body;
const project = (report) => report.rows.find((r) => r.scope === 'project');

test('resolved inside the window: three reply buttons, asked once; the answer rates it, a second replaces it', async () => {
  const ana = '15145550001';
  await say(ana, 'My parcel is late');
  const [c] = await conversationsOf(ana);
  await edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Sorry! Sent today.' }) });
  assert.equal((await close(c.id)).status, 200);
  const [survey] = surveysSentTo(ana);
  assert.ok(survey, 'the survey was sent');
  assert.equal(survey.interactive.body.text, 'How did we do?');
  const buttons = survey.interactive.action.buttons.map((b) => b.reply);
  assert.deepEqual(buttons.map((b) => b.title), ['Great', 'Okay', 'Poor']);
  // Reopened and resolved again: not asked twice.
  await edge.adminJson(`/conversations/${c.id}/reopen`, { method: 'POST', body: '{}' });
  await close(c.id);
  assert.equal(surveysSentTo(ana).length, 1);

  const great = buttons.find((b) => b.title === 'Great').id;
  const r = await edge.deliver(delivery(NUMBER, { messages: [buttonReply(ana, great, 'Great', now())] }));
  assert.deepEqual((({ messages_stored, duplicates }) => ({ messages_stored, duplicates }))(await r.json()), { messages_stored: 1, duplicates: 0 });
  let list = await conversationsOf(ana);
  assert.equal(list.length, 1, 'no conversation opened by the answer');
  assert.equal(list[0].status, 'closed');
  let p = project(await kpis());
  assert.equal(p.with_reset.surveys_answered, 1);
  assert.equal(p.with_reset.csat_percent, 100);

  const poor = buttons.find((b) => b.title === 'Poor').id;
  await edge.deliver(delivery(NUMBER, { messages: [buttonReply(ana, poor, 'Poor', now())] }));
  p = project(await kpis());
  assert.equal(p.with_reset.surveys_answered, 1, 'replaced, not added');
  assert.equal(p.with_reset.csat_percent, 0);
});

test('an answer to an old survey after a new conversation started still rates the old one, with no reset', async () => {
  const ben = '15145550002';
  await say(ben, 'Question one');
  const [first] = await conversationsOf(ben);
  await close(first.id);
  const great = surveysSentTo(ben)[0].interactive.action.buttons[0].reply.id;
  await say(ben, 'Question two');
  assert.equal((await conversationsOf(ben)).length, 2);
  const before = project(await kpis()).with_reset;
  await edge.deliver(delivery(NUMBER, { messages: [buttonReply(ben, great, 'Great', now())] }));
  const list = await conversationsOf(ben);
  assert.equal(list.length, 2, 'still two');
  assert.equal(list.filter((c) => c.status === 'open').length, 1);
  const after = project(await kpis()).with_reset;
  assert.equal(after.surveys_answered, before.surveys_answered + 1);
  assert.equal(after.resets_applied, before.resets_applied, 'not a reset');
  // The answer is in the first conversation's thread.
  const thread = (await edge.adminJson(`/conversations/${first.id}`)).body;
  assert.ok(thread.messages.some((m) => m.type === 'interactive'));
});

test('someone else tapping a copied button does not rate the conversation', async () => {
  const cy = '15145550003';
  await say(cy, 'Hello');
  const [c] = await conversationsOf(cy);
  await close(c.id);
  const id = surveysSentTo(cy)[0].interactive.action.buttons[0].reply.id;
  const answered = project(await kpis()).with_reset.surveys_answered;
  await edge.deliver(delivery(NUMBER, { messages: [buttonReply('15145559999', id, 'Great', now())] }));
  assert.equal(project(await kpis()).with_reset.surveys_answered, answered);
});

test('resolved after the 24-hour window closed: nothing is sent (no template spam)', async () => {
  const dee = '15145550004';
  await say(dee, 'Old question', now() - 2 * DAY);
  const [c] = await conversationsOf(dee);
  assert.equal((await close(c.id)).status, 200);
  assert.equal(surveysSentTo(dee).length, 0);
});

test('the Messenger shows a rating row once resolved; the visitor rates, and may change it; nobody else can', async () => {
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, messenger_csat: { enabled: true, question: 'Rate our chat' } });
  const v = visitor(edge);
  await v.session();
  await v.say('Hi there');
  assert.equal((await v.conversation()).body.survey, null, 'nothing to rate while open');
  const [c] = (await edge.adminJson('/conversations?channel=messenger')).body;
  await close(c.id);
  const { body } = await v.conversation();
  assert.equal(body.survey.question, 'Rate our chat');
  assert.equal(body.survey.score, null);
  const rate = (who, score, id = body.survey.id) => fetch(`${edge.url}/api/widget/rating`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` }, body: JSON.stringify({ survey_id: id, score }),
  });
  let r = await rate(v, 4);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).survey.score, 4);
  r = await rate(v, 2);
  assert.equal((await r.json()).survey.score, 2);
  assert.equal((await rate(v, 9)).status, 400);
  const other = visitor(edge);
  await other.session();
  assert.equal((await rate(other, 5)).status, 404);
  assert.equal((await v.conversation()).body.survey.score, 2);
});

test('auto-resolve (per number, off by default): a quiet conversation is resolved by the cron and surveyed', async () => {
  await edge.adminJson(`/numbers/${NUMBER}`, { method: 'PATCH', body: JSON.stringify({ csat: { enabled: true, question: 'How did we do?', auto_resolve_hours: 1 } }) });
  const eve = '15145550005';
  await say(eve, 'Thanks, that is all', now() - 2 * 3600);
  const fresh = '15145550006';
  await say(fresh, 'Still waiting', now() - 60);
  const r = await fetch(`${edge.url}/__scheduled?cron=*+*+*+*+*`);
  assert.equal(r.status, 200);
  const [quiet] = await conversationsOf(eve);
  assert.equal(quiet.status, 'closed', 'quiet for 2 h with a 1-hour auto-resolve');
  assert.equal(surveysSentTo(eve).length, 1);
  const [busy] = await conversationsOf(fresh);
  assert.equal(busy.status, 'open', 'a customer who wrote a minute ago is left alone');
});
