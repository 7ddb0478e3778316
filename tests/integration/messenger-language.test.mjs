// The visitor's language and the owner's hours, through the widget API: the language chosen from
// data-lang, the browser's languages and the owner's default; the owner's texts per language;
// the prepared WhatsApp message in the visitor's language still claims the handoff; opening hours
// (closed now, open now, across a time zone), the after-hours mark on
// the conversation, and the reply-time promise; settings that are nonsense are refused by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text } from '../support/meta.mjs';
import { visitor, codeFromLink } from '../support/visitor.mjs';

const SUPPORT = '106540352242922';
let stack, edge, base;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: SUPPORT, label: 'Support', display: '+1 555-078-3881' });
  const { body: settings } = await edge.adminJson('/settings');
  base = { ...settings, handoff_enabled: true, default_handoff_number: SUPPORT };
  await edge.putSettings(base);
});
after(async () => { await stack?.stop(); });

const put = (next) => edge.putSettings(() => next);
const settingsNow = async () => (await edge.adminJson('/settings')).body;

test('the language: data-lang, then the browser in its order, then the owner\'s default', async () => {
  const cases = [
    [{ languages: ['sw', 'pt-BR', 'en'] }, 'pt-BR'],
    [{ languages: ['pt'] }, 'pt-BR'],
    [{ languages: ['pt-AO'] }, 'pt-PT'],
    [{ languages: ['es-MX', 'en'] }, 'es'],
    [{ languages: ['de-AT'], lang: 'ja' }, 'ja'],
    [{ languages: ['zh-CN', 'sw'] }, 'en'],
    [{}, 'en'],
  ];
  for (const [asked, expected] of cases) {
    const r = await visitor(edge).session(undefined, asked);
    assert.equal(r.status, 200);
    assert.equal(r.body.language, expected, JSON.stringify(asked));
  }
  // The owner's default, and "always use it".
  await edge.putSettings({ ...(await settingsNow()), language: { default: 'de', always_default: false } });
  assert.equal((await visitor(edge).session(undefined, { languages: ['zh'] })).body.language, 'de');
  assert.equal((await visitor(edge).session(undefined, { languages: ['fr'] })).body.language, 'fr');
  await edge.putSettings({ ...(await settingsNow()), language: { default: 'de', always_default: true } });
  assert.equal((await visitor(edge).session(undefined, { languages: ['fr'] })).body.language, 'de');
  assert.equal((await visitor(edge).session(undefined, { languages: ['fr'], lang: 'it' })).body.language, 'it', 'data-lang still wins');
  await edge.putSettings({ ...(await settingsNow()), language: { default: 'en', always_default: false } });
});

test('the owner\'s texts per language, falling back to the default language\'s', async () => {
  await edge.putSettings({
    ...(await settingsNow()),
    business_name: 'Blue Shop', greeting: 'Hi! How can we help?',
    messenger_csat: { enabled: true, question: 'How did we do?' },
    translations: { 'pt-BR': { greeting: 'Olá! Como podemos ajudar?', rating_question: 'Como foi o atendimento?' } },
  });
  const pt = (await visitor(edge).session(undefined, { languages: ['pt-BR'] })).body;
  assert.equal(pt.greeting, 'Olá! Como podemos ajudar?');
  assert.equal(pt.rating_question, 'Como foi o atendimento?');
  assert.equal(pt.business_name, 'Blue Shop', 'not translated: the default language\'s');
  const de = (await visitor(edge).session(undefined, { languages: ['de'] })).body;
  assert.equal(de.greeting, 'Hi! How can we help?');
  assert.equal(de.rating_question, 'How did we do?');
});

