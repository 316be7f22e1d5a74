/**
 * Hidden and absent look alike to a customer (rev user): for anything they may not learn
 * exists, they get exactly the answer they get for something that was never made — the same
 * status, `type` and wording, only the id they sent echoed back.
 */
import { describe, expect, it } from 'vitest';
import { useServer, type Person, type Response } from './helpers/server.js';

const t = useServer();

let counter = 0;
const unique = (name: string) => `${name}${++counter}${Math.random().toString(36).slice(2, 6)}`;

async function setting() {
  const admin = await t.given.org();
  const agent = await t.given.user(admin, 'dev_user', 'agent');
  const other = await t.given.user(admin, 'dev_user', 'other');
  const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  const globex = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Globex' })).body.rev_org.id;
  const alice = await t.given.customer(admin, acme, unique('alice'));
  const rival = await t.given.customer(admin, globex, unique('gina'));
  // The customer's own chat with staff, and one of staff's they are not in.
  const theirs = await t.given.chat(alice, [agent]);
  const staffOnly = await t.given.chat(agent, [other]);
  return { admin, agent, other, alice, rival, theirs, staffOnly };
}

/** An id of the same kind and form as `displayId` that names nothing. */
function neverMade(displayId: string): string {
  const [prefix, number] = displayId.split('-');
  return `${prefix}-${Number(number) + 100_000}`;
}

/** The body with the id the caller sent replaced, so two answers compare whole. */
function withoutId(response: Response, id: string): unknown {
  return JSON.parse(JSON.stringify(response.body).replaceAll(id, '<id>'));
}

/** Asks `path` once about `hiddenId` and once about `absentId` (`body` names each) and expects one answer. */
async function expectAlike(
  person: Person,
  path: string,
  body: (id: string) => Record<string, unknown>,
  [hiddenId, absentId]: [string, string],
  status = 404,
): Promise<void> {
  const hidden = await t.as(person).post(path, body(hiddenId));
  const absent = await t.as(person).post(path, body(absentId));
  expect(absent.status, JSON.stringify(absent.body)).toBe(status);
  expect(hidden.status, JSON.stringify(hidden.body)).toBe(status);
  expect(withoutId(hidden, hiddenId)).toEqual(withoutId(absent, absentId));
}

