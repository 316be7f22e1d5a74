/**
 * A message to every process of one deployment, this one included: Redis pub/sub where
 * REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY on a PostgreSQL store; an SQLite store
 * is one process, so there it stays in memory. What travels is text; what it means is the
 * business of whoever opened the topic (ephemeral.ts, change-relay.ts).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { loadRedis } from '../redis.js';

export interface Broadcast {
  publish(message: string): Promise<void>;
  subscribe(listener: (message: string) => void): () => void;
  close(): Promise<void>;
  /** Whether other processes hear it: false for the in-memory one of an SQLite store. */
  readonly shared: boolean;
}

export interface BroadcastOptions {
  databaseUrl: string;
  redisUrl?: string;
}

export async function startBroadcast(topic: string, options: BroadcastOptions, log: FastifyBaseLogger): Promise<Broadcast> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const subscribe = (listener: (message: string) => void) => {
    local.on('message', listener);
    return () => void local.off('message', listener);
  };
  const deliver = (message: string) => local.emit('message', message);
  // One channel per database and topic: processes of one deployment share it, other
  // deployments (and test schemas) on the same server do not.
  const channel = `confab_${createHash('sha256').update(options.databaseUrl).digest('hex').slice(0, 16)}_${topic}`;

  if (options.redisUrl) {
    const Redis = await loadRedis();
    const publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    for (const connection of [publisher, subscriber]) connection.on('error', (error) => log.warn({ err: error, topic }, 'redis broadcast error'));
    subscriber.on('message', (_channel: string, message: string) => deliver(message));
    await subscriber.subscribe(channel);
    return {
      shared: true,
      async publish(message) {
        await publisher.publish(channel, message);
      },
      subscribe,
      async close() {
        subscriber.disconnect();
        publisher.disconnect();
      },
    };
  }

  if (options.databaseUrl.startsWith('postgres')) {
    const { default: pg } = await import('pg');
    const listener = new pg.Client({ connectionString: options.databaseUrl });
    listener.on('error', (error) => log.warn({ err: error, topic }, 'postgres broadcast error'));
    listener.on('notification', (notification) => {
      if (notification.channel === channel && notification.payload) deliver(notification.payload);
    });
    await listener.connect();
    await listener.query(`LISTEN ${channel}`);
    return {
      shared: true,
      async publish(message) {
        await listener.query('SELECT pg_notify($1, $2)', [channel, message]);
      },
      subscribe,
      async close() {
        await listener.end();
      },
    };
  }

  return {
    shared: false,
    async publish(message) {
      deliver(message);
    },
    subscribe,
    async close() {},
  };
}