test('the prepared WhatsApp message is in the visitor\'s language and still claims the handoff', async () => {
  const prefill = JSON.parse(readFileSync(new URL('../../static/widget/i18n/pt-BR.json', import.meta.url))).wa_prefill;
  const alice = visitor(edge);
  await alice.session(undefined, { languages: ['pt-BR'] });
  const offer = await alice.handoff(undefined, { prefill });
  assert.equal(offer.status, 200);
  const sent = decodeURIComponent(new URL(offer.body.wa_link).searchParams.get('text'));
  const code = codeFromLink(offer.body.wa_link);
  assert.equal(sent, prefill.replace('{code}', code));
  const r = await edge.deliver(delivery(SUPPORT, { messages: [text('5511988887777', sent, Math.floor(Date.now() / 1000))] }));
  assert.equal((await r.json()).handoffs, 1);
  // A template that would lose the code is not used: the English message carries it.
  const bob = visitor(edge);
  await bob.session();
  for (const bad of ['Olá!', '{code} {code}', 'x'.repeat(301) + '{code}']) {
    const o = await bob.handoff(undefined, { prefill: bad });
    const t = decodeURIComponent(new URL(o.body.wa_link).searchParams.get('text'));
    assert.match(t, /^Hi! I'd like to continue my website chat here\. \(ref SB-/, bad.slice(0, 20));
  }
});

test('nonsense settings are refused and name their field', async () => {
  const now = await settingsNow();
  for (const [change, field] of [
    [{ language: { default: 'klingon' } }, 'language.default'],
    [{ translations: { xx: { greeting: 'hi' } } }, 'translations'],
    [{ translations: { de: { greeting: 'x'.repeat(281) } } }, 'translations.de.greeting'],
    [{ opening_hours: { ...now.opening_hours, enabled: true, time_zone: 'Mars/Olympus' } }, 'opening_hours.time_zone'],
    [{ opening_hours: { ...now.opening_hours, week: { ...now.opening_hours.week, tue: [['18:00', '09:00']] } } }, 'opening_hours.week.tue'],
    [{ opening_hours: { ...now.opening_hours, exceptions: [{ date: '2026-02-30', spans: [] }] } }, 'opening_hours.exceptions[0].date'],
  ]) {
    const r = await put({ ...now, ...change });
    assert.equal(r.status, 400, JSON.stringify(change));
    assert.equal(r.body.field, field, JSON.stringify(r.body));
  }
  assert.deepEqual(await settingsNow(), now, 'nothing changed');
});

test('closed now: the Messenger is told when the team is back, the conversation is marked', async () => {
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const closed = {
    enabled: true, time_zone: 'America/Sao_Paulo',
    week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    exceptions: [{ date: inAMonth, spans: [['09:00', '17:00']] }],
    hide_launcher_when_closed: false,
  };
  await edge.putSettings({ ...(await settingsNow()), opening_hours: closed, away_message: 'Back soon, promise.' });
  const carol = visitor(edge);
  const s = (await carol.session()).body;
  // 09:00 in São Paulo (UTC−3, no daylight saving since 2019) is 12:00 UTC.
  assert.deepEqual(s.hours, { open: false, changes_at_ms: Date.parse(`${inAMonth}T12:00:00Z`) });
  assert.equal(s.away_message, 'Back soon, promise.');
  assert.equal((await carol.say('Anyone there?')).status, 201, 'messages are still taken');
  const [conversation] = (await edge.adminJson('/conversations?channel=messenger')).body.filter((c) => c.visitor_id && c.message_count === 1);
  assert.equal(conversation.opened_after_hours, true);
  // A WhatsApp customer writing now opens a marked conversation too.
  await edge.deliver(delivery(SUPPORT, { messages: [text('4915112345678', 'Hallo?', Math.floor(Date.now() / 1000))] }));
  const [wa] = (await edge.adminJson('/conversations?wa_id=4915112345678')).body;
  assert.equal(wa.opened_after_hours, true);
});

test('open now: the reply-time promise comes from the measured first responses in hours', async () => {
  const always = (spans) => ({ mon: spans, tue: spans, wed: spans, thu: spans, fri: spans, sat: spans, sun: spans });
  // (The promise is measured at most every ten minutes per isolate: the data comes first.)
  await edge.putSettings({
    ...(await settingsNow()),
    show_reply_time: false,
    opening_hours: { enabled: true, time_zone: 'Asia/Tokyo', week: always([['00:00', '24:00']]), exceptions: [], hide_launcher_when_closed: true },
  });
  // A conversation in hours, answered at once.
  const dave = visitor(edge);
  await dave.session();
  await dave.say('Quick question');
  const mine = (await edge.adminJson('/conversations?channel=messenger')).body.find((c) => c.message_count === 1 && !c.opened_after_hours);
  assert.ok(mine, 'opened in hours: not marked');
  assert.equal((await edge.adminJson(`/conversations/${mine.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Sure!' }) })).status, 201);
  assert.equal((await visitor(edge).session()).body.reply_time, undefined, 'not shown unless the owner turns it on');
  await edge.putSettings({ ...(await settingsNow()), show_reply_time: true });
  const session = await visitor(edge).session();
  assert.equal(session.status, 200, JSON.stringify(session.body));
  const s = session.body;
  assert.deepEqual(s.hours, { open: true }, 'open around the clock: no closing within a year');
  assert.equal(s.reply_time, 'minutes');
});
