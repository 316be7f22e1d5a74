/** service-accounts.*: bots and integrations, made and named by admins, with tokens of their own. */
import type { Store } from '../store/index.js';
import { findUserOf, requireAdmin } from './policy/access.js';
import { BadRequest } from './errors.js';
import { now, type Principal, type User } from '../model/index.js';
import { requireText } from './orgs.js';

export async function createServiceAccount(
  store: Store,
  principal: Principal,
  displayName: string,
  genKeyring = false,
): Promise<User> {
  requireAdmin(principal, 'create service accounts');
  requireText('display_name', displayName);
  // Keyrings belong to DevRev's snap-in platform; a token comes from auth-tokens.create instead.
  if (genKeyring) throw BadRequest.notPermitted('gen_keyring', 'Confab makes no keyrings; use auth-tokens.create with act_as');
  const org = principal.org;
  return store.transaction(async (tx) =>
    tx.users.insert({
      orgId: org.id,
      number: await tx.orgs.nextNumber(org.id, 'service_account'),
      type: 'service_account',
      // Service accounts have no mailbox; DevRev's object has no email for them either.
      email: null,
      displayName: displayName.trim(),
      fullName: null,
      state: 'active',
      isAdmin: false,
      at: now(),
    }),
  );
}

export function getServiceAccount(store: Store, principal: Principal, id: string): Promise<User> {
  return findUserOf(store, principal.org, 'id', id, ['service_account']);
}

export async function updateServiceAccount(store: Store, principal: Principal, id: string, displayName?: string): Promise<User> {
  const account = await getServiceAccount(store, principal, id);
  requireAdmin(principal, 'change service accounts');
  if (displayName === undefined) return account;
  requireText('display_name', displayName);
  return store.users.update(account.id, { displayName: displayName.trim(), at: now() });
}
