/**
 * One member's Server-Sent Events stream: the events they missed since `Last-Event-ID`
 * (from the outbox), then live ones from the dispatcher, each once and in id order.
 */
import type { ServerResponse } from 'node:http';
import { visibleTo } from '../domain/events.js';
import type { Principal, StoredEvent } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Dispatcher } from './dispatcher.js';
import type { EphemeralBus } from './ephemeral.js';
import { presentEvent } from '../present/events.js';

export interface StreamOptions {
  heartbeatMs: number;
  maxBufferBytes: number;
}

const CATCH_UP_PAGE = 500;
/** Live events held while the catch-up is read; past this the client is too far behind. */
const MAX_HELD_EVENTS = 10_000;
const STALL_LIMIT_MS = 60_000;

export class EventStream {
  private lastSent: number;
  /** Live events that arrived during the catch-up, sent once it is done. */
  private held: StoredEvent[] | undefined = [];
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly principal: Principal,
    private readonly response: ServerResponse,
    private readonly options: StreamOptions,
    lastEventId: number | undefined,
    private readonly ephemeral?: EphemeralBus,
  ) {
    this.lastSent = lastEventId ?? -1;
  }

  private unsubscribeEphemeral: () => void = () => {};

  async run(): Promise<void> {
    this.response.on('close', () => this.close());
    this.unsubscribe = this.dispatcher.subscribe({
      orgId: this.principal.org.id,
      user: this.principal.user,
      deliver: (event) => this.onLive(event),
      close: () => this.close(),
      resync: (lastEventId) => this.resync(lastEventId),
    });
    // Ephemeral events (typing) carry no id: they are not in the outbox and never replayed.
    this.unsubscribeEphemeral =
      this.ephemeral?.subscribe((event) => {
        if (event.orgId !== this.principal.org.id || !event.recipients.includes(this.principal.user.id)) return;
        this.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      }) ?? (() => {});
    const horizon = this.dispatcher.horizon;
    // Without a Last-Event-ID the stream starts now; with one, it starts after it.
    if (this.lastSent < 0) this.lastSent = horizon;
    this.write(': connected\n\n');
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.options.heartbeatMs);
    this.heartbeat.unref();
    await this.catchUp(horizon);
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.send(event);
  }

  private async catchUp(upTo: number): Promise<void> {
    const { org, user } = this.principal;
    while (!this.closed && this.lastSent < upTo) {
      const events = await this.store.events.forMember(org.id, user.id, this.lastSent, upTo, CATCH_UP_PAGE);
      for (const event of events) {
        if (visibleTo(event, user)) this.send(event);
        // The backlog goes at the client's pace: wait for the socket to drain, do not pile up.
        if (this.response.writableLength > this.options.maxBufferBytes / 2) await this.drained();
        if (this.closed) return;
      }
      if (events.length < CATCH_UP_PAGE) break;
      this.lastSent = Math.max(this.lastSent, events.at(-1)!.id);
    }
  }

  private onLive(event: StoredEvent): void {
    if (this.held) {
      this.held.push(event);
      if (this.held.length > MAX_HELD_EVENTS) this.close();
      return;
    }
    this.send(event);
  }

  private send(event: StoredEvent): void {
    if (event.id <= this.lastSent) return;
    this.lastSent = event.id;
    const data = JSON.stringify(presentEvent(event, this.principal));
    this.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`);
  }

  /** A consumer that does not read is cut off, not buffered for without bound. */
  private write(frame: string): void {
    if (this.closed) return;
    this.response.write(frame);
    if (this.response.writableLength > this.options.maxBufferBytes) this.close();
  }

  /** Waits for the socket to drain; a client that reads nothing for a minute is cut off. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const stalled = setTimeout(() => {
        this.close();
        done();
      }, STALL_LIMIT_MS);
      const done = () => {
        clearTimeout(stalled);
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  /**
   * The database was replaced (an emulator snapshot restored). The `id` moves the client's
   * Last-Event-ID to the new outbox's last event, so a reconnect starts from there rather
   * than from an id the restored outbox may not reach for a while.
   */
  private resync(lastEventId: number): void {
    this.write(`id: ${lastEventId}\nevent: confab.resync\ndata: ${JSON.stringify({ type: 'confab.resync', reason: 'state_restored' })}\n\n`);
    // Ended rather than cut: the resync frame is still queued and must reach the client.
    this.close(true);
  }

  close(flush = false): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    this.unsubscribeEphemeral();
    // A slow consumer's socket may never flush what is queued: it is cut, not waited for.
    if (this.response.writableLength > 0 && !flush) this.response.destroy();
    else if (!this.response.writableEnded) this.response.end();
  }
}
