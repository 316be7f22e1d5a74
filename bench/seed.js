/**
 * Seed data for the benchmark, written through the entity stores' insertMany (no SQL here).
 * Everything is derived from numbers, so run.js can name any chat and its members
 * without keeping a million of them in memory.
 */
import { randomBytes } from 'node:crypto';
import { formatDon } from '../dist/domain/ids.js';
import { initOrg } from '../dist/domain/orgs.js';
import { hashToken } from '../dist/domain/tokens.js';
import { openStore } from '../dist/store/open.js';

/** Pairs (a, a+d mod U) with 1 ≤ d < U/2 are all distinct: that many chats can be default DMs. */
export function maxDefaultDms(userCount) {
  return userCount * Math.floor((userCount - 1) / 2);
}

/** Chat k (0-based; its number is k + 1) is between users a and a + d (indexes into `users`). */
export function chatMembers(k, userCount) {
  const d = 1 + (Math.floor(k / userCount) % Math.floor((userCount - 1) / 2));
  const a = k % userCount;
  return [a, (a + d) % userCount];
}

const BATCH = 10_000;

/** An untitled DM between users a and b, made by a: the one chat shape the bench seeds. */
function dmRow(orgId, number, a, b, isDefault, at) {
  return {
    orgId,
    number,
    title: null,
    isDefault,
    memberKey: [a.id, b.id].sort((x, y) => x - y).join(','),
    customFields: null,
    records: [],
    userIds: [a.id, b.id],
    groupIds: [],
    createdBy: a.id,
    at,
  };
}

/**
 * A fresh organization with `userCount` dev users (each with a token), `chatCount` chats
 * and `messageCount` messages: 100 in each of the first chats, so that the first page of
 * 50 is full wherever the bench lists.
 */
export async function seed(databaseUrl, { userCount, chatCount, messageCount }) {
  const store = await openStore(databaseUrl);
  try {
    await store.migrate();
    const { org } = await initOrg(store, 'Bench', 'admin@bench.example');
    const users = await addUsers(store, org, userCount);
    const world = { databaseUrl, org: { id: org.id, slug: org.slug }, users, chatCount: 0 };
    const chatIds = await addChats(store, world, chatCount);
    world.chatsWithMessages = await addMessages(store, world, chatIds, messageCount);
    world.listUsers = await addListChats(store, world, messageCount);
    return world;
  } finally {
    await store.close();
  }
}

/**
 * For the event-stream cases: an organization of its own with `pairCount` DMs, each
 * between two users who are in no other chat, so that every stream client hears exactly
 * the messages of one DM. Returns the DMs as `{ don, a, b }` with `a`/`b` the users
 * (`secret` is their token).
 */
export async function seedDmPairs(databaseUrl, pairCount) {
  const store = await openStore(databaseUrl);
  try {
    await store.migrate();
    const { org } = await initOrg(store, 'Bench streams', 'admin@streams.bench.example');
    const users = await addUsers(store, org, 2 * pairCount);
    const at = new Date().toISOString();
    const dms = [];
    for (let start = 0; start < pairCount; start += BATCH) {
      const rows = [];
      for (let k = start; k < Math.min(pairCount, start + BATCH); k++) {
        const [a, b] = [users[2 * k], users[2 * k + 1]];
        dms.push({ don: formatDon('chat', org.slug, k + 1), a, b });
        rows.push(dmRow(org.id, k + 1, a, b, true, at));
      }
      await store.transaction(async (tx) => {
        await tx.chats.insertMany(rows);
        await tx.orgs.advanceNumberPast(org.id, 'chat', start + rows.length);
      });
    }
    return { org: { id: org.id, slug: org.slug }, users, dms };
  } finally {
    await store.close();
  }
}

/** `count` dev users with a token each, numbered after the organization's admin (DEVU-1). */
async function addUsers(store, org, count) {
  const at = new Date().toISOString();
  const users = Array.from({ length: count }, (_, index) => {
    const number = index + 2;
    return { number, secret: `cfb_${randomBytes(32).toString('base64url')}`, don: formatDon('dev_user', org.slug, number) };
  });
  for (let start = 0; start < count; start += BATCH) {
    const batch = users.slice(start, start + BATCH);
    await store.transaction(async (tx) => {
      const ids = await tx.users.insertMany(
        batch.map((user) => ({
          orgId: org.id,
          number: user.number,
          type: 'dev_user',
          email: `user${user.number}@bench.example`,
          displayName: `user${user.number}`,
          fullName: `Bench User ${user.number}`,
          state: 'active',
          isAdmin: false,
          at,
        })),
      );
      for (const user of batch) user.id = ids.get(user.number);
      await tx.tokens.insertMany(batch.map((user) => ({ orgId: org.id, number: user.number, userId: user.id, hash: hashToken(user.secret), at, expiresAt: null })));
      await tx.orgs.advanceNumberPast(org.id, 'dev_user', batch.at(-1).number);
      await tx.orgs.advanceNumberPast(org.id, 'token', batch.at(-1).number);
    });
  }
  return users;
}

