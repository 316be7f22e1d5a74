import { describe, expect, it } from 'vitest';
import { supportSetting } from './helpers/conversations.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

const unique = () => Math.random().toString(36).slice(2, 8);

const setting = () => supportSetting(t);

async function start(person: Person, body: Record<string, unknown> = {}) {
  const response = await t.as(person).post('/conversations.create', { type: 'support', title: 'Help', ...body });
  expect(response.status).toBe(201);
  return response.body.conversation as Record<string, any> & { id: string };
}

const ids = (list: { id: string }[]) => list.map((item) => item.id);

describe('conversations.create', () => {
  it('lets a customer start one: they are its member, it is new, and its first messages are on its timeline', async () => {
    const { agent, alice } = await setting();
    const conversation = await start(alice, { description: 'It broke', messages: [{ body: 'Hello?' }, { body: 'Anyone?' }] });
    expect(conversation.id).toMatch(/^don:core:dvrv-us-1:devo\/[^:]+:conversation\/\d+$/);
    expect(conversation.display_id).toMatch(/^CONV-\d+$/);
    expect(ids(conversation.members)).toEqual([alice.id]);
    expect(conversation.stage).toEqual({ name: 'new' });
    expect(conversation.description).toBe('It broke');
    expect(conversation.owned_by).toEqual([]);

    const timeline = await t.as(agent).post('/timeline-entries.list', { object: conversation.id });
    expect(timeline.status).toBe(200);
    expect(timeline.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['Anyone?', 'Hello?']);
    expect(timeline.body.timeline_entries[0].object).toBe(conversation.id);
    expect(timeline.body.timeline_entries[0].object_type).toBe('conversation');
    expect(timeline.body.timeline_entries[0].object_display_id).toBe(conversation.display_id);
  });

  it('lets staff start one on behalf of customers, with owners, a group, a stage and tags', async () => {
    const { admin, agent, alice } = await setting();
    const group = await t.given.group(admin, [agent], `support${unique()}`);
    const conversation = await start(agent, {
      members: [alice.id],
      owned_by: [agent.displayId],
      group: group.id,
      stage: { name: 'waiting_on_user' },
      tags: [{ id: 'TAG-7', value: 'vip' }],
      is_spam: false,
      source_channel: 'plug',
      custom_fields: { tnt__priority: 'p1' },
    });
    expect(ids(conversation.members)).toEqual([alice.id]);
    expect(ids(conversation.owned_by)).toEqual([agent.id]);
    expect(conversation.group.id).toBe(group.id);
    expect(conversation.stage.name).toBe('waiting_on_user');
    expect(conversation.tags).toEqual([{ tag: { id: 'TAG-7', display_id: 'TAG-7', name: 'TAG-7' }, value: 'vip' }]);
    expect(conversation.source_channel).toBe('plug');
    expect(conversation.custom_fields).toEqual({ tnt__priority: 'p1' });
  });

  it('refuses what only staff may set from a customer, an unknown stage, and non-staff owners, changing nothing', async () => {
    const { agent, alice, rival } = await setting();
    const snapshot = await t.snapshot();
    const owned = await t.as(alice).post('/conversations.create', { type: 'support', owned_by: [agent.id] });
    expect(owned.status).toBe(403);
    expect(owned.body.type).toBe('forbidden');
    const stage = await t.as(agent).post('/conversations.create', { type: 'support', stage: { name: 'closed_forever' } });
    expect(stage.status).toBe(400);
    expect(stage.body.type).toBe('invalid_enum_value');
    const owner = await t.as(agent).post('/conversations.create', { type: 'support', owned_by: [alice.id] });
    expect(owner.status).toBe(400);
    expect(owner.body.type).toBe('value_not_permitted');
    const stranger = await t.as(alice).post('/conversations.create', { type: 'support', members: [rival.id] });
    expect(stranger.status).toBe(400);
    expect(stranger.body.type).toBe('invalid_field');
    const kind = await t.as(alice).post('/conversations.create', { type: 'dm' });
    expect(kind.status).toBe(400);
    expect(kind.body.type).toBe('invalid_enum_value');
    const empty = await t.as(alice).post('/conversations.create', { type: 'support', messages: [{ body: '  ' }] });
    expect(empty.status).toBe(400);
    expect(await t.snapshot()).toBe(snapshot);
  });
});

