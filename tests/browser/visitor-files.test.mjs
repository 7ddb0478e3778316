// Files in the Messenger: a visitor sends a PDF (progress shown), the agent downloads it
// byte-identical from the inbox; an agent's image reaches the visitor; a file of the wrong type
// or over 10 MB is refused in the Messenger before any upload — and again by the edge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startStack } from '../support/fixtures.mjs';
import { launchBrowser, shot } from '../support/browser.mjs';
import { visitor } from '../support/visitor.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% order 7781\n'), Buffer.alloc(300_000, 0x41)]);
let stack, edge, browser, page, agent;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  const { body: settings } = await edge.adminJson('/settings');
  await edge.putSettings({ ...settings, greeting: 'Hi! Send us a photo.' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1000, height: 800 } })).newPage();
  await page.goto(`${edge.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByText('Hi! Send us a photo.').waitFor();
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('the visitor sends a PDF; the agent downloads it byte-identical', async () => {
  const requests = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/widget/attachments')) requests.push(r); });
  await page.setInputFiles('input[type=file]', { name: 'order-7781.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.locator('.sb-visitor .sb-file', { hasText: 'order-7781.pdf' }).waitFor();
  assert.equal(requests.length, 1);
  await shot(page, 'widget-file-sent');

  agent = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  await agent.goto(`${edge.url}/console/`);
  await agent.getByLabel('Admin token').fill(edge.secrets.ADMIN_TOKEN);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await agent.getByRole('link', { name: 'Inbox', exact: true }).click();
  await agent.getByRole('button', { name: /Website visitor/ }).first().click();
  const link = agent.getByRole('link', { name: /Download order-7781\.pdf/ });
  await link.waitFor();
  const [download] = await Promise.all([agent.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'order-7781.pdf');
  assert.deepEqual(await readFile(await download.path()), PDF);
});

test('an image the agent attaches shows in the Messenger', async () => {
  await agent.setInputFiles('#reply-file', { name: 'size-chart.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('.sb-business img.sb-img').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.sb-business img.sb-img').evaluate((i) => i.naturalWidth), 1);
});

test('wrong type or too big: refused in the Messenger with the reason, and by the edge', async () => {
  const uploads = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/widget/attachments')) uploads.push(r); });
  await page.setInputFiles('input[type=file]', { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>1</script>') });
  await page.getByRole('alert').getByText('Only pictures (JPEG, PNG, WebP) and PDFs can be sent here.').waitFor();
  await page.setInputFiles('input[type=file]', { name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(10_000_001) });
  await page.getByRole('alert').getByText('That file is over 10 MB.').waitFor();
  assert.equal(uploads.length, 0, 'nothing uploaded');
  // The edge checks again, whatever a client claims.
  const v = visitor(edge);
  await v.session();
  const post = (body, type) => fetch(`${edge.url}/api/widget/attachments`, { method: 'POST', body, headers: { 'content-type': type, authorization: `Bearer ${v.token}`, 'x-test-client-ip': '198.51.200.9' } });
  assert.equal((await post('<svg/>', 'image/svg+xml')).status, 400);
  assert.equal((await post(Buffer.alloc(10_000_001), 'application/pdf')).status, 413);
});
