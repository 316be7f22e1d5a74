/**
 * The after-commit change bus (src/store/changes.ts), on a real database: listeners hear
 * which tables a write touched once it is committed — never before, never for a rollback,
 * never for a write that touched no row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../src/model/index.js';
import type { Change, RootStore } from '../src/store/index.js';
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
