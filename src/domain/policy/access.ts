/**
 * Who may do what to people. An organization's admins manage everyone in it; everyone
 * else manages only themselves. Denials are 403: by the time these run, the object is
 * known to be in the caller's organization, so saying no reveals nothing.
 */
import { absent } from './customers.js';
import { Forbidden } from '../errors.js';
import { parseRefOf, refBelongsTo } from '../ids.js';
import type { Org, Principal, User, UserType } from '../../model/index.js';
import type { Store } from '../../store/index.js';

export function requireAdmin(principal: Principal, action: string): void {
  if (!principal.user.isAdmin) throw new Forbidden(`only an organization's admins may ${action}`);
}

/**
 * An application acting for the organization's customers (Plug's backend minting their
 * session tokens): a service account, or an admin. A member acting for themselves may not.
 */
export function requireApplication(principal: Principal, action: string): void {
  if (principal.user.type !== 'service_account' && !principal.user.isAdmin) {
    throw new Forbidden(`only service accounts and admins may ${action}`);
  }
}

export function requireSelfOrAdmin(principal: Principal, user: User, action: string): void {
  if (principal.user.id !== user.id) requireAdmin(principal, `${action} of someone else`);
}

/**
 * Customers (rev users) share an organization with each other but must not see each
 * other: they read only themselves and their own rev org.
 */
export function requireNotCustomer(principal: Principal, action: string): void {
  if (principal.user.type === 'rev_user') throw new Forbidden(`rev users may not ${action}`);
}

/**
 * The user `value` names (either id form), of one of `types`, in `org`. Malformed ids are
 * 400; an id that names nobody here, including any id of another organization, is 404.
 */
export async function findUserOf(
  store: Store,
  org: Org,
  fieldName: string,
  value: string,
  types: readonly UserType[],
): Promise<User> {
  const ref = parseRefOf(fieldName, value, types);
  const user = refBelongsTo(ref, org.slug)
    ? (await store.users.findByNumbers(org.id, [{ type: ref.kind, number: ref.number }]))[0]
    : undefined;
  if (!user) throw absent(ref.kind.replace('_', ' '), value);
  return user;
}
