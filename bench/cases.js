/**
 * What the benchmark asks for: each case builds one request per call, picking a chat and
 * one of its members at random, so caches cannot serve a single hot key. The baseline
 * gets exactly the same requests, and answers each case with a body of the size Confab's
 * answer to it has (run.js). `connections`, where given, overrides the run's setting.
 */
import { formatDon } from '../dist/domain/ids.js';
import { chatMembers, maxDefaultDms } from './seed.js';

const pick = (count) => Math.floor(Math.random() * count);
const bearer = (user) => `Bearer ${user.secret}`;
const json = (authorization, body) => ({
  method: 'POST',
  headers: { authorization, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A random chat among the first `count` and its two members. */
function someChat(world, count) {
  const k = pick(count);
  const [a, b] = chatMembers(k, world.users.length).map((index) => world.users[index]);
  return { don: formatDon('chat', world.org.slug, k + 1), a, b, k };
}

export function chatCases(world) {
  return [
    {
      name: 'chats.get by id (GET)',
      key: 'chats_get_by_id',
      request() {
        const { don, a } = someChat(world, world.chatCount);
        return { method: 'GET', path: `/chats.get?id=${encodeURIComponent(don)}`, headers: { authorization: bearer(a) } };
      },
    },
    {
      name: 'chats.get by users (POST)',
      key: 'chats_get_by_users',
      request() {
        const { a, b } = someChat(world, Math.min(world.chatCount, maxDefaultDms(world.users.length)));
        return { path: '/chats.get', ...json(bearer(a), { type: 'dm', users: [a.don, b.don] }) };
      },
    },
    {
      name: 'chats.create (new chat)',
      key: 'chats_create',
      request() {
        // Not a default DM: every pair of bench users may already have one, and a
        // conflict is not what this case measures.
        const count = world.users.length;
        const index = pick(count);
        const a = world.users[index];
        const b = world.users[(index + 1 + pick(count - 1)) % count];
        return { path: '/chats.create', ...json(bearer(a), { type: 'dm', users: [a.don, b.don], is_default: false }) };
      },
    },
    {
      name: 'timeline-entries.create',
      key: 'timeline_entries_create',
      request() {
        const { don, a } = someChat(world, world.chatCount);
        return { path: '/timeline-entries.create', ...json(bearer(a), { type: 'timeline_comment', object: don, body: 'hello from the bench' }) };
      },
    },
    {
      name: 'timeline-entries.create, 32 writers over 32 chats',
      key: 'timeline_entries_create_32',
      connections: 32,
      request() {
        // One writer per chat on average: what an org-wide lock serializes and a per-chat one need not.
        const { don, a } = someChat(world, 32);
        return { path: '/timeline-entries.create', ...json(bearer(a), { type: 'timeline_comment', object: don, body: 'hello from a writer' }) };
      },
    },
    {
      name: 'chats.list (50 chats)',
      key: 'chats_list',
      request() {
        const user = world.listUsers[pick(world.listUsers.length)];
        return { path: '/chats.list', ...json(bearer(user), { limit: 50 }) };
      },
    },
    {
      name: 'constant body, all hooks (/health)',
      key: 'health',
      request() {
        // The floor: every hook and the serializer, no authentication and no database.
        return { method: 'GET', path: '/health' };
      },
    },
    {
      name: 'timeline-entries.list (first 50)',
      key: 'timeline_entries_list',
      request() {
        const { don, b } = someChat(world, world.chatsWithMessages);
        return { method: 'GET', path: `/timeline-entries.list?object=${encodeURIComponent(don)}&limit=50`, headers: { authorization: bearer(b) } };
      },
    },
  ];
}
