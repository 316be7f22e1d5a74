/**
 * The stages of a support conversation and the moves between them. The names are DevRev's
 * (its object reference lists `new`, `needs_response`, `waiting_on_user`, `hold`,
 * `resolved`, `suspended`, `archived`); DevRev groups them into the states open, closed
 * and, for archived, done. Its documentation gives no conversation stage diagram, so the
 * moves are those its support inbox offers: among the open stages freely; from any open
 * one to resolved or suspended (closed); a closed conversation is reopened (to
 * needs_response, or new for a suspended one) or archived; archived is final.
 */
import { CONVERSATION_STAGES, type ConversationStage } from '../model/index.js';
import { BadRequest } from './errors.js';

export const INITIAL_STAGE: ConversationStage = 'new';
/** Where a customer's new message puts a resolved conversation: back in front of staff. */
export const REOPENED_STAGE: ConversationStage = 'needs_response';

const OPEN: readonly ConversationStage[] = ['new', 'needs_response', 'waiting_on_user', 'hold'];

const MOVES: Record<ConversationStage, readonly ConversationStage[]> = {
  new: [...OPEN, 'resolved', 'suspended', 'archived'],
  needs_response: [...OPEN, 'resolved', 'suspended', 'archived'],
  waiting_on_user: [...OPEN, 'resolved', 'suspended', 'archived'],
  hold: [...OPEN, 'resolved', 'suspended', 'archived'],
  resolved: ['needs_response', 'archived'],
  suspended: ['new', 'needs_response', 'archived'],
  archived: [],
};

/** A stage by name; an unknown name is DevRev's `invalid_enum_value` on the field. */
export function parseStage(fieldName: string, name: string): ConversationStage {
  if (!(CONVERSATION_STAGES as readonly string[]).includes(name)) {
    throw new BadRequest('invalid_enum_value', `${fieldName}: '${name.slice(0, 64)}' is not a conversation stage (${CONVERSATION_STAGES.join(', ')})`, {
      fieldName,
      value: name.slice(0, 64),
      allowedValues: [...CONVERSATION_STAGES],
    });
  }
  return name as ConversationStage;
}

/** Moving to the stage it is in changes nothing and is allowed; any other move must be one of `MOVES`. */
export function requireMove(fieldName: string, from: ConversationStage, to: ConversationStage): void {
  if (from !== to && !MOVES[from].includes(to)) {
    throw BadRequest.notPermitted(fieldName, `a conversation cannot move from ${from} to ${to}${MOVES[from].length === 0 ? `: ${from} is final` : ''}`);
  }
}

/** When a conversation was closed: set on moving to resolved, kept while closed, cleared on reopening. */
export function closeDateAfter(from: ConversationStage, to: ConversationStage, current: string | null, at: string): string | null {
  if (OPEN.includes(to)) return null;
  return to === 'resolved' && from !== 'resolved' ? at : current;
}
