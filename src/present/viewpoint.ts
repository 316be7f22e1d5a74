/**
 * Who is looking at what a presenter renders: the caller (a `Principal` is a viewpoint),
 * or no one in particular for a webhook, which goes to the organization as a whole.
 * Fields that depend on the reader (DevRev's `reacted` on reactions) are decided here.
 */
import type { Org, User } from '../model/index.js';

export interface Viewpoint {
  org: Org;
  /** Absent when no one user is looking (a webhook delivery). */
  user?: User;
  /** Ids of users the viewer shares a chat with, where that decides what they see (domain/customers.ts). */
  contacts?: ReadonlySet<number>;
}

/** The same viewer, who also shares a chat with `users` (its members, the authors in it). */
export function withContacts(view: Viewpoint, users: readonly User[]): Viewpoint {
  if (view.user?.type !== 'rev_user') return view;
  return { ...view, contacts: new Set([...(view.contacts ?? []), ...users.map((user) => user.id)]) };
}

/** The organization-wide view a webhook gets. */
export function orgView(org: Org): Viewpoint {
  return { org };
}
