/**
 * The identity lists' cursors are sealed like the timeline's: HMAC-signed under the
 * server's secret and bound to the organization and the list. Anything else — made up,
 * edited, cut short, or genuine but another list's or another organization's — is
 * 400 invalid_field on `cursor`, and reads nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();
let ada: Person;
let zed: Person;
let adaGroup: string;
let zedGroup: string;

interface List {
  path: string;
  /** Extra request fields, for the organization of `person`. */
  fields(person: Person): Record<string, unknown>;
}

const lists: List[] = [
  { path: '/dev-users.list', fields: () => ({}) },
  { path: '/rev-users.list', fields: () => ({}) },
  { path: '/rev-orgs.list', fields: () => ({}) },
  { path: '/groups.list', fields: () => ({}) },
  { path: '/groups.members.list', fields: (person) => ({ group: person === ada ? adaGroup : zedGroup }) },
];

async function populate(admin: Person): Promise<string> {
  const members = [await t.given.user(admin), await t.given.user(admin), admin];
  const group = (await t.as(admin).post('/groups.create', { name: 'team', description: 'a team' })).body.group.id as string;
  await t.as(admin).post('/groups.create', { name: 'team-2', description: 'another' });
  for (const member of members) {
    expect((await t.as(admin).post('/groups.members.add', { group, member: member.id })).status).toBe(200);
  }
  for (const name of ['one', 'two']) {
    const revOrg = (await t.as(admin).post('/rev-orgs.create', { display_name: name })).body.rev_org.id;
    expect((await t.as(admin).post('/rev-users.create', { display_name: name, rev_org: revOrg })).status).toBe(201);
  }
  return group;
}

beforeAll(async () => {
  ada = await t.given.org();
  zed = await t.given.org();
  adaGroup = await populate(ada);
  zedGroup = await populate(zed);
});

async function firstCursor(person: Person, list: List): Promise<string> {
  const page = await t.as(person).post(list.path, { ...list.fields(person), limit: 1 });
  expect(page.status, list.path).toBe(200);
  expect(page.body.next_cursor, list.path).toEqual(expect.any(String));
  return page.body.next_cursor;
}

async function expectRefused(list: List, cursor: string, label: string) {
  const response = await t.as(ada).post(list.path, { ...list.fields(ada), cursor });
  expect(response.status, `${list.path} ${label}`).toBe(400);
  expect(response.body, `${list.path} ${label}`).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
}

describe('identity list cursors', () => {
  it('page through every list with the cursor each page returned', async () => {
    for (const list of lists) {
      const cursor = await firstCursor(ada, list);
      const next = await t.as(ada).post(list.path, { ...list.fields(ada), limit: 1, cursor });
      expect(next.status, list.path).toBe(200);
    }
  });

  it('refuse an unsigned cursor naming the right list and organization', async () => {
    const scopes: Record<string, string> = {
      '/dev-users.list': 'dev-users',
      '/rev-users.list': 'rev-users',
      '/rev-orgs.list': 'rev-orgs',
      '/groups.list': 'groups',
    };
    for (const list of lists.filter(({ path }) => scopes[path])) {
      const forged = Buffer.from(JSON.stringify({ s: `${ada.org.slug}:${scopes[list.path]}`, a: 0 })).toString('base64url');
      await expectRefused(list, forged, 'unsigned');
    }
  });

  it('refuse a genuine cursor with its position edited, or cut short', async () => {
    for (const list of lists) {
      const cursor = await firstCursor(ada, list);
      const [version, payload, signature] = cursor.split('.');
      const body = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
      const edited = Buffer.from(JSON.stringify({ ...body, a: 0 })).toString('base64url');
      await expectRefused(list, `${version}.${edited}.${signature}`, 'edited');
      await expectRefused(list, cursor.slice(0, -1), 'truncated by one');
      await expectRefused(list, cursor.slice(0, cursor.lastIndexOf('.')), 'without its signature');
      await expectRefused(list, cursor.slice(0, 10), 'truncated to 10');
    }
  });

  it("refuse another organization's cursor for the same list", async () => {
    for (const list of lists) await expectRefused(list, await firstCursor(zed, list), "zed's");
  });

  it("refuse another list's cursor", async () => {
    for (const [index, list] of lists.entries()) {
      const other = lists[(index + 1) % lists.length]!;
      await expectRefused(list, await firstCursor(ada, other), `${other.path}'s`);
    }
  });

  it('refuse garbage and change nothing', async () => {
    const before = await t.snapshot();
    for (const list of lists) {
      for (const cursor of ['garbage!', 'e30', 'v1..', 'v1.e30.', 'v1.e30.x.y', '.'.repeat(100)]) await expectRefused(list, cursor, cursor);
    }
    expect(await t.snapshot()).toBe(before);
  });
});
