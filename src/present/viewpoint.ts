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
}

/** The organization-wide view a webhook gets. */
export function orgView(org: Org): Viewpoint {
  return { org };
}
