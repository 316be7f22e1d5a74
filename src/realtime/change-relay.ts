/**
 * Tells the other processes of a deployment what this one committed, and this process what
 * they committed: the after-commit change bus (store/changes.ts), carried across processes
 * by the deployment's broadcast (PostgreSQL NOTIFY, or Redis). A message written through
 * one process then wakes every process's dispatcher and webhook worker at once, rather
 * than at their next poll, which stays only as the fallback for a lost notification.
 *
 * It also tells the change bus whether it hears the others now (`relayHearing`): the
 * PostgreSQL grant cache (store/auth-cache.ts) is on only while it does.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ChangeBus, RowWrite } from '../store/index.js';
import type { Broadcast } from './broadcast.js';

interface RelayedChange {
  from: string;
  /** The sender's count of its messages: it waits to hear its own back (see `onSend`). */
  seq?: number;
  tables: string[];
  /** The rows written, when every change of the burst told them and they fit (`MAX_MESSAGE_CHARS`). */
  writes?: RowWrite[];
}

/**
 * Past this size a message says only which tables changed, and the other processes drop
 * every cached row of them: a NOTIFY payload is at most 8000 bytes.
 */
const MAX_MESSAGE_CHARS = 7000;

/** Starts relaying; returns the function that stops it. */
export function relayChanges(changes: ChangeBus, broadcast: Broadcast, log: FastifyBaseLogger): () => void {
  if (!broadcast.shared) return () => {};
  const self = randomUUID();
  // A burst of commits in one turn of the event loop goes out as one message.
  let pending: Set<string> | undefined;
  let writes: RowWrite[] | undefined;
  let seq = 0;
  let heardBack = 0;
  const waiting: { seq: number; resolve: () => void }[] = [];
  const flush = () => {
    if (!pending) return;
    const tables = [...pending];
    seq++;
    const detailed = writes && JSON.stringify({ from: self, seq, tables, writes } satisfies RelayedChange);
    const text = detailed && detailed.length <= MAX_MESSAGE_CHARS ? detailed : JSON.stringify({ from: self, seq, tables } satisfies RelayedChange);
    pending = undefined;
    broadcast.publish(text).catch((error) => log.warn({ err: error }, 'could not relay a change; other processes will poll'));
  };
  // A write is answered once its message came back to this process's own listener (within
  // a bound, changes.ts `sent`): every listener is told at the same moment, so a client that
  // then reads through another process finds that process's caches already dropped.
  const stopSending = changes.onSend(() => {
    flush();
    // Not listening, nothing comes back; the caches are off then anyway (store/read-cache.ts).
    if (heardBack >= seq || !broadcast.listening) return Promise.resolve();
    return new Promise<void>((resolve) => waiting.push({ seq, resolve }));
  });
  const heardOwn = (message: RelayedChange) => {
    if (typeof message.seq !== 'number' || message.seq <= heardBack) return;
    heardBack = message.seq;
    for (let index = waiting.length - 1; index >= 0; index--) {
      if (waiting[index]!.seq <= heardBack) waiting.splice(index, 1)[0]!.resolve();
    }
  };
  const stopListening = changes.on((change) => {
    if (change.remote) return;
    if (!pending) {
      pending = new Set();
      writes = [];
      setImmediate(flush);
    }
    for (const table of change.tables) pending.add(table);
    if (change.writes && writes) writes.push(...change.writes);
    else writes = undefined;
  });
  const stopHearing = broadcast.subscribe((text) => {
    let message: RelayedChange;
    try {
      message = JSON.parse(text) as RelayedChange;
    } catch (error) {
      log.warn({ err: error }, 'dropped a malformed relayed change');
      return;
    }
    if (message.from === self) return heardOwn(message);
    if (!Array.isArray(message.tables)) return;
    const tables = message.tables.filter((table) => typeof table === 'string');
    changes.publish(tables, { remote: true, ...(validWrites(message.writes) && { writes: message.writes }) });
  });
  changes.relayHearing(broadcast.listening);
  const stopStatus = broadcast.onListening((listening) => changes.relayHearing(listening));
  return () => {
    stopSending();
    for (const waiter of waiting.splice(0)) waiter.resolve();
    stopListening();
    stopHearing();
    stopStatus();
    changes.relayHearing(false);
  };
}

/** Whether a relayed message's writes have the shape `RowWrite` promises; a message without is told table by table. */
function validWrites(writes: unknown): writes is RowWrite[] {
  if (!Array.isArray(writes)) return false;
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  return writes.every(
    (write) =>
      typeof write === 'object' &&
      write !== null &&
      typeof write.table === 'string' &&
      (write.columns === undefined || strings(write.columns)) &&
      (write.keys === undefined ||
        (typeof write.keys === 'object' && write.keys !== null && Object.values(write.keys as Record<string, unknown>).every(strings))),
  );
}