describe('who sees a conversation', () => {
  it('staff of the organization see every conversation; a customer only their own; everyone else gets 404', async () => {
    const { agent, bot, alice, colleague, rival, outsider } = await setting();
    const conversation = await start(alice);
    for (const staff of [agent, bot]) {
      const seen = await t.as(staff).post('/conversations.get', { id: conversation.id });
      expect(seen.status).toBe(200);
      expect(seen.body.conversation.id).toBe(conversation.id);
    }
    expect((await t.as(alice).get('/conversations.get', { id: conversation.display_id })).status).toBe(200);
    for (const stranger of [colleague, rival, outsider]) {
      const hidden = await t.as(stranger).post('/conversations.get', { id: conversation.id });
      expect(hidden.status).toBe(404);
      expect(hidden.body.type).toBe('not_found');
      // Its messages are as hidden as it is.
      const timeline = await t.as(stranger).post('/timeline-entries.list', { object: conversation.id });
      expect(timeline.status).toBe(404);
    }
    const never = await t.as(alice).post('/conversations.get', { id: 'CONV-999999' });
    expect(never.status).toBe(404);
    expect(never.body).toEqual({ ...never.body, type: 'not_found' });
  });

  it('lists to staff every conversation of their organization, and to a customer only their own', async () => {
    const { agent, alice, colleague, rival, outsider } = await setting();
    const mine = await start(alice);
    const theirs = await start(rival);
    const staffView = ids((await t.as(agent).post('/conversations.list', {})).body.conversations);
    expect(staffView).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(ids((await t.as(alice).post('/conversations.list', {})).body.conversations)).toEqual([mine.id]);
    expect(ids((await t.as(rival).get('/conversations.list')).body.conversations)).toEqual([theirs.id]);
    expect((await t.as(colleague).post('/conversations.list', {})).body.conversations).toEqual([]);
    expect((await t.as(outsider).post('/conversations.list', {})).body.conversations).toEqual([]);
  });

  it('keeps internal notes from customers, in the timeline and by id', async () => {
    const { agent, alice } = await setting();
    const conversation = await start(alice, { messages: [{ body: 'Help' }] });
    const note = await t.as(agent).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: conversation.id,
      body: 'Customer is on the old plan',
      visibility: 'internal',
    });
    expect(note.status).toBe(201);
    expect(note.body.timeline_entry.object_type).toBe('conversation');
    const reply = await t.as(agent).post('/timeline-entries.create', { type: 'timeline_comment', object: conversation.id, body: 'Looking into it' });
    expect(reply.status).toBe(201);

    const customerView = await t.as(alice).post('/timeline-entries.list', { object: conversation.id });
    expect(customerView.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['Looking into it', 'Help']);
    expect((await t.as(alice).post('/timeline-entries.get', { id: note.body.timeline_entry.id })).status).toBe(404);
    const staffView = await t.as(agent).post('/timeline-entries.list', { object: conversation.id });
    expect(staffView.body.timeline_entries).toHaveLength(3);
    // Customers cannot write internal notes.
    const refused = await t.as(alice).post('/timeline-entries.create', { type: 'timeline_comment', object: conversation.id, body: 'x', visibility: 'internal' });
    expect(refused.status).toBe(400);
  });

  it('keeps conversations out of chats.list and chats.get', async () => {
    const { agent, alice } = await setting();
    const conversation = await start(alice);
    expect((await t.as(alice).post('/chats.list', {})).body.chats).toEqual([]);
    expect((await t.as(agent).post('/chats.list', {})).body.chats).toEqual([]);
    const number = conversation.display_id.split('-')[1];
    expect((await t.as(alice).post('/chats.get', { id: `CHAN-${number}` })).status).toBe(404);
    const chat = await t.given.chat(agent, [alice]);
    expect((await t.as(agent).post('/conversations.get', { id: `CONV-${chat.display_id.split('-')[1]}` })).status).toBe(404);
  });
});

