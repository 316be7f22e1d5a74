/**
 * Store.transaction on PostgreSQL: a transaction aborted for a deadlock or serialization
 * failure runs again, a bounded number of times, and what commits is counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../src/model/index.js';
import { initOrg } from '../../src/domain/orgs.js';
import { MAX_TRANSACTION_ATTEMPTS, type RootStore } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';

const baseUrl = requireTestDatabaseUrl();
let schema: TestSchema;
let store: RootStore;
let one: Org;
let two: Org;

beforeAll(async () => {
  schema = await createTestSchema(baseUrl);
  store = await openStore(schema.url, { poolSize: 4 });
  await store.migrate();
  one = (await initOrg(store, 'one', 'a@one.test')).org;
  two = (await initOrg(store, 'two', 'a@two.test')).org;
});

afterAll(async () => {
  await store?.close();
  await schema?.drop();
});

/** Resolves once `parties` callers are waiting; later callers pass straight through. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++waiting >= parties) open();
    return opened;
  };
}

describe('Store.transaction on PostgreSQL', () => {
  it('runs a transaction again when PostgreSQL aborts it as a deadlock victim', async () => {
    let attempts = 0;
    const bothHoldOneLock = barrier(2);
    // Each takes the row lock on one org's counter, then wants the other's: a deadlock.
    const crosswise = (first: Org, second: Org) =>
      store.transaction(async (tx) => {
        attempts++;
        await tx.orgs.nextNumber(first.id, 'deadlock');
        await bothHoldOneLock();
        return tx.orgs.nextNumber(second.id, 'deadlock');
      });
    const results = await Promise.all([crosswise(one, two), crosswise(two, one)]);
    expect(attempts).toBe(3);
    expect(results.sort()).toEqual([1, 2]);
    // Both committed exactly once; the victim's first try left nothing behind.
    expect(await store.transaction((tx) => tx.orgs.nextNumber(one.id, 'deadlock'))).toBe(3);
    expect(await store.transaction((tx) => tx.orgs.nextNumber(two.id, 'deadlock'))).toBe(3);
  });

  it('gives up after a bounded number of attempts and reports the last failure', async () => {
    let attempts = 0;
    const serializationFailure = Object.assign(new Error('could not serialize access'), { code: '40001' });
    await expect(
      store.transaction(async (tx) => {
        attempts++;
        await tx.orgs.nextNumber(one.id, 'doomed');
        throw serializationFailure;
      }),
    ).rejects.toBe(serializationFailure);
    expect(attempts).toBe(MAX_TRANSACTION_ATTEMPTS);
    // None of the attempts committed.
    expect(await store.transaction((tx) => tx.orgs.nextNumber(one.id, 'doomed'))).toBe(1);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    const bug = new Error('a bug');
    await expect(
      store.transaction(async () => {
        attempts++;
        throw bug;
      }),
    ).rejects.toBe(bug);
    expect(attempts).toBe(1);
  });
});
