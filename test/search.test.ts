import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

async function post(author: Person, object: string, body: string, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object, body, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.timeline_entry;
}

async function search(person: Person, body: Record<string, unknown>): Promise<any> {
  const response = await t.as(person).post('/timeline-entries.search', body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const found = (page: any): string[] => page.results.map((result: any) => result.timeline_entry.body);

async function world() {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cy = await t.given.user(ada);
  const dm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false })).body.chat;
  const other = (await t.as(cy).post('/chats.create', { type: 'dm', users: [cy.id, bob.id], is_default: false })).body.chat;
  return { ada, bob, cy, dm, other };
}

describe('timeline-entries.search', () => {
  it('finds what the caller may read, every word matched, with the words marked', async () => {
    const { ada, bob, cy, dm, other } = await world();
    await post(ada, dm.id, 'The launch is on Friday <b>really</b>');
    await post(bob, dm.id, 'launch party after');
    await post(cy, other.id, 'launch secrets for cy and bob');
    await post(ada, dm.id, 'only for bob: launch codes', { private_to: [bob.id] });
    await post(ada, dm.id, 'nothing to see');

    const page = await search(ada, { query: 'LAUNCH friday' });
    expect(found(page)).toEqual(['The launch is on Friday <b>really</b>']);
    expect(page.results[0].snippet).toBe('The <mark>launch</mark> is on <mark>Friday</mark> &#60;b&#62;really&#60;/b&#62;');
    expect(page.results[0].timeline_entry.object).toBe(dm.id);
    expect(found(await search(ada, { query: 'launch' })).sort()).toEqual(
      ['The launch is on Friday <b>really</b>', 'launch party after', 'only for bob: launch codes'].sort(),
    );
    expect(found(await search(bob, { query: 'launch' })).length).toBe(4);
    expect(found(await search(bob, { query: 'launch', chat: other.id }))).toEqual(['launch secrets for cy and bob']);
    expect(found(await search(cy, { query: 'launch' }))).toEqual(['launch secrets for cy and bob']);
    const outsider = await t.given.user(ada);
    expect(await search(outsider, { query: 'launch' })).toEqual({ results: [] });
    // A private entry is found only by its author and private_to, even by a member of its chat.
    await t.as(ada).post('/chats.update', { id: dm.id, users: { set: [ada.id, bob.id, outsider.id] } });
    expect(found(await search(outsider, { query: 'launch' })).sort()).toEqual(['The launch is on Friday <b>really</b>', 'launch party after'].sort());
  });

  it('keeps the index in step with edits and deletes, and answers GET too', async () => {
    const { ada, dm } = await world();
    const entry = await post(ada, dm.id, 'draft wording');
    expect(found(await search(ada, { query: 'draft' }))).toEqual(['draft wording']);
    await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'final wording' });
    expect(found(await search(ada, { query: 'draft' }))).toEqual([]);
    const viaGet = await t.as(ada).get('/timeline-entries.search', { query: 'final' });
    expect(viaGet.status).toBe(200);
    expect(found(viaGet.body)).toEqual(['final wording']);
    await t.as(ada).post('/timeline-entries.delete', { id: entry.id });
    expect(found(await search(ada, { query: 'wording' }))).toEqual([]);
  });

  it('pages by cursor, each hit once', async () => {
    const { ada, dm } = await world();
    for (let i = 0; i < 7; i++) await post(ada, dm.id, `status report ${i}`);
    const seen: string[] = [];
    let page = await search(ada, { query: 'report', limit: 3 });
    seen.push(...found(page));
    while (page.next_cursor) {
      page = await search(ada, { query: 'report', limit: 3, cursor: page.next_cursor });
      seen.push(...found(page));
    }
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `status report ${i}`));
  });

  it('treats search syntax as plain words, and refuses a query of nothing but syntax or over 1,000 characters', async () => {
    const { ada, dm } = await world();
    await post(ada, dm.id, 'alpha OR beta');
    for (const query of ['"alpha', 'alpha*', 'body:alpha', 'alpha NEAR(beta)', 'alpha & !beta', "alpha'); drop table chats; --"]) {
      const response = await t.as(ada).post('/timeline-entries.search', { query });
      expect(response.status, query).toBe(200);
    }
    expect(found(await search(ada, { query: '"alpha" AND (beta)' }))).toEqual([]);
    expect(found(await search(ada, { query: 'alpha* beta:' }))).toEqual(['alpha OR beta']);
    const cursor = (await search(ada, { query: 'alpha' })).next_cursor;
    expect(cursor).toBeUndefined();
    const cases: [Record<string, unknown>, string][] = [
      [{ query: '"* ( ) : ^ -' }, 'query'],
      [{ query: '' }, 'query'],
      [{ query: 'a'.repeat(1001) }, 'query'],
      [{ query: 'alpha', limit: 0 }, 'limit'],
      [{ query: 'alpha', limit: 101 }, 'limit'],
      [{ query: 'alpha', cursor: 'v1.x.y' }, 'cursor'],
      [{ query: 'alpha', chat: ada.id }, 'chat'],
    ];
    for (const [body, field] of cases) {
      const response = await t.as(ada).post('/timeline-entries.search', body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.body.field_name).toBe(field);
    }
  });

  it("refuses another user's cursor, and another organization's chat is 404", async () => {
    const { ada, bob, dm } = await world();
    for (let i = 0; i < 3; i++) await post(ada, dm.id, `memo ${i}`);
    const cursor = (await search(ada, { query: 'memo', limit: 1 })).next_cursor;
    const foreign = await t.as(bob).post('/timeline-entries.search', { query: 'memo', limit: 1, cursor });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    const eve = await t.given.org();
    expect((await t.as(eve).post('/timeline-entries.search', { query: 'memo', chat: dm.id })).status).toBe(404);
    expect(await search(eve, { query: 'memo' })).toEqual({ results: [] });
  });
});

