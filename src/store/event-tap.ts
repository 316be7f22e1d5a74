/**
 * Which outbox events a unit of work appended, for whoever asks (the request journal
 * links each request to the events it caused). Work that runs inside `tapEvents` has the
 * id of every event it appends pushed onto the given list; elsewhere this costs nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const tap = new AsyncLocalStorage<number[]>();

export function tapEvents<T>(ids: number[], work: () => T): T {
  return tap.run(ids, work);
}

export function noteAppendedEvent(id: number): void {
  tap.getStore()?.push(id);
}
