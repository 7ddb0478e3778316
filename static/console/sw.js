// The console's service worker (scope /console/): shows the notification a Web Push carries
// while the console is closed, and opens — or focuses — that conversation when it is clicked.
// The push's JSON comes from the edge (core::web_push::payload): { title, body, count,
// conversation_id, url }. Everything is shown as notification text, never as HTML, and the
// click only ever opens a page under /console/.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const INBOX = '/console/inbox/';

function read(event) {
  try {
    const data = event.data ? event.data.json() : {};
    return typeof data === 'object' && data !== null ? data : {};
  } catch {
    return {};
  }
}

self.addEventListener('push', (event) => {
  const data = read(event);
  const title = typeof data.title === 'string' && data.title ? data.title : 'New message';
  const url = typeof data.url === 'string' && data.url.startsWith(INBOX) ? data.url : '/console/';
  const options = {
    body: typeof data.body === 'string' ? data.body : '',
    // One notification per conversation: a later push replaces it (and alerts again).
    tag: typeof data.conversation_id === 'string' ? `conversation-${data.conversation_id}` : 'switchboard',
    renotify: true,
    data: { url },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = event.notification.data?.url ?? '/console/';
  const target = new URL(path, self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    // An open console tab: bring it there; otherwise open a new one.
    const open = windows.find((w) => new URL(w.url).pathname.startsWith('/console'));
    if (open) {
      await open.focus();
      if ('navigate' in open) return open.navigate(target).catch(() => self.clients.openWindow(target));
      return undefined;
    }
    return self.clients.openWindow(target);
  })());
});