describe('search.core', () => {
  it("finds the caller's organization's people, groups and customers in DevRev's result shapes, best match first", async () => {
    const admin = await t.given.org();
    const ann = await t.given.user(admin, 'dev_user', 'annika');
    const anna = await t.given.user(admin, 'dev_user', 'anna');
    await t.as(admin).post('/groups.create', { name: 'Annex team', description: 'x' });
    await t.as(admin).post('/rev-orgs.create', { display_name: 'Hosanna Corp' });
    await t.as(admin).post('/service-accounts.create', { display_name: 'ann-bot' });
    const eve = await t.given.org();
    await t.given.user(eve, 'dev_user', 'anna');

    const response = await t.as(admin).post('/search.core', { query: 'ANNA' });
    expect(response.status).toBe(200);
    expect(response.body.results.map((result: any) => result.type)).toEqual(['user', 'org']);
    expect(response.body.results[0].user).toMatchObject({ id: anna.id, display_name: 'anna' });
    expect(response.body.results[1].org).toMatchObject({ type: 'rev_org', display_name: 'Hosanna Corp' });

    const ann3 = await t.as(admin).get('/search.core', { query: 'ann', namespaces: ['dev_user', 'group', 'service_account'] });
    expect(ann3.status).toBe(200);
    const names = ann3.body.results.map((result: any) => result.user?.display_name ?? result.group?.name);
    expect(names).toEqual(['ann-bot', 'anna', 'annika', 'Annex team'].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(ann.id).toBeTruthy();
    expect((await t.as(admin).post('/search.core', { query: 'ann', namespaces: ['ticket'] })).body).toEqual({ results: [] });
  });

  it('pages by cursor, and refuses a query of no words, over 1,000 characters, a bad namespace or limit with 400', async () => {
    const admin = await t.given.org();
    for (let i = 0; i < 4; i++) await t.given.user(admin, 'dev_user', `zed${i}`);
    const first = await t.as(admin).post('/search.core', { query: 'zed', limit: 3 });
    expect(first.body.results).toHaveLength(3);
    const second = await t.as(admin).post('/search.core', { query: 'zed', limit: 3, cursor: first.body.next_cursor });
    expect(second.body.results).toHaveLength(1);
    expect(second.body.next_cursor).toBeUndefined();
    const cases: [Record<string, unknown>, string][] = [
      [{ query: '%%' }, 'query'],
      [{ query: 'x'.repeat(1001) }, 'query'],
      [{ query: 'zed', namespaces: ['nope'] }, 'namespaces[0]'],
      [{ query: 'zed', limit: 101 }, 'limit'],
      [{ query: 'zed', cursor: first.body.next_cursor.slice(0, -1) }, 'cursor'],
    ];
    for (const [body, field] of cases) {
      const response = await t.as(admin).post('/search.core', body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body.field_name).toBe(field);
    }
  });
});

describe('search, as a customer', () => {
  async function setting() {
    const admin = await t.given.org();
    const agent = await t.given.user(admin, 'dev_user', 'zoe-agent');
    await t.given.user(admin, 'dev_user', 'zoe-staff');
    await t.given.user(admin, 'service_account', 'zoe-bot');
    const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Zoe Acme' })).body.rev_org.id;
    const globex = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Zoe Globex' })).body.rev_org.id;
    const zoe = await t.given.customer(admin, acme, 'zoe-acme-1');
    await t.given.customer(admin, acme, 'zoe-acme-2');
    await t.given.customer(admin, globex, 'zoe-globex');
    await t.as(admin).post('/groups.create', { name: 'zoe staff group', description: 'x' });
    await t.as(admin).post('/groups.create', { name: 'zoe customers group', description: 'x', member_type: 'rev_user' });
    return { admin, agent, zoe };
  }

  it('finds staff, bots, staff groups and their own rev org and its people; never another customer or rev org', async () => {
    const { admin, zoe } = await setting();
    const response = await t.as(zoe).post('/search.core', { query: 'zoe' });
    expect(response.status).toBe(200);
    const names = response.body.results.map((result: any) => result.user?.display_name ?? result.group?.name ?? result.org?.display_name).sort();
    expect(names).toEqual(['Zoe Acme', 'zoe staff group', 'zoe-acme-1', 'zoe-acme-2', 'zoe-agent', 'zoe-bot', 'zoe-staff'].sort());
    // The same query as staff finds the other customers too: the filter is the customer's.
    const staff = await t.as(admin).post('/search.core', { query: 'zoe' });
    expect(staff.body.results).toHaveLength(10);
  });

  it('shows staff without email, except those the customer shares a chat with', async () => {
    const { agent, zoe } = await setting();
    const before = await t.as(zoe).post('/search.core', { query: 'zoe-agent' });
    expect(before.body.results[0].user.display_name).toBe('zoe-agent');
    expect(before.body.results[0].user.email).toBeUndefined();
    await t.given.chat(agent, [zoe]);
    const after = await t.as(zoe).post('/search.core', { query: 'zoe-agent' });
    expect(after.body.results[0].user.email).toBe(agent.user.email);
  });

  it('finds messages of their own chats only', async () => {
    const { admin, agent, zoe } = await setting();
    const theirs = await t.given.chat(agent, [zoe]);
    const staffOnly = await t.given.chat(agent, [admin]);
    await post(agent, theirs.id, 'invoice number seven');
    await post(agent, staffOnly.id, 'invoice for internal eyes');
    expect(found(await search(zoe, { query: 'invoice' }))).toEqual(['invoice number seven']);
    const scoped = await t.as(zoe).post('/timeline-entries.search', { query: 'invoice', chat: staffOnly.id });
    // Not a member: 404, as for any chat a customer is not in, whether or not it exists.
    expect(scoped.status).toBe(404);
    expect(scoped.body.type).toBe('not_found');
  });
});

