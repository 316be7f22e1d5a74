/**
 * Who is looking at what a presenter renders: the caller (a `Principal` is a viewpoint),
 * or no one in particular for a webhook, which goes to the organization as a whole.
 * Fields that depend on the reader (DevRev's `reacted` on reactions) are decided here.
 */
import { contactsOf } from '../domain/policy/customers.js';
import type { Org, Principal, User } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface Viewpoint {
  org: Org;
  /** Absent when no one user is looking (a webhook delivery). */
  user?: User;
  /** Ids of staff whom staff brought into a chat with the viewer, where that decides what they see (domain/policy/customers.ts). */
  contacts?: ReadonlySet<number>;
}

/** `principal` looking at `users`, knowing which of them are its contacts (one lookup, for customers only). */
export async function viewOf(store: Store, principal: Principal, users: readonly User[]): Promise<Viewpoint> {
  return { ...principal, contacts: await contactsOf(store, principal.user, users) };
}

/** The same viewer, for whom staff also vouched for `users` (a chat's vouched members, an entry's author). */
export function withContacts(view: Viewpoint, users: readonly User[]): Viewpoint {
  if (view.user?.type !== 'rev_user') return view;
  return { ...view, contacts: new Set([...(view.contacts ?? []), ...users.map((user) => user.id)]) };
}

/** The organization-wide view a webhook gets. */
export function orgView(org: Org): Viewpoint {
  return { org };
}
