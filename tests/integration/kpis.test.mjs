// The KPI table: per number, the Messenger and the project, over 7/30/90 days, and the same
// figures as they would be without the reset (a customer's reset-split conversations merged).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/fixtures.mjs';
import { delivery, text, DAY } from '../support/meta.mjs';

const NUMBER = '106540352242922';
let stack, edge;
before(async () => {
  stack = await startStack();
  edge = stack.edge;
  await stack.connect({ id: NUMBER, label: 'Support', reset_days: 1 });
});
after(async () => { await stack?.stop(); });

test('a reset splits a customer\'s thread; without it the KPIs count one thread', async () => {
  const now = Math.floor(Date.now() / 1000);
  const ana = '15145550101';
  await edge.deliver(delivery(NUMBER, { messages: [text(ana, 'first question', now - 3 * DAY)] }));
  // Three days later: more than the number's 1-day reset, so a new conversation opens.
  await edge.deliver(delivery(NUMBER, { messages: [text(ana, 'second question', now - 60)] }));
  const list = (await edge.adminJson(`/conversations?wa_id=${ana}&status=`)).body;
  assert.equal(list.length, 2);
  const open = list.find((c) => c.status === 'open');
  await edge.adminJson(`/conversations/${open.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Answered' }) });
  await edge.adminJson(`/conversations/${open.id}/close`, { method: 'POST', body: '{}' });
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550102', 'just once', now - 30)] }));

  const r = await edge.adminJson('/kpis?days=7&fresh=1');
  assert.equal(r.status, 200);
  assert.equal(r.body.days, 7);
  const row = r.body.rows.find((x) => x.scope === NUMBER);
  assert.equal(row.label, 'Support');
  assert.equal(row.with_reset.conversations_opened, 3);
  assert.equal(row.with_reset.resets_applied, 1);
  assert.equal(row.with_reset.customers, 2);
  assert.equal(row.with_reset.conversations_per_customer, 1.5);
  assert.equal(row.without_reset.conversations_opened, 2);
  assert.equal(row.without_reset.resets_applied, 0);
  assert.equal(row.without_reset.conversations_per_customer, 1);
  // Resolution: with the reset, the second conversation took about a minute; merged, three days.
  assert.ok(row.with_reset.median_resolution_seconds < 3600);
  assert.ok(row.without_reset.median_resolution_seconds > 2 * DAY);
  assert.ok(row.with_reset.median_first_response_seconds < 3600);
  assert.ok(r.body.rows.some((x) => x.scope === 'messenger'));
  assert.equal(r.body.rows.find((x) => x.scope === 'project').with_reset.conversations_opened, 3);
  assert.equal((await edge.adminJson('/kpis?days=12')).status, 400);
});

test('a report is computed once by D1 and kept for a minute: concurrent readers share it; fresh=1 computes anew', async () => {
  const now = Math.floor(Date.now() / 1000);
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550301', 'counted soon', now - 5)] }));
  const first = await Promise.all(Array.from({ length: 8 }, () => edge.adminJson('/kpis?days=30&fresh=1')));
  assert.ok(first.every((r) => r.status === 200));
  const kept = await edge.adminJson('/kpis?days=30');
  const opened = (r) => r.body.rows.find((x) => x.scope === 'project').with_reset.conversations_opened;
  assert.ok(kept.body.computed_at >= Math.max(...first.map((r) => r.body.computed_at)), 'the kept report is the newest one');
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550302', 'a new customer', now - 1)] }));
  const again = await edge.adminJson('/kpis?days=30');
  assert.equal(again.body.computed_at, kept.body.computed_at, 'served as kept within the minute');
  assert.equal(opened(again), opened(kept));
  const fresh = await edge.adminJson('/kpis?days=30&fresh=1');
  assert.equal(opened(fresh), opened(kept) + 1, 'fresh=1 counts the new conversation');
  assert.equal((await edge.adminJson('/kpis?days=7&fresh=yes')).status, 200);
});

test('?window=closing lists open WhatsApp conversations whose window is open, closing soonest first', async () => {
  const now = Math.floor(Date.now() / 1000);
  const soon = '15145550201';
  const later = '15145550202';
  const expired = '15145550203';
  await edge.deliver(delivery(NUMBER, { messages: [text(later, 'later', now - 2 * 3600)] }));
  await edge.deliver(delivery(NUMBER, { messages: [text(soon, 'soon', now - 23 * 3600 - 1800)] }));
  await edge.deliver(delivery(NUMBER, { messages: [text(expired, 'too late', now - 25 * 3600)] }));
  const r = await edge.adminJson('/conversations?window=closing');
  assert.equal(r.status, 200);
  const order = r.body.map((c) => c.wa_id).filter((w) => [soon, later, expired].includes(w));
  assert.deepEqual(order, [soon, later], 'soonest first; a closed window is not listed');
  const c = r.body.find((x) => x.wa_id === soon);
  assert.equal(c.last_outbound_at, null, 'unanswered');
  await edge.adminJson(`/conversations/${c.id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'On it' }) });
  const answered = (await edge.adminJson('/conversations?window=closing')).body.find((x) => x.wa_id === soon);
  assert.ok(answered.last_outbound_at >= now);
  assert.equal((await edge.adminJson('/conversations?window=whenever')).status, 400);
});

test('the trend is the project week by week, oldest first, each week counting its own conversations', async () => {
  const now = Math.floor(Date.now() / 1000);
  // One conversation opened ten days ago (the week before last's), on top of this week's above.
  await edge.deliver(delivery(NUMBER, { messages: [text('15145550199', 'ten days ago', now - 10 * DAY)] }));
  const r = await edge.adminJson('/kpis/trend?weeks=4');
  assert.equal(r.status, 200);
  const weeks = r.body.weeks;
  assert.equal(weeks.length, 4);
  for (let i = 1; i < weeks.length; i++) assert.equal(weeks[i].from, weeks[i - 1].to, 'consecutive weeks');
  assert.ok(weeks.at(-1).to >= now);
  assert.ok(weeks.at(-1).project.conversations_opened >= 2, JSON.stringify(weeks.at(-1)));
  assert.equal(weeks.at(-2).project.conversations_opened, 1, 'the one ten days ago is the week before');
  assert.equal(weeks[0].project.conversations_opened, 0);
  assert.equal((await edge.adminJson('/kpis/trend')).body.weeks.length, 8, 'eight by default');
  const bad = await edge.adminJson('/kpis/trend?weeks=13');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /weeks must be 1–12/);
});