/** Returns the row ids of the first batch of chats (for their messages). */
async function addChats(store, world, total) {
  const { users } = world;
  let firstIds;
  const defaults = maxDefaultDms(users.length);
  const at = new Date().toISOString();
  for (let start = world.chatCount; start < total; start += BATCH) {
    const end = Math.min(total, start + BATCH);
    const chats = [];
    for (let k = start; k < end; k++) {
      const [a, b] = chatMembers(k, users.length).map((index) => users[index]);
      chats.push(dmRow(world.org.id, k + 1, a, b, k < defaults, at));
    }
    const ids = await store.transaction(async (tx) => {
      const ids = await tx.chats.insertMany(chats);
      await tx.orgs.advanceNumberPast(world.org.id, 'chat', end);
      return ids;
    });
    firstIds ??= ids;
    world.chatCount = end;
  }
  return firstIds;
}

/** Users whose chat list has more than a page of 50, each chat with a last message: the chats.list case. */
export const LIST_USERS = 10;
const LIST_CHATS_EACH = 60;

/**
 * `LIST_USERS` users (the first ones) each get `LIST_CHATS_EACH` more DMs, not default ones
 * (they may already have a default DM with that user), numbered after the seeded chats
 * and left out of `world.chatCount`, so that every other case still derives its chats'
 * members by number. Each holds one message, numbered after the seeded ones. Returns the
 * users, for the chats.list case.
 */
async function addListChats(store, world, messagesBefore) {
  const { users } = world;
  const at = new Date().toISOString();
  const chats = [];
  for (let i = 0; i < LIST_USERS; i++) {
    for (let c = 0; c < LIST_CHATS_EACH; c++) chats.push(dmRow(world.org.id, world.chatCount + chats.length + 1, users[i], users[(i + 100 + c) % users.length], false, at));
  }
  const lastChat = world.chatCount + chats.length;
  await store.transaction(async (tx) => {
    const ids = await tx.chats.insertMany(chats);
    await tx.orgs.advanceNumberPast(world.org.id, 'chat', lastChat);
    const start = Date.now() - chats.length * 1000;
    await tx.timelineEntries.insertMany(
      chats.map((chat, n) =>
        messageRow(world.org.id, ids.get(chat.number), messagesBefore + n + 1, `the last word in chat ${chat.number}`, chat.userIds[n % 2], start + n * 1000),
      ),
    );
    await tx.orgs.advanceNumberPast(world.org.id, 'timeline_comment', messagesBefore + chats.length);
  });
  return users.slice(0, LIST_USERS);
}

const MESSAGES_PER_CHAT = 100;

/** A plain external text message, as the bench seeds them. */
function messageRow(orgId, chatId, number, body, createdBy, atMs) {
  return {
    ...{ orgId, chatId, number, body, bodyType: 'text', externalRef: null, visibility: 'external' },
    ...{ labels: [], privateTo: [], expiresAt: null, createdBy, at: new Date(atMs).toISOString() },
  };
}

/** Returns how many chats (numbers 1…n) hold messages. */
async function addMessages(store, world, chatIds, total) {
  const chats = Math.ceil(total / MESSAGES_PER_CHAT);
  if (chats > chatIds.size) throw new Error(`${total} messages need ${chats} chats in the first batch`);
  const start = Date.now() - total * 1000;
  for (let from = 0; from < total; from += BATCH) {
    const entries = [];
    for (let n = from; n < Math.min(total, from + BATCH); n++) {
      const k = n % chats;
      const [a, b] = chatMembers(k, world.users.length).map((index) => world.users[index]);
      entries.push(messageRow(world.org.id, chatIds.get(k + 1), n + 1, `message ${n + 1}: the quick brown fox jumps over the lazy dog`, (n % 2 === 0 ? a : b).id, start + n * 1000));
    }
    await store.transaction(async (tx) => {
      await tx.timelineEntries.insertMany(entries);
      await tx.orgs.advanceNumberPast(world.org.id, 'timeline_comment', Math.min(total, from + BATCH));
    });
  }
  return chats;
}
