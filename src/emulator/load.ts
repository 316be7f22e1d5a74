/**
 * Loads a fixtures document into an empty store. Users, groups and tokens are written
 * directly (their numbers follow file order); chats go through `createChat`, so a fixture
 * chat obeys the same rules as one made over the API.
 */
import { createChat } from '../domain/chats.js';
import { createTimelineEntry } from '../domain/timeline-entries.js';
import { DomainError } from '../domain/errors.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import { hashToken } from '../domain/tokens.js';
import { now, type Chat, type Group, type Org, type TimelineEntry, type User } from '../model/index.js';
import { UniqueViolation, type Store } from '../store/index.js';
import type { FixtureOrg, Fixtures } from '../schema/fixtures.js';
import { FixtureError } from './fixtures.js';

export interface LoadedOrg {
  org: Org;
  users: Map<string, User>;
  tokens: { user: User; value: string }[];
}

/** Called after each object is written: `done` of `total`. */
export type Progress = (done: number, total: number) => void;

export function countFixtureObjects(fixtures: Fixtures): number {
  return fixtures.organizations.reduce(
    (sum, org) =>
      sum +
      1 +
      (org.users?.length ?? 0) +
      (org.groups?.length ?? 0) +
      (org.chats?.length ?? 0) +
      (org.messages?.length ?? 0) +
      (org.tokens?.length ?? 0),
    0,
  );
}

export async function loadFixtures(store: Store, fixtures: Fixtures, onProgress: Progress = () => {}): Promise<LoadedOrg[]> {
  requireDistinctTokens(fixtures);
  const total = countFixtureObjects(fixtures);
  let done = 0;
  const step = () => onProgress(++done, total);
  const loaded: LoadedOrg[] = [];
  for (const [index, spec] of fixtures.organizations.entries()) {
    loaded.push(await loadOrg(store, spec, `organizations[${index}]`, step));
  }
  return loaded;
}

