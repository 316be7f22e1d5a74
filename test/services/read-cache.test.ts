/**
 * Users and chats are cached in each process on PostgreSQL (src/store/read-cache.ts), kept
 * exact across processes by the change relay, which carries the rows each commit named: a
 * member removed from a chat through one process is refused by every other process within
 * 100 ms, and a renamed user is shown renamed there as soon. Where the relay cannot be
 * trusted — its listening connection lost — the caches are off, so the refusal is at once.
 * Measured as in grant-cache.test.ts: from A's answer to B's first refusal, polled every 10 ms.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import type { ServeProcess } from '../helpers/process.js';
import { Client } from '../helpers/server.js';
import { useTwoProcesses } from '../helpers/two-processes.js';

const baseUrl = requireTestDatabaseUrl();
const BOUND_MS = 100;
const POLL_MS = 10;

const processes = useTwoProcesses('Reads');
let schema: TestSchema;
let a: ServeProcess;
let b: ServeProcess;
let adminToken: string;
let adminId: string;
beforeAll(() => {
  ({ schema, a, b, adminToken, adminId } = processes);
});

const viaA = () => new Client(a.url, `Bearer ${adminToken}`);

const newUser = (server: ServeProcess) => processes.newUser(server);

/** A chat of the admin and `memberId`, made through A, that `client` (of B) has read twice: cached there. */
async function warmChat(memberId: string, client: Client): Promise<string> {
  const created = await viaA().post('/chats.create', { type: 'dm', users: [adminId, memberId], is_default: false });
  expect(created.status).toBe(201);
  const id = created.body.chat.id;
  for (let i = 0; i < 2; i++) expect((await client.get('/chats.get', { id })).status).toBe(200);
  return id;
}

/** Polls `read` (a request to B) until `done` says so; the ms from the moment this was called. */
async function msUntil(read: () => Promise<{ status: number; body: any }>, done: (res: { status: number; body: any }) => boolean): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    const res = await read();
    const elapsed = performance.now() - startedAt;
    if (done(res)) return elapsed;
    expect(res.status).toBe(200);
    if (elapsed > 5_000) throw new Error('process B never saw the change');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const removeAllBut = (chatId: string) => viaA().post('/chats.update', { id: chatId, users: { set: [adminId] } });
const refused = (res: { status: number; body: any }) => res.status === 403 && res.body.type === 'forbidden';

/** The backends that LISTEN for this schema's processes (see grant-cache.test.ts). */
function listenersOfThisSchema(): string {
  const prefix = `confab_${createHash('sha256').update(schema.url).digest('hex').slice(0, 16)}_`;
  return `from pg_stat_activity where query like 'LISTEN ${prefix}%' and pid <> pg_backend_pid()`;
}

async function countListeners(): Promise<number> {
  return (await admin(baseUrl, `select count(*)::int as n ${listenersOfThisSchema()}`)).rows[0].n;
}

/** Keeps cutting the listeners (they reopen within ~50 ms) until the returned function is called. */
function keepListenersCut(): () => Promise<void> {
  let cutting = true;
  const loop = (async () => {
    while (cutting) {
      await admin(baseUrl, `select pg_terminate_backend(pid) ${listenersOfThisSchema()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return async () => {
    cutting = false;
    await loop;
  };
}

describe('user and chat caches across two processes on one PostgreSQL', () => {
  it(`refuses through B a member removed through A within ${BOUND_MS} ms`, async () => {
    const member = await newUser(b);
    const chatId = await warmChat(member.id, member.client);
    expect((await removeAllBut(chatId)).status).toBe(200);
    const ms = await msUntil(() => member.client.get('/chats.get', { id: chatId }), refused);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
  });

  it(`shows through B a user renamed through A within ${BOUND_MS} ms`, async () => {
    const member = await newUser(b);
    const chatId = await warmChat(member.id, member.client);
    const renamed = `renamed-${Math.random().toString(36).slice(2)}`;
    expect((await viaA().post('/dev-users.update', { id: member.id, display_name: renamed })).status).toBe(200);
    const nameOnB = (res: { body: any }) => res.body.chat?.users?.find((user: { id: string }) => user.id === member.id)?.display_name;
    const ms = await msUntil(() => member.client.get('/chats.get', { id: chatId }), (res) => res.status === 200 && nameOnB(res) === renamed);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
  });

  it('refuses through B at once a member removed through A while the relay is cut off, and caches again once it listens anew', async () => {
    const member = await newUser(b);
    const chatId = await warmChat(member.id, member.client);
    expect(await countListeners()).toBe(4);
    const stopCutting = keepListenersCut();
    try {
      await expect.poll(countListeners).toBe(0);
      // No NOTIFY reaches B now: it must not answer from what it cached while it heard A.
      expect((await removeAllBut(chatId)).status).toBe(200);
      const res = await member.client.get('/chats.get', { id: chatId });
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('forbidden');
    } finally {
      await stopCutting();
    }

    await expect.poll(countListeners, { timeout: 10_000 }).toBe(4);
    const again = await newUser(b);
    const otherChat = await warmChat(again.id, again.client);
    expect((await removeAllBut(otherChat)).status).toBe(200);
    const ms = await msUntil(() => again.client.get('/chats.get', { id: otherChat }), refused);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
  });
});
