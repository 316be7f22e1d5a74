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
  /**
   * Whether this process hears the others now: connected and subscribed. False while the
   * connection is lost and until it is subscribed again, when anything published meanwhile
   * was missed. Always false for the in-memory one.
   */
  readonly listening: boolean;
  /** Told each time `listening` changes; returns the function that stops telling. */
  onListening(listener: (listening: boolean) => void): () => void;
}

/** The first pause before opening a lost PostgreSQL listener again; doubled per failure, up to the longest. */
const RELISTEN_FIRST_MS = 50;
const RELISTEN_LONGEST_MS = 2_000;

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
  const status = new ListeningStatus();
  // One channel per database and topic: processes of one deployment share it, other
  // deployments (and test schemas) on the same server do not.
  const channel = `confab_${createHash('sha256').update(options.databaseUrl).digest('hex').slice(0, 16)}_${topic}`;

  if (options.redisUrl) {
    const Redis = await loadRedis();
    const publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    // Subscribed again by hand after a reconnection: ioredis says 'ready' before its own
    // resubscription is done, and `listening` must not be true before it is.
    const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, autoResubscribe: false });
    for (const connection of [publisher, subscriber]) connection.on('error', (error) => log.warn({ err: error, topic }, 'redis broadcast error'));
    subscriber.on('message', (_channel: string, message: string) => deliver(message));
    await subscriber.subscribe(channel);
    status.set(true);
    subscriber.on('close', () => status.set(false));
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => status.set(true),
        (error: unknown) => log.warn({ err: error, topic }, 'could not subscribe again to the redis broadcast'),
      );
    });
    return {
      shared: true,
      get listening() {
        return status.listening;
      },
      onListening: status.on,
      async publish(message) {
        await publisher.publish(channel, message);
      },
      subscribe,
      async close() {
        status.set(false);
        subscriber.disconnect();
        publisher.disconnect();
      },
    };
  }

  if (options.databaseUrl.startsWith('postgres')) {
    const { default: pg } = await import('pg');
    const listener = new PostgresListener(pg, options.databaseUrl, channel, deliver, status, (error, what) => log.warn({ err: error, topic }, what));
    await listener.start();
    // Published through a connection of its own, so that a lost listener (which this
    // process learns of, and answers by not trusting what it caches) never silences what
    // this process tells the others.
    const publisher = new pg.Pool({ connectionString: options.databaseUrl, max: 1, idleTimeoutMillis: 0 });
    publisher.on('error', (error) => log.warn({ err: error, topic }, 'postgres broadcast error'));
    // A server may be closed twice (a shutdown, then a test's teardown); pg's pool ends once.
    let closing: Promise<void> | undefined;
    return {
      shared: true,
      async publish(message) {
        await publisher.query('SELECT pg_notify($1, $2)', [channel, message]);
      },
      subscribe,
      get listening() {
        return status.listening;
      },
      onListening: status.on,
      close() {
        closing ??= listener.stop().then(() => publisher.end());
        return closing;
      },
    };
  }

  return {
    shared: false,
    async publish(message) {
      deliver(message);
    },
    subscribe,
    listening: false,
    onListening: () => () => undefined,
    async close() {},
  };
}

class ListeningStatus {
  listening = false;
  private readonly listeners = new Set<(listening: boolean) => void>();

  set(listening: boolean): void {
    if (listening === this.listening) return;
    this.listening = listening;
    for (const listener of this.listeners) listener(listening);
  }

  readonly on = (listener: (listening: boolean) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
}

/**
 * A PostgreSQL connection that LISTENs on one channel, and opens again when it is lost (the
 * server restarted, the backend was terminated, the network cut): `status` is false from
 * the moment the loss is seen until LISTEN has answered on a new connection.
 */
class PostgresListener {
  private client: import('pg').Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private pauseMs = RELISTEN_FIRST_MS;

  constructor(
    private readonly pg: typeof import('pg').default,
    private readonly url: string,
    private readonly channel: string,
    private readonly deliver: (message: string) => void,
    private readonly status: ListeningStatus,
    private readonly warn: (error: unknown, what: string) => void,
  ) {}

  /** The first connection: a failure here fails the start, as before. */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (error) {
      this.stopped = true;
      clearTimeout(this.retry);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.status.set(false);
    await this.client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const client = new this.pg.Client({ connectionString: this.url, keepAlive: true });
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.status.set(false);
      if (this.stopped) return;
      if (error) this.warn(error, 'postgres broadcast lost its listening connection; opening it again');
      void client.end().catch(() => undefined);
      this.retry = setTimeout(() => this.reopen(), this.pauseMs);
      this.pauseMs = Math.min(this.pauseMs * 2, RELISTEN_LONGEST_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (notification) => {
      if (notification.channel === this.channel && notification.payload) this.deliver(notification.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      onLost(error as Error);
      throw error;
    }
    if (lost || this.stopped) return;
    this.pauseMs = RELISTEN_FIRST_MS;
    this.status.set(true);
  }

  private reopen(): void {
    if (this.stopped) return;
    // A failure has already scheduled the next attempt (onLost).
    this.open().catch(() => undefined);
  }
}
