/**
 * Ephemeral events (typing, presence): delivered live to the streams open now, never stored
 * in the outbox, never replayed. Across processes they travel by the deployment's broadcast
 * (broadcast.ts: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or in memory for SQLite).
 */
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { User } from '../model/index.js';
import { startBroadcast, type BroadcastOptions } from './broadcast.js';

export type EphemeralEvent = TypingEvent | PresenceChange;

/**
 * Someone is typing in a chat: for the streams of `recipients`, each of which presents the
 * typer as its own reader may see them (a customer sees no email or external_ref of
 * another rev org's customer, for one), as presence is presented.
 */
export interface TypingEvent {
  orgId: number;
  /** Users whose streams get it. */
  recipients: number[];
  type: 'typing';
  /** The typer, as stored. */
  user: User;
  /** The chat's DON. */
  chat: string;
  expiresAt: string;
  timestamp: string;
}

/**
 * A user came online or went offline. It names only the user: each process decides which of
 * its own streams may hear of it (realtime/presence.ts), and presents it for each reader.
 */
export interface PresenceChange {
  orgId: number;
  type: 'presence_changed';
  userId: number;
  state: 'online' | 'offline';
  /** When it happened; for `offline`, the user's last moment online. */
  at: string;
}

export interface EphemeralBus {
  publish(event: EphemeralEvent): Promise<void>;
  subscribe(listener: (event: EphemeralEvent) => void): () => void;
  close(): Promise<void>;
}

export async function startEphemeralBus(options: BroadcastOptions, log: FastifyBaseLogger): Promise<EphemeralBus> {
  const broadcast = await startBroadcast('ephemeral', options, log);
  // Parsed once, then handed to every open stream's listener.
  const parsed = new EventEmitter();
  parsed.setMaxListeners(0);
  broadcast.subscribe((text) => {
    try {
      parsed.emit('event', JSON.parse(text) as EphemeralEvent);
    } catch (error) {
      log.warn({ err: error }, 'dropped a malformed ephemeral event');
    }
  });
  return {
    async publish(event) {
      await broadcast.publish(JSON.stringify(event));
    },
    subscribe(listener) {
      parsed.on('event', listener);
      return () => void parsed.off('event', listener);
    },
    close: () => broadcast.close(),
  };
}
