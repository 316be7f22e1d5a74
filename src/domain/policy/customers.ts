/**
 * What customers (rev users) may reach and see, in one place. DevRev's customer-facing
 * model: a customer talks to the vendor's staff (dev users), its bots (service accounts)
 * and colleagues of their own rev org, never to other customers; sees staff as summaries
 * without email unless staff brought them together (below); sees another rev org's
 * customers without email or external_ref; and cannot learn that a chat they are not in
 * exists. Dev users and service accounts are the vendor's side and see everyone in the org.
 *
 * A staff member's email reaches a customer only through a chat both are in where the staff
 * member is there by staff's doing: put in it (directly or through a group) by a dev user
 * or service account — themselves included, by making the chat or adding themselves — or
 * having posted in it where customers read. A customer making a chat with someone, or adding
 * them or their group to one, vouches for nobody: otherwise any customer could learn any
 * staff address by naming the person. The store keeps this per membership (`vouched`,
 * migration 0023); `contactsOf` asks it, and `mayViewEmail` decides for every presenter.
 */
import type { Chat, Group, TimelineVisibility, User } from '../../model/index.js';
import type { EmailScope } from '../../store/directory-search.js';
import type { Store } from '../../store/index.js';
import { Forbidden, NotFound } from '../errors.js';

export function isCustomer(user: User | undefined): boolean {
  return user?.type === 'rev_user';
}

/** Whether `viewer` may be in a chat with `other` (or put them in one). */
export function mayChatWith(viewer: User, other: User): boolean {
  if (!isCustomer(viewer) || other.id === viewer.id) return true;
  if (other.type === 'dev_user' || other.type === 'service_account') return true;
  return other.type === 'rev_user' && sameRevOrg(viewer, other);
}

/** A customer may bring only staff groups into a chat: a rev-user group may hold other customers. */
export function mayAddGroup(viewer: User, group: Group): boolean {
  return !isCustomer(viewer) || group.memberType === 'dev_user';
}

/**
 * Whether `viewer` may see `subject`'s email. Undefined viewer: the organization as a
 * whole (webhooks, the CLI). `contacts`: staff whom staff brought into a chat with the
 * viewer (`contactsOf`, or a chat's `vouchedMembers`).
 */
export function mayViewEmail(viewer: User | undefined, subject: User, contacts: ReadonlySet<number> | undefined): boolean {
  if (!isCustomer(viewer) || subject.id === viewer!.id) return true;
  if (subject.type === 'rev_user') return sameRevOrg(viewer!, subject);
  return contacts?.has(subject.id) ?? false;
}

/** Whether `viewer` may see `subject`'s external_ref: a customer never sees another rev org's customer's. */
export function mayViewExternalRef(viewer: User | undefined, subject: User): boolean {
  if (!isCustomer(viewer) || subject.type !== 'rev_user' || subject.id === viewer!.id) return true;
  return sameRevOrg(viewer!, subject);
}

/** Whether `actor` putting people in a chat vouches for them before its customers. */
export function vouchesForStaff(actor: Pick<User, 'type'>): boolean {
  return actor.type !== 'rev_user';
}

/** Whether posting an entry of this visibility joins its author to the chat: staff writing where customers read. */
export function postingVouches(author: Pick<User, 'type'>, visibility: TimelineVisibility): boolean {
  return vouchesForStaff(author) && visibility === 'external';
}

/** The users of `chat` there by staff's doing: those whose email the chat shows its customers. */
export function vouchedMembers(chat: Chat): User[] {
  const vouched = new Set(chat.vouchedUserIds);
  return chat.users.filter((user) => vouched.has(user.id));
}

/**
 * The one answer for a thing that is not there, as the caller named it (`resource`, and the
 * id they sent). What is hidden from a customer is refused with this very answer too, so
 * the two cannot be told apart: build both from here, and their wording cannot drift.
 */
export function absent(resource: string, ref?: string): NotFound {
  return new NotFound(resource, ref);
}

/**
 * The refusal for a chat the caller is not a member of: a customer gets what they would get
 * if the thing they asked for did not exist (`asked`, by default "chat not found"), so it
 * cannot learn who talks to whom; staff get 403 as before.
 */
export function notAMember(viewer: User, asked: () => NotFound = () => absent('chat')): NotFound | Forbidden {
  return isCustomer(viewer) ? asked() : new Forbidden('only members of a chat may read or change it');
}

/**
 * Of `users`, the ids of those `viewer` may not learn exist. A customer knows of the people
 * they may chat with (staff, bots, their own rev org) and of anyone they share a chat with
 * (staff may put two rev orgs' customers in one); everyone else is, to them, not there.
 * Staff see everyone in the organization.
 */
export async function hiddenFrom(store: Store, viewer: User, users: readonly User[]): Promise<ReadonlySet<number>> {
  const strangers = isCustomer(viewer) ? users.filter((user) => !mayChatWith(viewer, user)) : [];
  if (strangers.length === 0) return new Set();
  const contacts = new Set(await store.chats.sharingAChat(viewer.id, strangers.map((user) => user.id)));
  return new Set(strangers.filter((user) => !contacts.has(user.id)).map((user) => user.id));
}

/**
 * Whether `viewer` may set a timeline entry's `external_ref`. The ref is unique within a
 * chat, so checking a customer's against the chat's would tell them that an internal or
 * private entry holds it; and a customer's ref could take a key the vendor's integration
 * needs. It is the vendor's key for entries synced from elsewhere: customers do not set it.
 */
export function maySetEntryExternalRef(viewer: User): boolean {
  return !isCustomer(viewer);
}

function sameRevOrg(a: User, b: User): boolean {
  return a.revOrg !== null && b.revOrg !== null && a.revOrg.number === b.revOrg.number;
}

/**
 * The emails `viewer` may find people by (`mayViewEmail` as a set, for the store's search),
 * given their `contacts` from `contactsOf`; undefined: everyone's.
 */
export function searchableEmails(viewer: User, contacts: ReadonlySet<number>): EmailScope | undefined {
  if (!isCustomer(viewer)) return undefined;
  return { selfId: viewer.id, revOrgNumber: viewer.revOrg?.number ?? null, staffIds: [...contacts] };
}

/**
 * Of `users` (of everyone, when not given), those staff brought into a chat with `viewer`,
 * where that decides what a customer sees of them (`mayViewEmail`); staff see everyone
 * alike, so for them nothing is looked up.
 */
export async function contactsOf(store: Store, viewer: User, users?: readonly User[]): Promise<ReadonlySet<number>> {
  if (!isCustomer(viewer) || users?.length === 0) return new Set();
  return new Set(await store.chats.vouchedContacts(viewer.id, users?.map((user) => user.id)));
}
