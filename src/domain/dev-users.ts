/** dev-users.*: an organization's own people, managed by its admins. */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { attachDisplayPicture } from './artifacts.js';
import { findUserOf, requireAdmin, requireNotCustomer, requireSelfOrAdmin } from './policy/access.js';
import { readPage, type Page } from './list-cursors.js';
import { BadRequest, Conflict } from './errors.js';
import { now, type Principal, type User, type UserState } from '../model/index.js';
import { recordUserEvent } from './events.js';
import { displayNameOf, requireEmail, requireText } from './orgs.js';
import type { CREATABLE_STATES } from '../schema/limits.js';


export interface DevUserInput {
  email: string;
  state: (typeof CREATABLE_STATES)[number];
  fullName?: string;
  displayName?: string;
}

export async function createDevUser(store: Store, principal: Principal, input: DevUserInput): Promise<User> {
  requireAdmin(principal, 'create dev users');
  requireEmail(input.email);
  if (input.fullName !== undefined) requireText('full_name', input.fullName);
  if (input.displayName !== undefined) requireText('display_name', input.displayName);
  const email = input.email.trim().toLowerCase();
  const org = principal.org;
  try {
    return await store.transaction(async (tx) => {
      const user = await tx.users.insert({
        orgId: org.id,
        number: await tx.orgs.nextNumber(org.id, 'dev_user'),
        type: 'dev_user',
        email,
        displayName: input.displayName?.trim() ?? displayNameOf(email),
        fullName: input.fullName?.trim() || null,
        state: input.state,
        isAdmin: false,
        at: now(),
      });
      await recordUserEvent(tx, 'dev_user_created', user);
      return user;
    });
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict(`a dev user with email ${email} already exists`);
    throw error;
  }
}

export function getDevUser(store: Store, principal: Principal, id: string): Promise<User> {
  return findUserOf(store, principal.org, 'id', id, ['dev_user']);
}

export interface DevUserFilter {
  cursor?: string;
  limit?: number;
  email?: string[];
  state?: UserState[];
}

export function listDevUsers(store: Store, principal: Principal, filter: DevUserFilter): Promise<Page<User>> {
  // A customer may look up the dev users they talk to, not enumerate the staff.
  requireNotCustomer(principal, 'list dev users');
  const org = principal.org;
  return readPage(
    store,
    `${org.slug}:dev-users`,
    filter.limit,
    filter.cursor,
    (afterNumber, limit) =>
      store.users.list({
        orgId: org.id,
        type: 'dev_user',
        emails: filter.email?.map((email) => email.trim().toLowerCase()),
        states: filter.state,
        afterNumber,
        limit,
      }),
    (user) => user.number,
  );
}

export interface DevUserChanges {
  displayName?: string;
  fullName?: string;
  /** An artifact id; null removes the picture. */
  displayPicture?: string | null;
}

export async function updateDevUser(store: Store, principal: Principal, id: string, changes: DevUserChanges): Promise<User> {
  const user = await findUserOf(store, principal.org, 'id', id, ['dev_user']);
  requireSelfOrAdmin(principal, user, 'update the profile');
  return applyChanges(store, principal, user, changes);
}

export async function updateSelf(store: Store, principal: Principal, changes: DevUserChanges): Promise<User> {
  return applyChanges(store, principal, principal.user, changes);
}

/**
 * Deactivation takes effect on the very next request: authentication reads the state live.
 * It also revokes the user's tokens, so that reactivating them later revives none.
 */
export async function deactivateDevUser(store: Store, principal: Principal, id: string): Promise<void> {
  const user = await findUserOf(store, principal.org, 'id', id, ['dev_user']);
  requireAdmin(principal, 'deactivate dev users');
  // An admin locking themselves out could leave an organization with nobody to manage it.
  if (user.id === principal.user.id) throw BadRequest.notPermitted('id', 'you cannot deactivate yourself');
  const at = now();
  await store.transaction(async (tx) => {
    if (user.state !== 'deactivated') await recordUserEvent(tx, 'dev_user_updated', await tx.users.update(user.id, { state: 'deactivated', at }), user);
    await tx.tokens.revokeAllOfUser(user.id, at);
  });
}

export async function activateDevUser(store: Store, principal: Principal, id: string): Promise<void> {
  const user = await findUserOf(store, principal.org, 'id', id, ['dev_user']);
  requireAdmin(principal, 'activate dev users');
  if (user.state === 'active') return;
  await store.transaction(async (tx) => recordUserEvent(tx, 'dev_user_updated', await tx.users.update(user.id, { state: 'active', at: now() }), user));
}

async function applyChanges(store: Store, principal: Principal, user: User, changes: DevUserChanges): Promise<User> {
  if (changes.displayName !== undefined) requireText('display_name', changes.displayName);
  if (changes.fullName !== undefined) requireText('full_name', changes.fullName);
  if (changes.displayName === undefined && changes.fullName === undefined && changes.displayPicture === undefined) return user;
  // Attaching the picture and pointing the user at it commit together or not at all.
  return store.transaction(async (tx) => {
    const updated = await tx.users.update(user.id, {
      displayName: changes.displayName?.trim(),
      fullName: changes.fullName?.trim(),
      displayPictureId:
        changes.displayPicture === undefined ? undefined : await attachDisplayPicture(tx, principal, user, changes.displayPicture),
      at: now(),
    });
    // Service accounts update their profile here too; DevRev has no event for them.
    if (updated.type === 'dev_user' || updated.type === 'rev_user') await recordUserEvent(tx, `${updated.type}_updated`, updated, user);
    return updated;
  });
}
