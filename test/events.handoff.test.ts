/**
 * Events after commit without a read-back (issue 24): a process's dispatcher hands out the
 * events its own commits appended as the commit told them, reading the outbox only for what
 * it was not told (another process's events, or events rewritten before the commit). What
 * it hands out is what a read of the outbox gives, in id order, once each.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChat } from '../src/domain/chats.js';
import { formatDisplayId } from '../src/domain/ids.js';
import { initOrg } from '../src/domain/orgs.js';
import { createTimelineEntry, deleteTimelineEntry } from '../src/domain/timeline-entries.js';
import type { Principal, StoredEvent } from '../src/model/index.js';
import { Dispatcher } from '../src/realtime/dispatcher.js';
import { StatementCounter, type RootStore } from '../src/store/index.js';
import { openTestStore } from './helpers/store.js';

let store: RootStore;
let close: () => Promise<void>;
let principal: Principal;
let dispatcher: Dispatcher;
const counter = new StatementCounter();
const delivered: StoredEvent[] = [];

beforeAll(async () => {
  ({ store, close } = await openTestStore());
  const { org, user } = await initOrg(store, 'Handoff', 'ada@handoff.test');
  principal = { org, user, tokenId: 0 };
  // The dispatcher's statements are counted; a long poll, so only commits wake it.
  dispatcher = new Dispatcher(store.counting(counter), 60_000, pino({ level: 'silent' }));
  await dispatcher.start();
  dispatcher.subscribe({ orgId: org.id, user, deliver: (event) => delivered.push(event), close: () => undefined });
});

afterAll(async () => {
  await dispatcher?.stop();
  await close?.();
});

/** Until the dispatcher has handed out `count` events in all. */
async function deliveredCount(count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (delivered.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(delivered).toHaveLength(count);
}

describe('the dispatcher, for events its own process committed', () => {
  it('hands them out without reading the outbox: one statement per event, the chat\'s members', async () => {
    const { chat } = await createChat(store, principal, { users: [formatDisplayId('dev_user', principal.user.number)], isDefault: false });
    await deliveredCount(1);
    counter.count = 0;
    const chatId = formatDisplayId('chat', chat.number);
    for (const body of ['one', 'two', 'three']) await createTimelineEntry(store, principal, { object: chatId, body });
    await deliveredCount(4);
    expect(counter.count).toBe(3);
    // Exactly what a read of the outbox gives, in id order.
    const stored = await store.events.after(delivered[0]!.id - 1, 10);
    expect(delivered).toEqual(stored);
  });

  it('reads the outbox for events rewritten before their commit: a delete scrubs the words it carries', async () => {
    const chatId = formatDisplayId('chat', delivered[0]!.payload.chat!.number);
    const entry = await createTimelineEntry(store, principal, { object: chatId, body: 'soon gone' });
    await deliveredCount(5);
    await deleteTimelineEntry(store, principal, formatDisplayId('timeline_comment', entry.number));
    await deliveredCount(6);
    const deleted = delivered[5]!;
    expect(deleted.type).toBe('timeline_entry_deleted');
    expect(deleted.payload.entry!.body).toBeNull();
    expect(deleted).toEqual(await store.events.findById(deleted.id));
  });
});
