/**
 * Typing (Confab addition, ephemeral): `chats.typing` tells the chat's other members'
 * streams that the caller is typing, for TYPING_EXPIRES_MS unless repeated. At most one
 * notice per user and chat every TYPING_THROTTLE_MS: more often says nothing new, so the
 * extra calls succeed and send nothing.
 */
import type { Store } from '../store/index.js';
import { findTimelineChat } from './timeline-entries.js';
import { formatDon } from './ids.js';
import type { Principal } from '../model/index.js';

export const TYPING_THROTTLE_MS = 2_000;
export const TYPING_EXPIRES_MS = 6_000;
/** Bounds the throttle's memory: entries older than the throttle window are dropped past this. */
const MAX_TRACKED = 100_000;

const lastSent = new Map<string, number>();

export interface TypingNotice {
  orgId: number;
  recipients: number[];
  chat: string;
  expiresAt: string;
}

/** The notice to send, or undefined when the caller was heard from less than 2 s ago. */
export async function noteTyping(store: Store, principal: Principal, id: string, at = Date.now()): Promise<TypingNotice | undefined> {
  const chat = await findTimelineChat(store, principal, 'id', id);
  const key = `${principal.user.id}:${chat.id}`;
  const previous = lastSent.get(key);
  if (previous !== undefined && at - previous < TYPING_THROTTLE_MS) return undefined;
  if (lastSent.size >= MAX_TRACKED) {
    for (const [tracked, time] of lastSent) if (at - time >= TYPING_THROTTLE_MS) lastSent.delete(tracked);
  }
  lastSent.set(key, at);
  const recipients = (await store.chats.memberIds(chat.id)).filter((member) => member !== principal.user.id);
  return {
    orgId: principal.org.id,
    recipients,
    chat: formatDon(chat.type === 'conversation' ? 'conversation' : 'chat', principal.org.slug, chat.number),
    expiresAt: new Date(at + TYPING_EXPIRES_MS).toISOString(),
  };
}
