/**
 * A support conversation as the console shows it, in DevRev's shape (`conversation` in the
 * contract), and how its stage reads to people.
 */
import type { UserSummary } from '../../src/client/index.js';
import { CONVERSATION_STAGES } from '../../src/model/index.js';

export type { Conversation } from '../../src/schema/conversations.js';
import type { Conversation } from '../../src/schema/conversations.js';

/** DevRev's support conversation stages, in the order a conversation moves through them. */
export const STAGES: readonly string[] = CONVERSATION_STAGES;

/** Stages after which nobody is expected to answer: the inbox's "Open" view leaves them out. */
export const CLOSED_STAGES: readonly string[] = ['resolved', 'suspended', 'archived'];

/** `waiting_on_user` → `Waiting on user`. */
export function stageLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A stage as a customer reads it: where the conversation waits, not the team's workflow. */
export function customerStageLabel(name: string): string {
  if (name === 'waiting_on_user') return 'Waiting for you';
  if (name === 'resolved') return 'Resolved';
  if (CLOSED_STAGES.includes(name)) return 'Closed';
  return 'Waiting for our team';
}

/** Who asked: the conversation's customers (rev users), else its first member. */
export function customersOf(conversation: Conversation): UserSummary[] {
  const customers = conversation.members.filter((member) => member.type === 'rev_user');
  return customers.length > 0 ? customers : conversation.members.slice(0, 1);
}
