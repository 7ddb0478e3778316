// The browser bundles' JSON decoder (browser-json/), run as the real wasm on the JS values
// JSON.parse makes: what the edge sends arrives whole; unknown fields are ignored; anything that
// is valid JSON but not the expected shape is refused as a whole, never half-read or panicked on.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadProbe } from '../support/json-probe.mjs';

let probe;
before(async () => { probe = await loadProbe(); });

const REFUSED = 'not understood';
const decode = (kind, value) => {
  const out = probe.decode(kind, typeof value === 'string' ? value : JSON.stringify(value));
  return out === REFUSED ? REFUSED : JSON.parse(out);
};

const message = (over = {}) => ({ id: 'm1', author: 'business', text: 'Hello', sent_at: 1764400000000, ...over });

test('a full conversation arrives whole, attachments, survey and handoff included', () => {
  const conversation = {
    messages: [
      message(),
      message({
        id: 'm2', author: 'visitor', text: 'Invoice "Q3"\nline two 🧾 \u0000 \\', sent_at: 1764400000001,
        attachment: { kind: 'document', mime_type: 'application/pdf', filename: 'q3.pdf', size: 48213 },
      }),
    ],
    older: '1764399990000.17',
    continued_on_whatsapp: {
      wa_link: 'https://wa.me/15550100?text=ref', display_phone_number: '+1 555-0100',
      continued_with: '+1 555 0199', reported_not_me: false,
    },
    survey: { id: 's1', question: 'How did we do?', score: 4 },
  };
  assert.deepEqual(decode('conversation', conversation), conversation);
});

test('fields it does not know, at any depth, are ignored', () => {
  const got = decode('conversation', {
    messages: [{ ...message(), reactions: [{ emoji: '👍', by: [1, 2] }], edited: null }],
    continued_on_whatsapp: null, next_feature: { nested: [true, 1.5, 'x'] },
  });
  assert.deepEqual(got.messages, [message()]);
  assert.equal(got.continued_on_whatsapp, null);
});

test('optional fields may be missing or null', () => {
  const got = decode('conversation', { messages: [], continued_on_whatsapp: null });
  assert.deepEqual(got, { messages: [], older: null, continued_on_whatsapp: null, survey: null });
  const attached = decode('message', message({ attachment: { kind: 'image', mime_type: 'image/png' } }));
  assert.deepEqual(attached.attachment, { kind: 'image', mime_type: 'image/png', filename: null, size: null });
});

test('a quote and a reaction decode; a quote of the wrong shape refuses the message', () => {
  const quote = { id: 'm0', author: 'visitor', excerpt: 'Do you ship to Portugal?' };
  const got = decode('message', message({ quote, reaction: '👍' }));
  assert.deepEqual([got.quote, got.reaction], [quote, '👍']);
  assert.equal(decode('message', message({ quote: { ...quote, author: 'robot' } })), REFUSED);
  assert.equal(decode('message', message({ quote: 'm0' })), REFUSED);
});

test('numbers: whole ones in range are kept exactly, negatives too; fractions and unsafe integers are refused', () => {
  assert.equal(decode('message', message({ sent_at: -5 })).sent_at, -5);
  assert.equal(decode('message', message({ sent_at: 2 ** 53 - 1 })).sent_at, 2 ** 53 - 1);
  assert.equal(decode('message', message({ sent_at: 5.5 })), REFUSED);
  assert.equal(decode('message', '{"id":"m1","author":"visitor","text":"x","sent_at":9007199254740993}'), REFUSED);
  assert.equal(decode('message', message({ sent_at: 1e300 })), REFUSED);
  const survey = (score) => decode('conversation', { messages: [], continued_on_whatsapp: null, survey: { id: 's', question: 'q', score } });
  assert.equal(survey(5).survey.score, 5);
  assert.equal(survey(256), REFUSED, 'a score is a u8');
  assert.equal(survey(-1), REFUSED);
});

test('valid JSON of the wrong shape is refused as a whole', () => {
  for (const [what, body] of [
    ['a string for a number', message({ sent_at: '5' })],
    ['an unknown author', message({ author: 'robot' })],
    ['an author that is not a string', message({ author: { visitor: true } })],
    ['null text', message({ text: null })],
    ['a missing id', (({ id, ...rest }) => rest)(message())],
    ['an array', [message()]],
    ['a number', 42],
    ['a string', 'hello'],
    ['null', null],
    ['a boolean', true],
  ]) {
    assert.equal(decode('message', body), REFUSED, what);
  }
  assert.equal(decode('conversation', { messages: {}, continued_on_whatsapp: null }), REFUSED, 'messages not a list');
  assert.equal(decode('conversation', { messages: [message(), message({ sent_at: 'later' })], continued_on_whatsapp: null }),
    REFUSED, 'one bad message spoils the page (the widget keeps what it had)');
  assert.equal(decode('message', '{"id": "m1", '), REFUSED, 'text that is not JSON');
  assert.equal(decode('message', ''), REFUSED, 'empty text');
});