describe('a customer cannot tell hidden from absent', () => {
  it("in rev-users.get: another rev org's customer is 404 like one never made", async () => {
    const { alice, rival } = await setting();
    const ids: [string, string] = [rival.displayId, neverMade(rival.displayId)];
    await expectAlike(alice, '/rev-users.get', (id) => ({ id }), ids);
    // Changing them is refused the same way, and they still read themselves.
    await expectAlike(alice, '/rev-users.update', (id) => ({ id, display_name: 'x' }), ids);
    expect((await t.as(alice).post('/rev-users.get', { id: alice.id })).status).toBe(200);
  });

  it("in chats.list?users=: a customer of another rev org is 404 like one never made", async () => {
    const { alice, rival } = await setting();
    await expectAlike(alice, '/chats.list', (id) => ({ users: [id] }), [rival.displayId, neverMade(rival.displayId)]);
  });

  it('in private_to: a customer of another rev org is refused like one never made (400 invalid_field, as for any unknown user named in a write)', async () => {
    const { alice, rival, theirs } = await setting();
    const missing = neverMade(rival.displayId);
    const before = await t.snapshot();
    const write = (id: string) => ({ type: 'timeline_comment', object: theirs.id, body: 'psst', private_to: [id] });
    await expectAlike(alice, '/timeline-entries.create', write, [rival.displayId, missing], 400);
    expect((await t.as(alice).post('/timeline-entries.create', write(missing))).body).toMatchObject({ type: 'invalid_field', field_name: 'private_to' });
    expect(await t.snapshot()).toBe(before);
  });

  it('in timeline-entries.get: an entry of a chat they are not in, or one they may not read, is 404 like one never made', async () => {
    const { agent, alice, theirs, staffOnly } = await setting();
    const elsewhere = await t.given.message(agent, staffOnly, 'staff talk');
    const internal = await t.given.message(agent, theirs, 'about the customer', { visibility: 'internal' });
    const missing = neverMade(elsewhere.display_id);
    for (const hidden of [elsewhere, internal]) {
      await expectAlike(alice, '/timeline-entries.get', (id) => ({ id }), [hidden.display_id, missing]);
    }
  });

  it("in chats.get and by a chat's external_ref: a chat they are not in is 404 like one never made", async () => {
    const { alice, staffOnly } = await setting();
    const ids: [string, string] = [staffOnly.display_id, neverMade(staffOnly.display_id)];
    await expectAlike(alice, '/chats.get', (id) => ({ id }), ids);
    await expectAlike(alice, '/timeline-entries.get', (id) => ({ id, external_ref: 'r' }), ids);
  });

  it('in timeline-entries.search with chat: a chat they are not in is 404 like one never made', async () => {
    const { alice, staffOnly } = await setting();
    await expectAlike(alice, '/timeline-entries.search', (chat) => ({ query: 'hello', chat }), [staffOnly.display_id, neverMade(staffOnly.display_id)]);
  });

  it('in chats.mark-read and mark-unread: a chat they are not in, or an entry they may not read, is 404 like one never made', async () => {
    const { agent, alice, theirs, staffOnly } = await setting();
    const elsewhere = await t.given.message(agent, staffOnly, 'staff talk');
    const internal = await t.given.message(agent, theirs, 'about the customer', { visibility: 'internal' });
    const missingEntry = neverMade(elsewhere.display_id);
    const before = await t.snapshot();
    for (const path of ['/chats.mark-read', '/chats.mark-unread']) {
      for (const hidden of [elsewhere, internal]) {
        await expectAlike(alice, path, (entry) => ({ id: theirs.id, entry }), [hidden.display_id, missingEntry]);
      }
    }
    await expectAlike(alice, '/chats.mark-read', (id) => ({ id }), [staffOnly.display_id, neverMade(staffOnly.display_id)]);
    expect(await t.snapshot()).toBe(before);
  });

  it('in the external_ref uniqueness check: a customer sets no external_ref, so an internal entry holding one is not revealed', async () => {
    const { agent, alice, theirs } = await setting();
    await t.given.message(agent, theirs, 'synced from the CRM', { visibility: 'internal', external_ref: 'crm-1' });
    const own = await t.given.message(alice, theirs, 'hello');
    const before = await t.snapshot();
    const refs: [string, string] = ['crm-1', 'crm-2'];
    await expectAlike(alice, '/timeline-entries.create', (ref) => ({ type: 'timeline_comment', object: theirs.id, body: 'mine', external_ref: ref }), refs, 400);
    const update = (ref: string) => ({ type: 'timeline_comment', id: own.id, external_ref: ref });
    await expectAlike(alice, '/timeline-entries.update', update, refs, 400);
    expect((await t.as(alice).post('/timeline-entries.update', update('crm-2'))).body).toMatchObject({ type: 'value_not_permitted', field_name: 'external_ref' });
    expect(await t.snapshot()).toBe(before);
    // Staff keep the chat's refs unique, and a customer still finds a visible entry by its ref.
    const visible = await t.given.message(agent, theirs, 'synced reply', { external_ref: 'crm-3' });
    const clash = await t.as(agent).post('/timeline-entries.create', { type: 'timeline_comment', object: theirs.id, body: 'again', external_ref: 'crm-3' });
    expect(clash.status).toBe(409);
    const found = await t.as(alice).post('/timeline-entries.get', { id: theirs.id, external_ref: 'crm-3' });
    expect(found.body.timeline_entry?.id).toBe(visible.id);
  });
});
