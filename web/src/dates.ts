/** How the console writes a message's time: in the reader's locale and time zone. */

/** `14:05`: beside a message. */
export function shortTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** `Friday, 4 December 2026 at 14:05:09`: the time's tooltip. */
export function fullDateTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'full', timeStyle: 'medium' });
}

/** The local calendar day, as a key two times can be compared by. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** A day divider's words: `Today`, `Yesterday`, `Monday, 30 November`, or with the year when it is not this one. */
export function dayLabel(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (dayKey(iso) === dayKey(now.toISOString())) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return 'Yesterday';
  return date.toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(date.getFullYear() !== now.getFullYear() && { year: 'numeric' }),
  });
}
