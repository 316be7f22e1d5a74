/**
 * Ephemeral events (typing, presence): delivered live to the streams open now, never stored
 * in the outbox, never replayed. Across processes they go through Redis pub/sub where
 * REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY on a PostgreSQL store; an SQLite store is
 * one process.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

export type EphemeralEvent = TypingEvent | PresenceChange;

/** Sent as is to the streams of `recipients`. */
export interface TypingEvent {
  orgId: number;
  /** Users whose streams get it. */
  recipients: number[];
  type: 'typing';
  /** The wire object, already presented: `{type, typing: {...}}`. */
  data: Record<string, unknown>;
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

export interface EphemeralBusOptions {
  databaseUrl: string;
  redisUrl?: string;
}

export async function startEphemeralBus(options: EphemeralBusOptions, log: FastifyBaseLogger): Promise<EphemeralBus> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const deliver = (text: string) => {
    try {
      local.emit('event', JSON.parse(text) as EphemeralEvent);
    } catch (error) {
      log.warn({ err: error }, 'dropped a malformed ephemeral event');
    }
  };
  // One channel per database: processes of one deployment share it, other deployments
  // (and test schemas) on the same server do not.
  const channel = `confab_${createHash('sha256').update(options.databaseUrl).digest('hex').slice(0, 16)}`;
  const subscribe = (listener: (event: EphemeralEvent) => void) => {
    local.on('event', listener);
    return () => void local.off('event', listener);
  };

  if (options.redisUrl) {
    const publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    for (const connection of [publisher, subscriber]) connection.on('error', (error) => log.warn({ err: error }, 'redis ephemeral bus error'));
    subscriber.on('message', (_channel: string, text: string) => deliver(text));
    await subscriber.subscribe(channel);
    return {
      async publish(event) {
        await publisher.publish(channel, JSON.stringify(event));
      },
      subscribe,
      async close() {
        subscriber.disconnect();
        publisher.disconnect();
      },
    };
  }

  if (options.databaseUrl.startsWith('postgres')) {
    const listener = new pg.Client({ connectionString: options.databaseUrl });
    listener.on('error', (error) => log.warn({ err: error }, 'postgres ephemeral bus error'));
    listener.on('notification', (message) => {
      if (message.channel === channel && message.payload) deliver(message.payload);
    });
    await listener.connect();
    await listener.query(`LISTEN ${channel}`);
    return {
      async publish(event) {
        await listener.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]);
      },
      subscribe,
      async close() {
        await listener.end();
      },
    };
  }

  return {
    async publish(event) {
      local.emit('event', event);
    },
    subscribe,
    async close() {},
  };
}
