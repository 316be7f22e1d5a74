/** A time as an inbox shows it: the time today, the weekday this week, else the date. */
export function shortTime(iso: string, now = new Date()): string {
  const when = new Date(iso);
  const age = now.getTime() - when.getTime();
  if (when.toDateString() === now.toDateString()) return when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (age < 6 * 24 * 3600 * 1000) return when.toLocaleDateString([], { weekday: 'short' });
  return when.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** The full date and time, for a tooltip. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}
