/**
 * An organization with one of everything an export carries, made over the API as clients
 * make it: people of every type, a rev org, a group, chats, messages with labels, an
 * external_ref, a private one, an edited and a deleted one, a thread, reactions, read
 * markers (one moved back by mark-unread), a webhook, a display picture and a message with
 * files (one of them taken off again, so attached to nothing), and a customer signed in
 * through Plug with phone numbers and custom fields.
 */
import { expect } from 'vitest';
import { picture, uploadRaw } from './artifacts.js';
import type { Person, Response, TestServer } from './server.js';

export interface World {
  ada: Person;
  grace: Person;
  chat: { id: string; display_id: string };
  /** The messages of `chat`, as ada reads them. */
  messages(t: { as(person: Person): { get(path: string, query?: Record<string, string>): Promise<Response> } }): Promise<unknown>;
  /** The bytes of each file on a message, downloaded as grace, by artifact id. */
  files(t: { as(person: Person): { get(path: string, query?: Record<string, string>): Promise<Response> } }): Promise<Record<string, string>>;
}

/** Every byte value, then some text: a file whose bytes an export must keep exactly. */
const BINARY = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, index) => index)), Buffer.from('\r\n\u0000 end', 'utf8')]);

export async function buildWorld(t: TestServer): Promise<World> {
  const ada = await t.given.org();
  const grace = await t.given.user(ada, 'dev_user', 'grace');
  const ok = async (pending: Promise<Response>, status = 200) => {
    const response = await pending;
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    return response.body;
  };
  const revOrg = (await ok(t.as(ada).post('/rev-orgs.create', { display_name: 'Customers Inc', external_ref: 'cust-org' }), 201)).rev_org;
  const wile = (
    await ok(t.as(ada).post('/rev-users.create', { display_name: 'Wile', email: 'wile@customers.test', external_ref: 'cust-1', rev_org: revOrg.id }), 201)
  ).rev_user;
  await ok(t.as(ada).post('/service-accounts.create', { display_name: 'Release bot' }), 201);
  const group = await t.given.group(ada, [grace], 'launch');

  const chat = await t.given.chat(ada, [grace], { title: 'Launch', groups: [group.id], custom_fields: { tier: 'gold', seats: 3 } });
  await t.given.chat(ada, [grace], { is_default: true });
  await ok(t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, wile.id], is_default: false }), 201);

  const first = await t.given.message(ada, chat, 'Shall we launch on Monday?', { labels: ['plan', 'launch'], external_ref: 'msg-1' });
  const second = await t.given.message(grace, chat, 'Monday works', { private_to: [ada.id] });
  await t.given.message(grace, chat, 'Reply in the thread', { object: first.id });
  await t.given.message(ada, chat, 'Agreed', { object: first.id });
  const edited = await t.given.message(ada, chat, 'Typo here');
  await ok(t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: edited.id, body: 'Fixed the typo' }));
  const gone = await t.given.message(grace, chat, 'Oops, wrong chat');
  await ok(t.as(grace).post('/timeline-entries.delete', { id: gone.id }));
  await t.given.message(grace, chat, 'Last word');
  for (const [person, emoji] of [[grace, '1f44d'], [ada, 'tada'], [grace, 'tada']] as const) {
    await ok(t.as(person).post('/reactions.update', { object: first.id, emoji, action: 'add' }));
  }
  await ok(t.as(ada).post('/chats.mark-read', { id: chat.id }));
  await ok(t.as(grace).post('/chats.mark-unread', { id: chat.id, entry: second.id }));

  await ok(t.as(ada).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook', event_types: ['timeline_entry_created'] }), 201);
  // A customer signed in through Plug, with the traits only that sign-in sets.
  const traits = { display_name: 'Pat', phone_numbers: ['+14155550100'], custom_fields: { tnt__tier: 'gold' } };
  const revInfo = { user_ref: 'plug-1', account_ref: 'plug-org', user_traits: traits, account_traits: { custom_fields: { tnt__plan: 'pro' } } };
  await ok(t.as(ada).post('/auth-tokens.create', { rev_info: revInfo }), 201);
  const pictureId = await picture(t, grace);
  await ok(t.as(grace).post('/dev-users.self.update', { display_picture: pictureId }));

  const fileIds: string[] = [];
  for (const [name, bytes, type] of [['data.bin', BINARY, undefined], ['notes.txt', Buffer.from('launch notes'), 'text/plain'], ['draft.txt', Buffer.from('draft'), 'text/plain']] as const) {
    const prepared = await ok(t.as(ada).post('/artifacts.prepare', { file_name: name, ...(type && { file_type: type }) }));
    expect((await uploadRaw(prepared.url, bytes)).status).toBe(204);
    fileIds.push(prepared.id);
  }
  const withFiles = await t.given.message(ada, chat, 'The files', { artifacts: [fileIds[1], fileIds[0], fileIds[2]] });
  await ok(t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: withFiles.id, artifacts: { remove: [fileIds[2]] } }));

  return {
    ada,
    grace,
    chat,
    messages: async (server) => {
      const timeline = await server.as(ada).get('/timeline-entries.list', { object: chat.id });
      const thread = await server.as(ada).get('/timeline-entries.list', { object: first.id });
      const chats = await server.as(ada).get('/chats.list', {});
      return { timeline: timeline.body, thread: thread.body, chats: chats.body };
    },
    files: async (server) => {
      const bytes: Record<string, string> = {};
      for (const id of fileIds.slice(0, 2)) {
        const located = await server.as(grace).get('/artifacts.locate', { id });
        expect(located.status).toBe(200);
        bytes[id] = Buffer.from(await (await fetch(located.body.url)).arrayBuffer()).toString('base64');
      }
      return bytes;
    },
  };
}
