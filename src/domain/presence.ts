/**
 * Presence (Confab addition, ephemeral): who is online. A user is `online` while they have
 * an event stream open on any process, and turns `offline` once no process has vouched for
 * them for PRESENCE_OFFLINE_AFTER_MS (30 s): a reconnect within that does not flap, and the
 * users of a process that died go offline when its vouching stops. The bookkeeping is
 * realtime/presence.ts; this is what a caller may ask of it, and who may ask
 * (domain/policy/visibility.ts `presenceVisibleTo`).
 */
import type { Store } from '../store/index.js';
import { NotFound } from './errors.js';
import { parseRef } from './ids.js';
import { resolveUsers, Unresolved } from './members.js';
import { presenceVisibleTo } from './policy/visibility.js';
import type { PresenceState, Principal, User } from '../model/index.js';


export interface PresenceItem {
  user: User;
  state: PresenceState;
  /** An offline user's last moment online; absent while online or if never online. */
  lastSeen?: string;
}

/**
 * The presence of `users`, in the order given, each once. Someone the caller may not know
 * the presence of is as absent as someone who does not exist (404, naming the id as given),
 * so a customer cannot tell the two apart.
 */
export async function listPresence(store: Store, principal: Principal, users: readonly string[]): Promise<PresenceItem[]> {
  let subjects: User[];
  try {
    subjects = await resolveUsers(store, principal.org, 'users', users);
  } catch (error) {
    // Another organization's user is as absent as one never made.
    if (error instanceof Unresolved) throw new NotFound('user', error.value);
    throw error;
  }
  const visible = await presenceVisibleTo(store, principal.user, subjects);
  const hidden = subjects.find((subject) => !visible.has(subject.id));
  if (hidden) throw new NotFound('user', users.find((value) => names(value, hidden)));
  const rows = await store.presence.find(subjects.map((subject) => subject.id));
  return subjects.map((user) => {
    const row = rows.get(user.id);
    if (row?.state === 'online') return { user, state: 'online' };
    return { user, state: 'offline', ...(row && { lastSeen: row.seenAt }) };
  });
}

function names(value: string, user: User): boolean {
  const ref = parseRef(value);
  return ref !== undefined && ref.kind === user.type && ref.number === user.number;
}
