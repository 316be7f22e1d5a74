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
import type { ChangeBus } from '../store/index.js';
import type { Broadcast } from './broadcast.js';

interface RelayedChange {
  from: string;
  tables: string[];
}

/** Starts relaying; returns the function that stops it. */
export function relayChanges(changes: ChangeBus, broadcast: Broadcast, log: FastifyBaseLogger): () => void {
  if (!broadcast.shared) return () => {};
  const self = randomUUID();
  // A burst of commits in one turn of the event loop goes out as one message.
  let pending: Set<string> | undefined;
  const flush = () => {
    const message: RelayedChange = { from: self, tables: [...pending!] };
    pending = undefined;
    broadcast.publish(JSON.stringify(message)).catch((error) => log.warn({ err: error }, 'could not relay a change; other processes will poll'));
  };
  const stopListening = changes.on((change) => {
    if (change.remote) return;
    if (!pending) {
      pending = new Set();
      setImmediate(flush);
    }
    for (const table of change.tables) pending.add(table);
  });
  const stopHearing = broadcast.subscribe((text) => {
    let message: RelayedChange;
    try {
      message = JSON.parse(text) as RelayedChange;
    } catch (error) {
      log.warn({ err: error }, 'dropped a malformed relayed change');
      return;
    }
    if (message.from === self || !Array.isArray(message.tables)) return;
    changes.publish(message.tables.filter((table) => typeof table === 'string'), { remote: true });
  });
  changes.relayHearing(broadcast.listening);
  const stopStatus = broadcast.onListening((listening) => changes.relayHearing(listening));
  return () => {
    stopListening();
    stopHearing();
    stopStatus();
    changes.relayHearing(false);
  };
}
