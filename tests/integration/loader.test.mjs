// /widget.js as the edge serves it: the loader with its launcher's words in the language the
// browser asks for (Accept-Language) and the owner's settings allow, so the host page draws the
// launcher without a request of its own; revalidated by ETag per language; and nothing at all
// while the owner hides the launcher outside opening hours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../support/fixtures.mjs';

const words = (lang) => JSON.parse(readFileSync(new URL(`../../static/widget/i18n/${lang}.json`, import.meta.url)));
let stack, edge, base;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  ({ body: base } = await edge.adminJson('/settings'));
});
after(async () => { await stack?.stop(); });

const loader = (acceptLanguage, headers = {}) =>
  fetch(`${edge.url}/widget.js`, { headers: { ...(acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage }), ...headers } });

/** The words the served loader carries, read back out of it. */
async function served(acceptLanguage) {
  const r = await loader(acceptLanguage);
  assert.equal(r.status, 200);
  const body = await r.text();
  assert.doesNotMatch(body, /LAUNCHER_WORDS/, 'the placeholder is replaced');
  const literal = body.match(/\{"lang":"[^"]+","launcher_open":"[^"]*","load_failed":"[^"]*"\}/);
  assert.ok(literal, 'the words are in the loader');
  return { r, body, words: JSON.parse(literal[0]) };
}

test('the launcher\'s words come with the loader, in the browser\'s best language the Messenger ships', async () => {
  const cases = [
    ['pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7', 'pt-BR'],
    ['pt-AO', 'pt-PT'],
    ['hi-IN, hi;q=0.9', 'hi'],
    ['sw-KE, ja;q=0.5, de;q=0.9', 'de'],   // by quality, not by order
    ['fr;q=0, ar', 'ar'],                   // q=0: not this one
    ['sw-KE', 'en'],                        // nothing shipped: the owner's default
    [undefined, 'en'],
    ['x'.repeat(5000) + ',' + 'ü;q=,,,;;;', 'en'],
    ['es;q=NaN, it;q=2, nl;q=-1, pl;q=0.2', 'pl'],   // not a quality from 0 to 1: left out
  ];
  for (const [asked, lang] of cases) {
    const { r, words: w } = await served(asked);
    assert.deepEqual(w, { lang, launcher_open: words(lang).launcher_open, load_failed: words(lang).load_failed }, String(asked));
    assert.equal(r.headers.get('vary'), 'Accept-Language');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.match(r.headers.get('content-type'), /^text\/javascript/);
    assert.match(r.headers.get('etag'), new RegExp(`-${lang}"$`));
  }
});

test('crafted Accept-Language headers get the loader, never an error', async () => {
  // Qualities that are not numbers mixed with good ones, in long lists: the kind of header whose
  // sorting panics in a crate that orders NaN as "equal" (and a panic stops the Worker).
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 40; i++) {
    const entries = Array.from({ length: 20 + (next() % 60) }, (_, j) =>
      next() % 3 === 0 ? `q${j};q=NaN` : `l${j};q=0.${next() % 1000}`);
    const r = await loader(entries.join(','));
    assert.equal(r.status, 200, entries.join(','));
    assert.match(await r.text(), /"lang":"en"/);
  }
  const huge = await loader(Array.from({ length: 2000 }, (_, j) => `x${j};q=0.${j % 10}`).join(','));
  assert.equal(huge.status, 200);
  assert.match(await huge.text(), /attachShadow/);
});

test('the owner\'s language settings choose the launcher\'s words as they choose the Messenger\'s', async () => {
  try {
    await edge.putSettings({ ...base, language: { default: 'es', always_default: false } });
    assert.equal((await served('sw-KE')).words.lang, 'es', 'the owner\'s default for a language not shipped');
    assert.equal((await served('fr-CA')).words.lang, 'fr', 'the browser\'s own when shipped');
    await edge.putSettings({ ...base, language: { default: 'ja', always_default: true } });
    assert.equal((await served('fr-CA')).words.lang, 'ja', 'always the owner\'s');
  } finally {
    await edge.putSettings(base);
  }
});

test('a browser revalidating its kept loader gets 304 for the same language, the loader for another', async () => {
  const first = await loader('de');
  const etag = first.headers.get('etag');
  assert.match(first.headers.get('cache-control'), /max-age=0/);
  const again = await loader('de', { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(await again.text(), '');
  // Cloudflare weakens an ETag when it compresses the answer; the browser sends it back so.
  assert.equal((await loader('de', { 'if-none-match': `W/${etag}` })).status, 304);
  assert.equal((await loader('de', { 'if-none-match': `"old-de", W/${etag}` })).status, 304);
  const other = await loader('it', { 'if-none-match': etag });
  assert.equal(other.status, 200);
  assert.equal((await served('it')).words.launcher_open, words('it').launcher_open);
  // The same language under another owner's choice is another loader too.
  try {
    await edge.putSettings({ ...base, language: { default: 'pl', always_default: true } });
    const chosen = await loader('de', { 'if-none-match': etag });
    assert.equal(chosen.status, 200);
    assert.match(await chosen.text(), new RegExp(`"launcher_open":"${words('pl').launcher_open}"`));
  } finally {
    await edge.putSettings(base);
  }
});

test('outside opening hours, when the owner hides the launcher, sites get a loader that draws nothing', async () => {
  const week = (spans) => ({ mon: spans, tue: spans, wed: spans, thu: spans, fri: spans, sat: spans, sun: spans });
  const hours = (spans, hide) => ({ enabled: true, time_zone: 'UTC', week: week(spans), exceptions: [], hide_launcher_when_closed: hide });
  try {
    await edge.putSettings({ ...base, opening_hours: hours([], false) });
    assert.match((await served('en')).body, /attachShadow/, 'closed, but the owner keeps the launcher');
    await edge.putSettings({ ...base, opening_hours: hours([], true) });
    const hidden = await loader('en');
    assert.equal(hidden.status, 200);
    assert.equal(hidden.headers.get('cache-control'), 'no-store', 'asked again on the next page view');
    assert.equal(hidden.headers.get('access-control-allow-origin'), '*');
    const body = await hidden.text();
    assert.match(body, /outside opening hours/);
    assert.doesNotMatch(body, /attachShadow|createElement|fetch/);
    await edge.putSettings({ ...base, opening_hours: hours([['00:00', '24:00']], true) });
    assert.match((await served('en')).body, /attachShadow/, 'open: the launcher is back');
  } finally {
    await edge.putSettings(base);
  }
});