describe('conversations.update', () => {
  it('changes title, description, members, owners, group, tags, flags and custom fields', async () => {
    const { admin, agent, other, alice, colleague } = await setting();
    const group = await t.given.group(admin, [agent], `tier2${unique()}`);
    const conversation = await start(alice, { custom_fields: undefined });
    const updated = await t.as(agent).post('/conversations.update', {
      id: conversation.display_id,
      title: 'Login fails',
      description: 'since Monday',
      members: { set: [alice.id, colleague.id] },
      owned_by: { set: [agent.id, other.id] },
      group: group.display_id,
      is_spam: true,
      is_frozen: true,
      tags: { set: [{ id: 'TAG-1' }, { id: 'TAG-2', value: 'x' }] },
      custom_fields: { tnt__area: 'auth' },
    });
    expect(updated.status).toBe(200);
    const body = updated.body.conversation;
    expect(body.title).toBe('Login fails');
    expect(body.description).toBe('since Monday');
    expect(ids(body.members)).toEqual([alice.id, colleague.id]);
    expect(ids(body.owned_by)).toEqual([agent.id, other.id]);
    expect(body.group.id).toBe(group.id);
    expect(body.tags.map((tag: { tag: { id: string } }) => tag.tag.id)).toEqual(['TAG-1', 'TAG-2']);
    expect(body.custom_fields).toEqual({ tnt__area: 'auth' });
    // The new member sees it now.
    expect((await t.as(colleague).post('/conversations.get', { id: conversation.id })).status).toBe(200);

    const tags = await t.as(agent).post('/conversations.update', { id: conversation.id, tags: { add: [{ id: 'TAG-3' }], remove: [{ id: 'TAG-1' }] } });
    expect(tags.body.conversation.tags.map((tag: { tag: { id: string } }) => tag.tag.id)).toEqual(['TAG-2', 'TAG-3']);
  });

  it("takes a tag by either id form, and refuses what is no tag id or another organization's tag", async () => {
    const { agent, alice, outsider } = await setting();
    const conversation = await start(alice);
    const slug = conversation.id.split(':')[3].split('/')[1];
    const own = await t.as(agent).post('/conversations.update', { id: conversation.id, tags: { set: [{ id: `don:core:dvrv-us-1:devo/${slug}:tag/9` }] } });
    expect(own.status).toBe(200);
    expect(own.body.conversation.tags[0].tag.display_id).toBe('TAG-9');
    const snapshot = await t.snapshot();
    const foreignSlug = outsider.id.split(':')[3].split('/')[1];
    const foreign = await t.as(agent).post('/conversations.update', { id: conversation.id, tags: { add: [{ id: `don:core:dvrv-us-1:devo/${foreignSlug}:tag/9` }] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.type).toBe('invalid_field');
    const garbage = await t.as(agent).post('/conversations.update', { id: conversation.id, tags: { add: [{ id: 'DEVU-1' }] } });
    expect(garbage.status).toBe(400);
    expect(garbage.body.type).toBe('invalid_id');
    expect(await t.snapshot()).toBe(snapshot);
  });

  it('lets a customer change only the title and description of their own', async () => {
    const { agent, alice, rival } = await setting();
    const conversation = await start(alice);
    const renamed = await t.as(alice).post('/conversations.update', { id: conversation.id, title: 'Still broken' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.conversation.title).toBe('Still broken');
    const snapshot = await t.snapshot();
    const staged = await t.as(alice).post('/conversations.update', { id: conversation.id, stage: { name: 'resolved' } });
    expect(staged.status).toBe(403);
    const owned = await t.as(alice).post('/conversations.update', { id: conversation.id, owned_by: { set: [agent.id] } });
    expect(owned.status).toBe(403);
    const hidden = await t.as(rival).post('/conversations.update', { id: conversation.id, title: 'mine now' });
    expect(hidden.status).toBe(404);
    expect(await t.snapshot()).toBe(snapshot);
  });
});

describe('stages', () => {
  it('moves through DevRev stages, records when it closed, and refuses unknown stages and moves that are not allowed', async () => {
    const { agent, alice } = await setting();
    const conversation = await start(alice);
    const move = (name: string) => t.as(agent).post('/conversations.update', { id: conversation.id, stage: { name } });
    expect((await move('needs_response')).body.conversation.stage.name).toBe('needs_response');
    expect((await move('waiting_on_user')).body.conversation.stage.name).toBe('waiting_on_user');
    const resolved = await move('resolved');
    expect(resolved.body.conversation.stage.name).toBe('resolved');
    expect(resolved.body.conversation.actual_close_date).toBeDefined();

    const snapshot = await t.snapshot();
    const unknown = await move('done');
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toBe('invalid_enum_value');
    expect(unknown.body.field_name).toBe('stage.name');
    const backwards = await move('new');
    expect(backwards.status).toBe(400);
    expect(backwards.body.type).toBe('value_not_permitted');
    expect(await t.snapshot()).toBe(snapshot);

    expect((await move('archived')).body.conversation.stage.name).toBe('archived');
    const final = await move('needs_response');
    expect(final.status).toBe(400);
    expect(final.body.type).toBe('value_not_permitted');
  });

  it("reopens a resolved conversation on the customer's new message, not on staff's", async () => {
    const { agent, alice } = await setting();
    const conversation = await start(alice);
    await t.as(agent).post('/conversations.update', { id: conversation.id, stage: { name: 'resolved' } });
    await t.given.message(agent, conversation, 'Anything else?');
    expect((await t.as(agent).post('/conversations.get', { id: conversation.id })).body.conversation.stage.name).toBe('resolved');

    await t.given.message(alice, conversation, 'Yes, it broke again');
    const reopened = (await t.as(agent).post('/conversations.get', { id: conversation.id })).body.conversation;
    expect(reopened.stage.name).toBe('needs_response');
    expect(reopened.actual_close_date).toBeUndefined();
  });
});

describe('conversations.list filters', () => {
  it('filters by members, owners, rev org, stage, group, spam, tags and dates, and pages with cursors', async () => {
    const { admin, agent, other, alice, rival, acme, globex } = await setting();
    const group = await t.given.group(admin, [agent], `billing${unique()}`);
    const first = await start(alice, { title: 'first' });
    const second = await start(agent, { title: 'second', members: [rival.id], owned_by: [agent.id], group: group.id, tags: [{ id: 'TAG-5' }] });
    const third = await start(agent, { title: 'third', members: [alice.id], owned_by: [other.id], stage: { name: 'hold' }, is_spam: true });
    const list = async (body: Record<string, unknown>) => ids((await t.as(agent).post('/conversations.list', body)).body.conversations);

    expect(await list({ members: [alice.id] })).toEqual([third.id, first.id]);
    expect(await list({ owned_by: [agent.id] })).toEqual([second.id]);
    expect(await list({ owned_by: [agent.id, other.id] })).toEqual([third.id, second.id]);
    expect(await list({ rev_org: [acme] })).toEqual([third.id, first.id]);
    expect(await list({ rev_orgs: [globex] })).toEqual([second.id]);
    expect(await list({ stage: { name: ['hold'] } })).toEqual([third.id]);
    expect(await list({ stage: { name: ['new'] } })).toEqual([second.id, first.id]);
    expect(await list({ group: [group.id] })).toEqual([second.id]);
    expect(await list({ is_spam: true })).toEqual([third.id]);
    expect(await list({ is_spam: false })).toEqual([second.id, first.id]);
    expect(await list({ tags: ['TAG-5'] })).toEqual([second.id]);
    expect(await list({ created_date: { after: second.created_date } })).toEqual([third.id]);
    expect(await list({ modified_date: { before: second.modified_date } })).toEqual([first.id]);
    expect(await list({ members: ['REVU-999999'] })).toEqual([]);
    // The GET form, with DevRev's dotted query parameters.
    const viaGet = await t.as(agent).get('/conversations.list', { 'stage.name': 'hold,new', owned_by: [agent.id, other.id] });
    expect(ids(viaGet.body.conversations)).toEqual([third.id, second.id]);

    const page = await t.as(agent).post('/conversations.list', { limit: 2 });
    expect(ids(page.body.conversations)).toEqual([third.id, second.id]);
    const next = await t.as(agent).post('/conversations.list', { limit: 2, cursor: page.body.next_cursor });
    expect(ids(next.body.conversations)).toEqual([first.id]);
    expect(next.body.next_cursor).toBeUndefined();
    const back = await t.as(agent).post('/conversations.list', { limit: 2, cursor: next.body.prev_cursor, mode: 'before' });
    expect(ids(back.body.conversations)).toEqual([third.id, second.id]);

    const byCreation = await t.as(agent).post('/conversations.list', { sort_by: ['created_date:desc'] });
    expect(ids(byCreation.body.conversations)).toEqual([third.id, second.id, first.id]);
  });

  it('refuses forged cursors, unknown stages and malformed ids with 400', async () => {
    const { agent, alice } = await setting();
    await start(alice);
    const forged = await t.as(agent).post('/conversations.list', { cursor: 'v1.eyJsIjoieCJ9.abc' });
    expect(forged.status).toBe(400);
    const stage = await t.as(agent).post('/conversations.list', { stage: { name: ['nope'] } });
    expect(stage.status).toBe(400);
    expect(stage.body.type).toBe('invalid_enum_value');
    const id = await t.as(agent).post('/conversations.list', { members: ['not an id'] });
    expect(id.status).toBe(400);
    expect(id.body.type).toBe('invalid_id');
    const limit = await t.as(agent).post('/conversations.list', { limit: 100000 });
    expect(limit.status).toBe(400);
  });
});

describe('conversations.export and conversations.delete', () => {
  it('exports the first conversations the caller may see, with the list filters', async () => {
    const { agent, alice, rival } = await setting();
    const mine = await start(alice);
    const theirs = await start(rival);
    expect(ids((await t.as(agent).post('/conversations.export', { first: 1 })).body.conversations)).toEqual([theirs.id]);
    expect(ids((await t.as(agent).get('/conversations.export', { members: alice.id })).body.conversations)).toEqual([mine.id]);
    expect(ids((await t.as(alice).post('/conversations.export', {})).body.conversations)).toEqual([mine.id]);
  });

  it('lets staff delete one, after which it and its messages are gone for everyone', async () => {
    const { agent, alice, outsider } = await setting();
    const conversation = await start(alice, { messages: [{ body: 'bye' }] });
    const entry = (await t.as(alice).post('/timeline-entries.list', { object: conversation.id })).body.timeline_entries[0];
    expect((await t.as(alice).post('/conversations.delete', { id: conversation.id })).status).toBe(403);
    expect((await t.as(outsider).post('/conversations.delete', { id: conversation.id })).status).toBe(404);
    const deleted = await t.as(agent).post('/conversations.delete', { id: conversation.id });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({});
    for (const person of [agent, alice]) {
      expect((await t.as(person).post('/conversations.get', { id: conversation.id })).status).toBe(404);
      expect((await t.as(person).post('/timeline-entries.get', { id: entry.id })).status).toBe(404);
      expect((await t.as(person).post('/conversations.list', {})).body.conversations).toEqual([]);
    }
    expect((await t.as(agent).post('/conversations.delete', { id: conversation.id })).status).toBe(404);
  });
});

describe('the chat machinery on conversations', () => {
  it('takes reactions, thread replies, read markers and search as a chat does, under the same visibility', async () => {
    const { agent, alice, rival } = await setting();
    const conversation = await start(alice, { messages: [{ body: 'printer on fire' }] });
    const comment = (await t.as(agent).post('/timeline-entries.list', { object: conversation.id })).body.timeline_entries[0];

    expect((await t.as(agent).post('/reactions.update', { object: comment.id, emoji: '1f44d', action: 'add' })).status).toBe(200);
    const seen = await t.as(alice).post('/timeline-entries.get', { id: comment.id });
    expect(seen.body.timeline_entry.reactions).toEqual([{ emoji: '1f44d', reacted: false, total_users: 1 }]);
    expect((await t.as(rival).post('/reactions.update', { object: comment.id, emoji: '1f44d', action: 'add' })).status).toBe(404);

    const reply = await t.as(agent).post('/timeline-entries.create', { type: 'timeline_comment', object: comment.id, body: 'extinguisher sent' });
    expect(reply.status).toBe(201);
    const thread = await t.as(alice).post('/timeline-entries.list', { object: comment.id });
    expect(thread.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['extinguisher sent']);

    expect((await t.as(alice).post('/chats.mark-read', { id: conversation.id })).status).toBe(200);
    expect((await t.as(rival).post('/chats.mark-read', { id: conversation.id })).status).toBe(404);

    const note = { type: 'timeline_comment', object: conversation.id, body: 'printer is under warranty', visibility: 'internal' };
    expect((await t.as(agent).post('/timeline-entries.create', note)).status).toBe(201);
    const staffSearch = await t.as(agent).post('/timeline-entries.search', { query: 'printer', chat: conversation.id });
    expect(staffSearch.body.results).toHaveLength(2);
    const customerSearch = await t.as(alice).post('/timeline-entries.search', { query: 'printer' });
    expect(customerSearch.body.results.map((result: { timeline_entry: { body: string } }) => result.timeline_entry.body)).toEqual(['printer on fire']);
    expect((await t.as(rival).post('/timeline-entries.search', { query: 'printer' })).body.results).toEqual([]);
  });
});
