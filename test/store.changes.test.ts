/**
 * The after-commit change bus (src/store/changes.ts), on a real database: listeners hear
 * which tables a write touched once it is committed — never before, never for a rollback,
 * never for a write that touched no row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../src/model/index.js';
import { touchedKeys, type Change, type RootStore, type RowWrite } from '../src/store/index.js';
import { openTestStore } from './helpers/store.js';

let store: RootStore;
let close: () => Promise<void>;
const heard: string[][] = [];

beforeAll(async () => {
  ({ store, close } = await openTestStore());
  store.changes.on((change: Change) => heard.push([...change.tables].sort()));
});
afterAll(() => close());

describe('the change bus', () => {
  it('tells the tables of a committed transaction once, after the commit', async () => {
    heard.length = 0;
    let heardInside = -1;
    await store.transaction(async (tx) => {
      const org = await tx.orgs.insert(`bus${Date.now()}`, 'Bus', now());
      await tx.orgs.nextNumber(org.id, 'chat');
      heardInside = heard.length;
    });
    expect(heardInside).toBe(0);
    expect(heard).toEqual([['orgs', 'sequences']]);
  });

  it('tells nothing of a transaction that rolled back', async () => {
    heard.length = 0;
    await expect(
      store.transaction(async (tx) => {
        await tx.orgs.insert(`gone${Date.now()}`, 'Gone', now());
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(heard).toEqual([]);
  });

  it('tells nothing of a write that touched no row', async () => {
    heard.length = 0;
    await store.tokens.revoke(-1, now());
    expect(heard).toEqual([]);
  });

  it('tells a write outside a transaction once it has run', async () => {
    heard.length = 0;
    await store.orgs.insert(`solo${Date.now()}`, 'Solo', now());
    expect(heard).toEqual([['orgs']]);
  });
});

describe('the change bus and RETURNING', () => {
  it('tells nothing of a claim that claimed no delivery, so the webhook worker does not wake itself', async () => {
    heard.length = 0;
    const claimed = await store.webhooks.claimDue(now(), now(), 10);
    expect(claimed).toEqual([]);
    expect(heard).toEqual([]);
  });
});

describe('the rows a change names', () => {
  const writes: RowWrite[][] = [];
  let chatId: number;
  let authorId: number;

  beforeAll(async () => {
    store.changes.on((change: Change) => writes.push([...(change.writes ?? [])]));
    const at = now();
    const org = await store.orgs.insert(`rows${Date.now()}`, 'Rows', at);
    const users = await store.users.insertMany(
      [1, 2].map((number) => ({ orgId: org.id, number, type: 'dev_user' as const, email: null, displayName: `u${number}`, fullName: null, state: 'active' as const, isAdmin: false, at })),
    );
    const [first, second] = [users.get(1)!, users.get(2)!];
    authorId = first;
    const members = [first, second];
    chatId = await store.chats.insert({
      ...{ orgId: org.id, number: 1, title: null, isDefault: false, memberKey: members.join(','), customFields: null, records: [] },
      ...{ userIds: members, groupIds: [], createdBy: first, vouched: true, at },
    });
  });

  it('tells an update by key with the columns it set, and a new row as inserted', async () => {
    writes.length = 0;
    await store.chats.touch(chatId, now());
    // The members' copies of the activity follow (a trigger on SQLite, a CTE on PostgreSQL: store/chats.ts `touch`).
    expect(writes[0]![0]).toEqual({ table: 'chats', columns: ['modified_at', 'activity_at'], keys: { id: [String(chatId)] } });
    for (const write of writes[0]!.slice(1)) expect(write).toMatchObject({ columns: ['activity_at'], keys: { chat_id: [String(chatId)] } });
    const [change] = writes;
    const told: Change = { tables: new Set(['chats']), writes: change };
    expect(touchedKeys(told, 'chats', 'id')).toEqual(new Set([String(chatId)]));
    expect(touchedKeys(told, 'chats', 'id', { ignoredColumns: ['modified_at', 'activity_at'] })).toEqual(new Set());
    expect(touchedKeys(told, 'chat_users', 'chat_id')).toEqual(new Set());
    expect(touchedKeys({ tables: new Set(['chats']) }, 'chats', 'id')).toBe('all');
  });

  it('tells the rows of a transaction\'s writes once it commits', async () => {
    writes.length = 0;
    await store.transaction(async (tx) => tx.chats.update(chatId, { title: 'renamed', modifiedBy: authorId, vouched: true, at: now() }));
    expect(writes).toEqual([[{ table: 'chats', columns: ['title', 'modified_by', 'modified_at'], keys: { id: [String(chatId)] } }]]);
  });

  it('counts a write whose condition names no key as touching any row', () => {
    const anyChatRow: Change = { tables: new Set(['chats']), writes: [{ table: 'chats', columns: ['title'], keys: {} }] };
    expect(touchedKeys(anyChatRow, 'chats', 'id')).toBe('all');
    expect(touchedKeys({ tables: new Set(['*']) }, 'users', 'id')).toBe('all');
  });
});
