/** rev-users.*: customers, who can be in DMs with an org's dev users. */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { findUserOf, requireAdmin, requireNotCustomer } from './policy/access.js';
import { attachDisplayPicture } from './artifacts.js';
import { absent, hiddenFrom } from './policy/customers.js';
import { readPage, type Page } from './list-cursors.js';
import { Conflict, NotFound } from './errors.js';
import { now, type Principal, type User } from '../model/index.js';
import { recordUserEvent } from './events.js';
import { requireEmail, requireText } from './orgs.js';
import { getRevOrg } from './rev-orgs.js';

export interface RevUserInput {
  displayName?: string;
  email?: string;
  externalRef?: string;
  revOrg?: string;
}

export async function createRevUser(store: Store, principal: Principal, input: RevUserInput): Promise<User> {
  requireAdmin(principal, 'create rev users');
  validate(input);
  const revOrg = input.revOrg === undefined ? undefined : await getRevOrg(store, principal, input.revOrg, 'rev_org');
  const org = principal.org;
  return unique(() =>
    store.transaction((tx) =>
      insertRevUser(tx, org.id, { ...input, externalRef: input.externalRef?.trim(), revOrgId: revOrg?.id ?? null }),
    ),
  );
}

/**
 * A new customer, and its `rev_user_created` event, in the caller's transaction. Without a
 * display name one is made from the email or the external_ref. Throws `UniqueViolation`
 * when the email or external_ref is taken.
 */
export async function insertRevUser(
  tx: Store,
  orgId: number,
  input: Omit<RevUserInput, 'revOrg'> & { revOrgId: number | null; phoneNumbers?: string[]; customFields?: Record<string, unknown> | null },
): Promise<User> {
  const email = input.email?.trim().toLowerCase() ?? null;
  const user = await tx.users.insert({
    orgId,
    number: await tx.orgs.nextNumber(orgId, 'rev_user'),
    type: 'rev_user',
    email,
    displayName: input.displayName?.trim() ?? email?.split('@')[0] ?? input.externalRef ?? 'customer',
    fullName: null,
    state: 'active',
    isAdmin: false,
    externalRef: input.externalRef ?? null,
    revOrgId: input.revOrgId,
    phoneNumbers: input.phoneNumbers,
    customFields: input.customFields,
    at: now(),
  });
  await recordUserEvent(tx, 'rev_user_created', user);
  return user;
}

/**
 * Deleted rev users stay in the chats they were in, but are gone from reads and lists; so are,
 * to a customer, those of other rev orgs (`hiddenFrom`). A customer reads only themselves:
 * others they may know of are refused (403).
 */
export async function getRevUser(store: Store, principal: Principal, id: string): Promise<User> {
  const user = await findUserOf(store, principal.org, 'id', id, ['rev_user']);
  if (user.state === 'deleted' || (await hiddenFrom(store, principal.user, [user])).has(user.id)) throw absent('rev user', id);
  if (user.id !== principal.user.id) requireNotCustomer(principal, 'read other rev users');
  return user;
}

export async function listRevUsers(
  store: Store,
  principal: Principal,
  filter: { cursor?: string; limit?: number; email?: string[]; externalRef?: string[]; revOrg?: string[] },
): Promise<Page<User>> {
  requireNotCustomer(principal, 'list rev users');
  const org = principal.org;
  const revOrgIds = filter.revOrg && (await Promise.all(filter.revOrg.map((id) => revOrgIdOrNone(store, principal, id))));
  return readPage(
    store,
    `${org.slug}:rev-users`,
    filter.limit,
    filter.cursor,
    (afterNumber, limit) =>
      store.users.list({
        orgId: org.id,
        type: 'rev_user',
        emails: filter.email?.map((email) => email.trim().toLowerCase()),
        externalRefs: filter.externalRef,
        revOrgIds,
        states: ['active', 'deactivated', 'shadow', 'locked', 'unassigned'],
        afterNumber,
        limit,
      }),
    (user) => user.number,
  );
}

export async function updateRevUser(
  store: Store,
  principal: Principal,
  id: string,
  changes: { displayName?: string; email?: string; externalRef?: string; displayPicture?: string | null },
): Promise<User> {
  const user = await getRevUser(store, principal, id);
  requireAdmin(principal, 'change rev users');
  validate(changes);
  return unique(() =>
    store.transaction(async (tx) => {
      const updated = await tx.users.update(user.id, {
        displayName: changes.displayName?.trim(),
        email: changes.email?.trim().toLowerCase(),
        externalRef: changes.externalRef?.trim(),
        displayPictureId:
          changes.displayPicture === undefined ? undefined : await attachDisplayPicture(tx, principal, user, changes.displayPicture),
        at: now(),
      });
      await recordUserEvent(tx, 'rev_user_updated', updated, user);
      return updated;
    }),
  );
}

/** A soft delete: the email and external_ref are freed for reuse, the person stays in old chats. */
export async function deleteRevUser(store: Store, principal: Principal, id: string): Promise<void> {
  const user = await getRevUser(store, principal, id);
  requireAdmin(principal, 'delete rev users');
  const at = now();
  await store.transaction(async (tx) => {
    await recordUserEvent(tx, 'rev_user_deleted', await tx.users.update(user.id, { state: 'deleted', email: null, externalRef: null, at }), user);
    await tx.tokens.revokeAllOfUser(user.id, at);
  });
}

/** A filter naming a rev org that is not here matches nothing, like any other filter value. */
async function revOrgIdOrNone(store: Store, principal: Principal, id: string): Promise<number> {
  try {
    return (await getRevOrg(store, principal, id, 'rev_org')).id;
  } catch (error) {
    if (error instanceof NotFound) return 0;
    throw error;
  }
}

function validate(input: { displayName?: string; email?: string; externalRef?: string }): void {
  if (input.displayName !== undefined) requireText('display_name', input.displayName);
  if (input.email !== undefined) requireEmail(input.email);
  if (input.externalRef !== undefined) requireText('external_ref', input.externalRef);
}

async function unique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict('a rev user with this email or external_ref already exists');
    throw error;
  }
}