async function loadOrg(store: Store, spec: FixtureOrg, at: string, step: () => void): Promise<LoadedOrg> {
  const slug = spec.slug ?? spec.name.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 32);
  if (slug === '') throw new FixtureError(`${at}: the name has no letters or digits to make a slug from; add "slug"`);
  const org = await attempt(`${at}.slug`, `organization slug '${slug}' is used twice; give each organization its own "slug"`, () =>
    store.orgs.insert(slug, spec.name, now()),
  );
  step();

  const users = new Map<string, User>();
  for (const [index, user] of (spec.users ?? []).entries()) {
    const where = `${at}.users[${index}]`;
    if (users.has(user.ref)) throw new FixtureError(`${where}.ref: '${user.ref}' is used by another user of this organization`);
    const email = user.email.trim().toLowerCase();
    const created = await attempt(where, `a ${user.type} with email ${email} is listed twice`, () =>
      store.transaction(async (tx) =>
        tx.users.insert({
          orgId: org.id,
          number: await tx.orgs.nextNumber(org.id, user.type),
          type: user.type,
          email,
          displayName: user.display_name ?? email.split('@')[0]!,
          fullName: user.full_name ?? null,
          state: user.state ?? 'active',
          isAdmin: user.admin ?? false,
          at: now(),
        }),
      ),
    );
    users.set(user.ref, created);
    step();
  }
  const userOf = (where: string, ref: string): User => {
    const user = users.get(ref);
    if (!user) throw new FixtureError(`${where}: no user with ref '${ref}' in this organization's "users"`);
    return user;
  };

  const groups = new Map<string, Group>();
  for (const [index, group] of (spec.groups ?? []).entries()) {
    const where = `${at}.groups[${index}]`;
    if (groups.has(group.ref)) throw new FixtureError(`${where}.ref: '${group.ref}' is used by another group of this organization`);
    const members = (group.members ?? []).map((ref, position) => userOf(`${where}.members[${position}]`, ref));
    const created = await store.transaction(async (tx) => {
      const inserted = await tx.groups.insert({
        orgId: org.id,
        number: await tx.orgs.nextNumber(org.id, 'group'),
        name: group.name,
        description: group.description ?? null,
        memberType: group.member_type ?? 'dev_user',
        at: now(),
      });
      for (const member of members) await tx.groups.addMember(inserted.id, member.id, now());
      return inserted;
    });
    groups.set(group.ref, created);
    step();
  }

  const chats = new Map<string, Chat>();
  for (const [index, chat] of (spec.chats ?? []).entries()) {
    const where = `${at}.chats[${index}]`;
    const members = chat.users.map((ref, position) => userOf(`${where}.users[${position}]`, ref));
    const creator = userOf(`${where}.created_by`, chat.created_by ?? chat.users[0]!);
    const groupIds = (chat.groups ?? []).map((ref, position) => {
      const group = groups.get(ref);
      if (!group) throw new FixtureError(`${where}.groups[${position}]: no group with ref '${ref}' in this organization's "groups"`);
      return formatDisplayId('group', group.number);
    });
    if (chat.ref !== undefined && chats.has(chat.ref)) throw new FixtureError(`${where}.ref: '${chat.ref}' is used by another chat of this organization`);
    const { chat: created } = await attempt(where, 'the chat breaks a rule', () =>
      createChat(store, { org, user: creator, tokenId: 0 }, {
        users: members.map((member) => formatDisplayId(member.type, member.number)),
        isDefault: chat.is_default,
        title: chat.title,
        groups: groupIds,
        records: chat.records,
        customFields: chat.custom_fields,
      }),
    );
    if (chat.ref !== undefined) chats.set(chat.ref, created);
    step();
  }

  const messages = new Map<string, TimelineEntry>();
  for (const [index, message] of (spec.messages ?? []).entries()) {
    const where = `${at}.messages[${index}]`;
    const chat = chats.get(message.chat);
    if (!chat) throw new FixtureError(`${where}.chat: no chat with ref '${message.chat}' in this organization's "chats"`);
    const author = userOf(`${where}.author`, message.author);
    if (message.ref !== undefined && messages.has(message.ref)) {
      throw new FixtureError(`${where}.ref: '${message.ref}' is used by another message of this organization`);
    }
    const object = formatDon('chat', org.slug, chat.number);
    const entry = await attempt(where, `the external_ref '${message.external_ref}' is used twice in this chat`, () =>
      createTimelineEntry(store, { org, user: author, tokenId: 0 }, {
        object,
        body: message.body,
        labels: message.labels,
        externalRef: message.external_ref,
      }),
    );
    if (message.ref !== undefined) messages.set(message.ref, entry);
    step();
  }

  const tokens: LoadedOrg['tokens'] = [];
  for (const [index, token] of (spec.tokens ?? []).entries()) {
    const where = `${at}.tokens[${index}]`;
    const user = userOf(`${where}.user`, token.user);
    await attempt(`${where}.value`, 'this token value is taken', () =>
      store.transaction(async (tx) =>
        tx.tokens.insert({
          orgId: org.id,
          number: await tx.orgs.nextNumber(org.id, 'token'),
          userId: user.id,
          hash: hashToken(token.value),
          at: now(),
          expiresAt: token.expires_at === undefined ? null : new Date(token.expires_at).toISOString(),
        }),
      ),
    );
    tokens.push({ user, value: token.value });
    step();
  }
  return { org, users, tokens };
}

/** Checked up front: tokens are found by hash alone, so two equal values would be ambiguous. */
function requireDistinctTokens(fixtures: Fixtures): void {
  const seen = new Set<string>();
  for (const [orgIndex, org] of fixtures.organizations.entries()) {
    for (const [index, token] of (org.tokens ?? []).entries()) {
      if (seen.has(token.value)) {
        throw new FixtureError(`organizations[${orgIndex}].tokens[${index}].value: this token value is used twice; every token needs its own value`);
      }
      seen.add(token.value);
    }
  }
}

/** Runs one write; a broken rule or a duplicate becomes a FixtureError saying where. */
async function attempt<T>(where: string, duplicate: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new FixtureError(`${where}: ${duplicate}`);
    if (error instanceof DomainError) throw new FixtureError(`${where}: ${error.message}`);
    throw error;
  }
}
