// The console's service worker in Debian's chromium: registered at /console/sw.js with scope
// /console/ under the console's CSP, it turns a push (delivered through the DevTools protocol,
// as a push service would hand it to the browser) into a notification naming the customer,
// with the preview as its text and the conversation's page as where a click leads. A push
// whose URL leaves the inbox leads to /console/ instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge } from '../support/edge.mjs';
import { launchBrowser } from '../support/browser.mjs';

let edge, browser;
before(async () => {
  edge = await startEdge();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await edge?.stop(); });

test('a push becomes a notification that names the customer and leads to the conversation', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: edge.url });
  const page = await context.newPage();
  await page.goto(`${edge.url}/console/`);
  const cdp = await context.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  const scope = await page.evaluate(async () => {
    const r = await navigator.serviceWorker.register('/console/sw.js', { scope: '/console/' });
    const ready = await navigator.serviceWorker.ready;
    // A push reaches a worker that is activated: wait for that, not only for "ready".
    const worker = ready.active;
    if (worker && worker.state !== 'activated') {
      await new Promise((done) => worker.addEventListener('statechange', () => worker.state === 'activated' && done()));
    }
    return r.scope;
  });
  assert.equal(scope, `${edge.url}/console/`);
  await cdp.send('ServiceWorker.enable');
  for (let i = 0; i < 50 && !registrations.some((r) => r.scopeURL === scope && !r.isDeleted); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const { registrationId } = registrations.find((r) => r.scopeURL === scope && !r.isDeleted);
  const send = (payload) => cdp.send('ServiceWorker.deliverPushMessage', {
    origin: edge.url, registrationId, data: JSON.stringify(payload),
  });
  const notifications = () => page.evaluate(async () => {
    const r = await navigator.serviceWorker.ready;
    return (await r.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url }));
  });
  const waitFor = async (check, again) => {
    for (let i = 0; i < 100; i++) {
      const shown = await notifications();
      if (check(shown)) return shown;
      // DevTools may hand a push to a worker still waking up (a push service would retry):
      // deliver the same push again now and then (its tag keeps it one notification).
      if (again && i % 25 === 24) await again();
      await new Promise((r) => setTimeout(r, 100));
    }
    return notifications();
  };
  const deliverAndWait = async (payload, check) => {
    await send(payload);
    return waitFor(check, () => send(payload));
  };

  let shown = await deliverAndWait({ title: 'Ana Silva', body: '<b>Is my order on its way?</b>', count: 1, conversation_id: 'conv_ab12', url: '/console/inbox/conv_ab12' }, (s) => s.length === 1);
  assert.deepEqual(shown, [{ title: 'Ana Silva', body: '<b>Is my order on its way?</b>', tag: 'conversation-conv_ab12', url: '/console/inbox/conv_ab12' }]);

  // The same conversation again replaces its notification; a URL out of the inbox is not followed.
  shown = await deliverAndWait({ title: 'Ana Silva', body: '2 new messages · hello?', count: 2, conversation_id: 'conv_ab12', url: 'https://evil.example/' }, (s) => s.length === 1 && s[0].body.startsWith('2 new'));
  assert.deepEqual(shown, [{ title: 'Ana Silva', body: '2 new messages · hello?', tag: 'conversation-conv_ab12', url: '/console/' }]);
  await context.close();
});
