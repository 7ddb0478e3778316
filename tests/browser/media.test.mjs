// Media in the console as an agent sees it: a customer's photo as a thumbnail that opens full
// size, a voice note that plays (the audio element knows its duration), a document to download
// with its name, and a file that could not be fetched, with Retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';
import { delivery, mediaMessage } from '../support/meta.mjs';
import { oggOpusSilence } from '../support/ogg-opus.mjs';

const NUMBER = '106540352242922';
const TOKEN = `EAAG${NUMBER}secret`;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
let stack, edge, browser, page;
const cspViolations = [];
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER });
  const now = Math.floor(Date.now() / 1000);
  const contacts = [{ profile: { name: 'Maya Media' }, wa_id: '15145550501' }];
  stack.graph.addMedia({ id: '910000000000001', bytes: PNG, mime_type: 'image/png', token: TOKEN });
  stack.graph.addMedia({ id: '910000000000002', bytes: oggOpusSilence(3), mime_type: 'audio/ogg', token: TOKEN });
  stack.graph.addMedia({ id: '910000000000003', bytes: Buffer.from('%PDF-1.4\n% invoice\n'), mime_type: 'application/pdf', token: TOKEN });
  await edge.deliver(delivery(NUMBER, { contacts, messages: [
    mediaMessage('15145550501', 'image', { id: '910000000000001', mime_type: 'image/png', caption: 'The broken leg' }, now - 30),
    mediaMessage('15145550501', 'audio', { id: '910000000000002', mime_type: 'audio/ogg; codecs=opus', voice: true }, now - 20),
    mediaMessage('15145550501', 'document', { id: '910000000000003', mime_type: 'application/pdf', filename: 'invoice-42.pdf' }, now - 10),
  ] }));
  // Wait until those three are stored (a delivery of more than two goes through the work queue)
  // and fetched (after the answer), then make Graph fail for the fourth.
  await edge.threadOnceStored('15145550501', 3);
  for (let i = 0; i < 100; i++) {
    const [c] = (await edge.adminJson('/conversations?wa_id=15145550501')).body;
    const { body } = await edge.adminJson(`/conversations/${c.id}`);
    if (body.messages.filter((m) => m.media?.state === 'stored').length === 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stack.graph.failMedia(100);
  stack.graph.addMedia({ id: '910000000000004', bytes: PNG, mime_type: 'image/png', token: TOKEN });
  await edge.deliver(delivery(NUMBER, { contacts, messages: [mediaMessage('15145550501', 'image', { id: '910000000000004', mime_type: 'image/png' }, now - 5)] }));
  await new Promise((r) => setTimeout(r, 1500));
  stack.graph.failMedia(0);
  // A hostile customer: an HTML "invoice" and an SVG "photo" that would call home and leave a
  // flag at the console's origin if they ever ran there.
  const home = stack.graph.elsewhere.base;
  const payload = `fetch('${home}/called-home');localStorage.setItem('pwned','1');if(window.opener)window.opener.document.title='pwned';`;
  stack.graph.addMedia({ id: '910000000000005', bytes: Buffer.from(`<html><body><img src="${home}/img-beacon"><script>${payload}</script></body></html>`), mime_type: 'text/html', token: TOKEN });
  stack.graph.addMedia({ id: '910000000000006', bytes: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="${payload}"><script>${payload}</script></svg>`), mime_type: 'image/svg+xml', token: TOKEN });
  await edge.deliver(delivery(NUMBER, { contacts: [{ profile: { name: 'Hana Hostile' }, wa_id: '15145550502' }], messages: [
    mediaMessage('15145550502', 'document', { id: '910000000000005', mime_type: 'text/html', filename: 'invoice.html' }, now - 4),
    mediaMessage('15145550502', 'image', { id: '910000000000006', mime_type: 'image/svg+xml' }, now - 3),
  ] }));
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  // Records the type of every blob the console makes a URL of (the CSP rightly forbids the page
  // to fetch a blob: URL, so the test learns the type where the URL is made).
  await context.addInitScript(() => {
    const make = URL.createObjectURL.bind(URL);
    window.__blobTypes = {};
    URL.createObjectURL = (blob) => { const url = make(blob); window.__blobTypes[url] = blob.type; return url; };
  });
  page = await context.newPage();
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text()); });
  await page.goto(`${edge.url}/console/`);
  await page.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  await page.getByRole('button', { name: /Maya Media/ }).click();
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('the photo shows as a thumbnail that links to the full size', async () => {
  const img = page.getByAltText('Photo from the customer').first();
  await img.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].some((i) => i.complete && i.naturalWidth === 1));
  assert.match(await img.evaluate((i) => i.closest('a').href), /^blob:/);
  await page.getByText('The broken leg', { exact: false }).first().waitFor();
  await page.locator('audio').waitFor();
  await page.getByRole('link', { name: /Download invoice-42\.pdf/ }).waitFor();
  await expectAccessible(page, 'inbox, thread with a photo, a voice note, a document and a file not fetched');
});

test('the voice note plays: the player knows its duration', async () => {
  const audio = page.locator('audio');
  await audio.waitFor();
  const duration = await page.waitForFunction(() => {
    const a = document.querySelector('audio');
    return a && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : null;
  });
  assert.ok(Math.abs((await duration.jsonValue()) - 3) < 0.2);
});

test('the document downloads byte-identical under its own name', async () => {
  const link = page.getByRole('link', { name: /Download invoice-42\.pdf/ });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'invoice-42.pdf');
  const body = await (await import('node:fs/promises')).readFile(await download.path());
  assert.equal(body.toString(), '%PDF-1.4\n% invoice\n');
});

test('a file Graph would not give yet shows why, and Retry now fetches it', async () => {
  const problem = page.locator('.media-problem').first();
  await problem.waitFor();
  await shot(page, 'console-media');
  await problem.getByRole('button', { name: /Retry/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('img.thumb').length === 2);
  assert.equal(await page.locator('.media-problem').count(), 0);
  assert.ok(await page.evaluate(() => document.activeElement?.matches('.media')), 'focus went to the file\'s box, not the page\'s start');
});

test('the agent attaches an image in the composer; WhatsApp receives the upload and the image', async () => {
  const uploads = stack.graph.media.uploads.length;
  await page.setInputFiles('#reply-file', { name: 'label.png', mimeType: 'image/png', buffer: PNG });
  await page.waitForFunction(() => document.querySelectorAll('img.thumb').length === 3);
  assert.equal(stack.graph.media.uploads.length, uploads + 1);
  assert.deepEqual(stack.graph.media.uploads.at(-1).bytes, PNG);
  const sent = stack.graph.sent.at(-1);
  assert.equal(sent.type, 'image');
  assert.equal(sent.image.id, stack.graph.media.uploads.at(-1).id);
  await page.locator('.message.out', { hasText: 'Image' }).getByText('· sent').waitFor();
  await shot(page, 'console-attachment-sent');
  await expectAccessible(page, 'inbox, an attachment sent');
});

test('under the console\'s CSP, pictures, players and the wasm itself work: no violation was reported', async () => {
  assert.match((await page.evaluate(() => fetch('/console/').then((r) => r.headers.get('content-security-policy')))), /script-src 'self' 'wasm-unsafe-eval'/);
  assert.deepEqual(cspViolations, []);
});

test('a customer\'s HTML document and SVG "photo" never run at the console\'s origin: opened, downloaded or forced into a tab', async () => {
  await page.getByRole('button', { name: /Hana Hostile/ }).click();
  const html = page.getByRole('link', { name: /Download invoice\.html/ });
  const svg = page.getByRole('link', { name: /Download image file/ });
  await html.waitFor();
  await svg.waitFor();
  for (const link of [html, svg]) {
    const href = await link.getAttribute('href');
    assert.match(href, /^blob:/);
    assert.notEqual(await link.getAttribute('download'), null, 'a download, never a page');
    assert.equal(await page.evaluate((h) => window.__blobTypes[h], href), 'application/octet-stream');
    // Clicking it downloads.
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.ok(download.suggestedFilename());
    // Forcing it into a tab of its own still renders nothing.
    await page.evaluate((h) => { window.open(h, '_blank'); }, href);
  }
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await page.evaluate(() => localStorage.getItem('pwned')), null, 'no script ran at the console\'s origin');
  assert.notEqual(await page.title(), 'pwned');
  assert.deepEqual(stack.graph.elsewhere.requests, [], 'nothing called home');
  await shot(page, 'console-hostile-files');
  await expectAccessible(page, 'inbox, files offered as downloads only');
});
