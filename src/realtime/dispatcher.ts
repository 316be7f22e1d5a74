/**
 * One dispatcher per process reads the outbox in id order and hands each event to the
 * streams of the chat's members. Writes wake it at once, this process's through the change
 * bus and other processes' through the change relay (change-relay.ts); a poll is the
 * fallback for a notification lost on the way.
 */
import type { FastifyBaseLogger } from 'fastify';
import { mayReadEvent, readerOf, sawDeletedConversation } from '../domain/policy/visibility.js';
import type { StoredEvent, User } from '../model/index.js';
import { touches, type Store } from '../store/index.js';
import { SerialDrain } from './drain.js';

export interface Subscriber {
  orgId: number;
  user: User;
  /** Called in id order with every event this user may see above the watermark at subscription. */
  deliver(event: StoredEvent): void;
  /** The server is shutting down. */
  close(): void;
  /**
   * The database was replaced (an emulator snapshot restored): the stream's history is
   * gone. Told the new last event id, the subscriber asks its client to resync and ends.
   */
  resync?(lastEventId: number): void;
}

/**
 * In PostgreSQL an identity value is taken at insert and becomes visible at commit, so id
 * 11 can be read while 10 is still committing. The dispatcher does not pass a gap whose
 * next event is younger than this; an older gap is a rolled-back insert and is skipped.
 */
export const GAP_WAIT_MS = 3_000;
const BATCH = 500;

export class Dispatcher {
  /** Every event up to here has been handed out (or was a gap given up on). */
  private watermark = 0;
  /**
   * The highest id whose fan-out has begun. A stream that subscribes now gets later ids
   * live; it must read its catch-up up to here, since the current fan-out picked its
   * listeners before it subscribed.
   */
  horizon = 0;
  private readonly subscribers = new Set<Subscriber>();
  private readonly drain = new SerialDrain(
    () => this.drainBatch(),
    (error) => this.log.error({ err: error }, 'event dispatch failed; retrying at the next poll'),
  );
  private timer: NodeJS.Timeout | undefined;
  private readonly wake = this.drain.wake;
  private stopListening: () => void = () => {};
  /** Moves when the database is replaced; a drain begun before then stops handing out. */
  private generation = 0;
  /**
   * Events this process committed, by id, as its commits told them (store/changes.ts): a run
   * of them right after the watermark is handed out without reading the outbox. The outbox
   * stays the source of truth: any other id (another process's, a rolled-back gap) is read.
   */
  private readonly committedHere = new Map<number, StoredEvent>();

  constructor(
    private readonly store: Store,
    private readonly pollMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    this.watermark = await this.store.events.lastId();
    this.horizon = this.watermark;
    this.stopListening = this.store.changes.on((change) => {
      if (!touches(change, ['events'])) return;
      for (const event of change.events ?? []) if (event.id > this.watermark) this.committedHere.set(event.id, event);
      this.wake();
    });
    this.timer = setInterval(this.wake, this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopListening();
    clearInterval(this.timer);
    for (const subscriber of this.subscribers) subscriber.close();
    this.subscribers.clear();
    await this.drain.stop();
  }

  /** Subscribe first, then read the catch-up up to `horizon`: nothing falls in between. */
  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * The database was replaced whole (emulator snapshots): its outbox is another one, so
   * the watermark starts again from its last event, and every open stream is told to
   * resync (its Last-Event-ID means nothing now) and closed.
   */
  async resync(): Promise<void> {
    this.generation++;
    this.watermark = await this.store.events.lastId();
    // Told of the old database's commits, up to now: none of them is in this outbox.
    this.committedHere.clear();
    this.horizon = this.watermark;
    for (const subscriber of [...this.subscribers]) {
      if (subscriber.resync) subscriber.resync(this.watermark);
      else subscriber.close();
    }
    this.subscribers.clear();
  }

  /** True when a full batch was handed out and there may be more. */
  private async drainBatch(): Promise<boolean> {
    const generation = this.generation;
    const events = this.committedRun() ?? (await this.store.events.after(this.watermark, BATCH));
    for (const event of events) {
      if (generation !== this.generation) return false;
      if (event.id !== this.watermark + 1 && Date.now() - Date.parse(event.createdAt) < GAP_WAIT_MS) return false;
      await this.fanOut(event);
      if (generation !== this.generation) return false;
      this.watermark = event.id;
      this.committedHere.delete(event.id);
    }
    // Read from the outbox past some told here (an earlier gap): those are handed out now.
    for (const id of this.committedHere.keys()) if (id <= this.watermark) this.committedHere.delete(id);
    return events.length === BATCH || this.committedHere.has(this.watermark + 1);
  }

  /** The events told by this process's commits that follow the watermark without a gap, if any do. */
  private committedRun(): StoredEvent[] | undefined {
    const run: StoredEvent[] = [];
    for (let id = this.watermark + 1; run.length < BATCH && this.committedHere.has(id); id++) run.push(this.committedHere.get(id)!);
    return run.length > 0 ? run : undefined;
  }

  private async fanOut(event: StoredEvent): Promise<void> {
    this.horizon = event.id;
    if (event.chatId === null) return;
    const listening = [...this.subscribers].filter((subscriber) => subscriber.orgId === event.orgId);
    if (listening.length === 0) return;
    const members = new Set(await this.store.chats.memberIds(event.chatId));
    for (const subscriber of listening) {
      const member = members.has(subscriber.user.id) || sawDeletedConversation(event, subscriber.user);
      if (member && mayReadEvent(event, readerOf(subscriber.user))) subscriber.deliver(event);
    }
  }
}
