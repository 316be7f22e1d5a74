/** Typing (a Confab addition) → the stream's `typing` event, presented for the stream's reader. */
import type { TypingNotice } from '../domain/typing.js';
import type { User } from '../model/index.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

/** The envelope, like presence's: no id, never replayed. The typer is shown as the reader may see them. */
export function presentTyping(notice: Pick<TypingNotice, 'chat' | 'expiresAt'>, typer: User, view: Viewpoint, timestamp: string): Record<string, unknown> {
  return { type: 'typing', timestamp, typing: { chat: notice.chat, user: presentUserSummary(typer, view), expires_at: notice.expiresAt } };
}
