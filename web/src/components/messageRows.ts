/**
 * How a list of messages is laid out as a conversation: a day divider where the local date
 * changes, and a message that follows the same person's previous one within a few minutes
 * continues it (no avatar or name again), as Slack and Mattermost group them.
 */
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { dayKey, dayLabel } from '../dates.js';

/** Messages further apart than this start a new group, even from the same person. */
const GROUP_WITHIN_MS = 5 * 60_000;

export interface MessageRow {
  entry: TimelineEntry;
  /** The same person's message just before, within minutes, on the same day. */
  continued: boolean;
  /** The divider's words when this is the day's first message: `Today`, `Yesterday`, a date. */
  day?: string;
}

/** A message deleted: it has neither text nor files (as the API answers it). */
export function isDeleted(entry: TimelineEntry): boolean {
  return entry.body === undefined && (entry.artifacts ?? []).length === 0;
}

/** `breakBefore`: ids a group must not run across (the "New" marker's). */
export function messageRows(entries: TimelineEntry[], breakBefore?: string, now = new Date()): MessageRow[] {
  return entries.map((entry, index) => {
    const previous = entries[index - 1];
    const newDay = !previous || dayKey(previous.created_date) !== dayKey(entry.created_date);
    const continued =
      !newDay &&
      previous !== undefined &&
      entry.id !== breakBefore &&
      previous.created_by.id === entry.created_by.id &&
      !isDeleted(previous) &&
      Date.parse(entry.created_date) - Date.parse(previous.created_date) < GROUP_WITHIN_MS;
    return { entry, continued, ...(newDay && { day: dayLabel(entry.created_date, now) }) };
  });
}