test('a session and a handoff offer, as the Messenger starts and hands off', () => {
  const session = {
    visitor_token: 'v.tok', business_name: 'Acme', greeting: 'Hi!', accent_color: '#0b7a5c',
    handoff: { phone_number_id: '106540352242922', label: 'Sales' }, turnstile_site_key: null,
  };
  // What an older edge leaves out takes its default: white text on the accent, English.
  const defaults = { accent_text: '#ffffff', language: 'en' };
  assert.deepEqual(decode('session', session), { ...session, ...defaults });
  assert.deepEqual(decode('session', { ...session, handoff: null, turnstile_site_key: undefined }),
    { ...session, ...defaults, handoff: null, turnstile_site_key: null });
  // This round's fields: the language, the owner's texts in it, the hours and the reply time.
  const full = {
    ...session, accent_text: '#111111', language: 'pt-BR', rating_question: 'Como foi?', away_message: 'Já voltamos.',
    hours: { open: false, changes_at_ms: 1764400060000 }, reply_time: 'hour',
  };
  assert.deepEqual(decode('session', full), full);
  assert.equal(decode('session', { ...full, reply_time: 'soon' }), REFUSED, 'an unknown promise');
  assert.equal(decode('session', { ...full, hours: { open: 'no' } }), REFUSED);
  const offer = decode('handoff', { code: 'SB-7Q4K', wa_link: 'https://wa.me/1?text=x', qr_svg: '<svg/>', expires_at: 1764400060000, extra: 1 });
  assert.equal(offer.code, 'SB-7Q4K');
  assert.equal(offer.expires_at, 1764400060000);
  assert.deepEqual(decode('error', { error: 'Too many messages. Wait a minute.' }), { error: 'Too many messages. Wait a minute.' });
  assert.equal(decode('error', { error: 5 }), REFUSED);
});

test('live frames: each kind by its type; unknown or malformed frames are ignored', () => {
  const pushed = { type: 'message', conversation_id: 'c1', message: message() };
  assert.deepEqual(decode('live', pushed), pushed);
  const changed = { type: 'changed', conversation_id: null, change: 'status' };
  assert.deepEqual(decode('live', changed), changed);
  assert.deepEqual(decode('live', { change: 'state', conversation_id: 'c9', type: 'changed' }),
    { type: 'changed', conversation_id: 'c9', change: 'state' }, 'the type need not come first');
  for (const [what, frame] of [
    ['an unknown type', { type: 'typing', conversation_id: 'c1' }],
    ['no type', { conversation_id: 'c1', change: 'status' }],
    ['a type that is not a string', { type: 1, conversation_id: 'c1', change: 'status' }],
    ['an unknown change', { type: 'changed', conversation_id: 'c1', change: 'exploded' }],
    ['a message event without its message', { type: 'message', conversation_id: 'c1' }],
    ['a message event with a broken message', { type: 'message', conversation_id: 'c1', message: message({ sent_at: [] }) }],
    ['an array', [pushed]],
    ['pong', 'pong'],
  ]) {
    assert.equal(probe.decode('live', typeof frame === 'string' ? frame : JSON.stringify(frame)), REFUSED, what);
  }
});

test('request bodies are written as the edge reads them: nulls kept, text byte for byte', () => {
  const text = 'Line "one"\nline two\ttab \\ back 🧵 ünïcödé \u0001';
  assert.deepEqual(JSON.parse(probe.encode('message', JSON.stringify({ text, turnstile_token: null }))),
    { text }, 'a token the visitor does not have is left out');
  assert.deepEqual(JSON.parse(probe.encode('session', '{"visitor_token":null,"number":"Sales"}')),
    { visitor_token: null, number: 'Sales' });
  assert.deepEqual(JSON.parse(probe.encode('rating', '{"survey_id":"s1","score":5}')), { survey_id: 's1', score: 5 });
  assert.deepEqual(JSON.parse(probe.encode('handoff', '{"number":null,"turnstile_token":"t"}')),
    { number: null, turnstile_token: 't' });
});
