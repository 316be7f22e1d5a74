/**
 * One member's Server-Sent Events stream: the events they missed since `Last-Event-ID`
 * (from the outbox), then live ones from the dispatcher, each once and in id order.
 */
import type { ServerResponse } from 'node:http';
import { asReplayed } from '../domain/events.js';
import { mayReadEvent, readerOf } from '../domain/policy/visibility.js';
import type { Principal, StoredEvent } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { GrantEnd } from '../domain/tokens.js';
import type { Dispatcher } from './dispatcher.js';
import type { EphemeralBus, TypingEvent } from './ephemeral.js';
import { presentTyping } from '../present/typing.js';
import { viewOf } from '../present/viewpoint.js';
import { presentEvent } from '../present/events.js';
import { publicIds, type PublicIds } from '../domain/public-ids.js';

export interface StreamOptions {
  heartbeatMs: number;
  maxBufferBytes: number;
}

const CATCH_UP_PAGE = 500;
/** Live events held while the catch-up is read; past this the client is too far behind. */
const MAX_HELD_EVENTS = 10_000;
const STALL_LIMIT_MS = 60_000;

/** What waits for the grant check: an outbox event, or an ephemeral frame already written out. */
type Outgoing = { event: StoredEvent } | { frame: string };

export class EventStream {
  private lastSent: number;
  /** Live events that arrived during the catch-up, sent once it is done. */
  private held: StoredEvent[] | undefined = [];
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: () => void = () => {};
  /** Live events, and ephemeral frames, waiting for the grant check that comes before they are sent. */
  private queue: Outgoing[] = [];
  private pumping = false;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly principal: Principal,
    private readonly response: ServerResponse,
    private readonly options: StreamOptions,
    lastEventId: number | undefined,
    /**
     * Whether the token the stream was opened with may still act: asked before anything
     * is sent, so that a revoked token, an expired one or a deactivated user gets nothing
     * more (domain/tokens.ts `grantRecheck`).
     */
    private readonly recheck: () => Promise<GrantEnd | undefined> = async () => undefined,
    private readonly ephemeral?: EphemeralBus,
  ) {
    this.lastSent = lastEventId ?? -1;
  }

  private unsubscribeEphemeral: () => void = () => {};
  /** How this organization's events are named on the wire (domain/public-ids.ts). */
  private ids: PublicIds | undefined;

  async run(): Promise<void> {
    this.ids = await publicIds(this.store);
    this.response.on('close', () => this.close());
    this.unsubscribe = this.dispatcher.subscribe({
      orgId: this.principal.org.id,
      user: this.principal.user,
      deliver: (event) => this.onLive(event),
      close: () => this.close(),
      resync: (lastEventId) => this.resync(lastEventId),
    });
    // Typing is addressed to its recipients; presence is delivered by realtime/presence.ts.
    this.unsubscribeEphemeral =
      this.ephemeral?.subscribe((event) => {
        if (event.type !== 'typing' || event.orgId !== this.principal.org.id || !event.recipients.includes(this.principal.user.id)) return;
        void this.sendTyping(event);
      }) ?? (() => {});
    const horizon = this.dispatcher.horizon;
    // Without a Last-Event-ID the stream starts now; with one, it starts after it.
    if (this.lastSent < 0) this.lastSent = horizon;
    this.write(': connected\n\n');
    // A quiet stream is checked too, so that it ends when its access does, not at the next event.
    this.heartbeat = setInterval(() => {
      void this.granted().then((granted) => granted && this.write(': heartbeat\n\n'));
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    await this.catchUp(horizon);
    const held = this.held ?? [];
    this.held = undefined;
    this.enqueue(held.map((event) => ({ event })));
  }

  private async catchUp(upTo: number): Promise<void> {
    const { org, user } = this.principal;
    while (!this.closed && this.lastSent < upTo) {
      const events = await this.store.events.forMember(org.id, user.id, this.lastSent, upTo, CATCH_UP_PAGE);
      if (events.length > 0 && !(await this.granted())) return;
      for (const event of events) {
        if (mayReadEvent(event, readerOf(user))) this.send(asReplayed(event));
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
    this.enqueue([{ event }]);
  }

  /**
   * Live events and ephemeral frames go out in order after a grant check that began after
   * they arrived; what arrives during a check waits for the next one, so there is at most
   * one check in flight however busy the stream (a burst of typing costs one lookup).
   */
  private enqueue(items: Outgoing[]): void {
    this.queue.push(...items);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue;
        this.queue = [];
        if (!(await this.granted())) return;
        for (const item of batch) {
          if ('event' in item) this.send(item.event);
          else this.write(item.frame);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** False, after closing with a last `stream_closed` event that says why, once the grant has ended. */
  private async granted(): Promise<boolean> {
    if (this.closed) return false;
    let ended: GrantEnd | undefined;
    try {
      ended = await this.recheck();
    } catch {
      // The database is unreachable: the client reconnects and is authenticated afresh.
      this.close();
      return false;
    }
    if (ended === undefined) return !this.closed;
    this.close(`event: stream_closed\ndata: ${JSON.stringify({ type: 'stream_closed', stream_closed: { reason: ended } })}\n\n`);
    return false;
  }

  private send(event: StoredEvent): void {
    if (event.id <= this.lastSent) return;
    this.lastSent = event.id;
    const publicId = this.ids!.encode('event', this.principal.org.id, event.id);
    const data = JSON.stringify(presentEvent(event, this.principal, publicId));
    this.write(`id: ${publicId}\nevent: ${event.type}\ndata: ${data}\n\n`);
  }

  /** The typer as this stream's reader may see them; a notice whose lookup fails is dropped, as a lost one would be. */
  private async sendTyping(event: TypingEvent): Promise<void> {
    try {
      const view = await viewOf(this.store, this.principal, [event.user]);
      this.sendEphemeral('typing', presentTyping(event, event.user, view, event.timestamp));
    } catch {
      // Typing is advisory and repeated every few seconds while it lasts.
    }
  }

  /**
   * Ephemeral events (typing, presence) carry no id: they are not in the outbox and never
   * replayed. They pass the same grant check as outbox events: a revoked token, an expired
   * one or a deactivated user hears no more of who is typing or online.
   */
  sendEphemeral(type: string, data: Record<string, unknown>): void {
    if (this.closed) return;
    this.enqueue([{ frame: `event: ${type}\ndata: ${JSON.stringify(data)}\n\n` }]);
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
   * than from an id the restored outbox may not reach for a while. The restored database
   * may hold another secret, so the id is named under its own; `0` is an empty outbox's start.
   */
  private resync(lastEventId: number): void {
    // Nothing of the replaced outbox goes out while the new secret is read.
    this.queue = [];
    const frame = (id: string) => `id: ${id}\nevent: confab.resync\ndata: ${JSON.stringify({ type: 'confab.resync', reason: 'state_restored' })}\n\n`;
    void publicIds(this.store).then(
      (ids) => this.close(frame(lastEventId === 0 ? '0' : ids.encode('event', this.principal.org.id, lastEventId))),
      () => this.close(),
    );
  }

  /** Ends the stream, with `lastFrame` as its final words if the client is keeping up. */
  close(lastFrame?: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    this.unsubscribeEphemeral();
    // A slow consumer's socket may never flush what is queued: it is cut, not waited for.
    const keepingUp = lastFrame !== undefined && this.response.writableLength <= this.options.maxBufferBytes / 2;
    if (this.response.writableLength > 0 && !keepingUp) this.response.destroy();
    else if (!this.response.writableEnded) this.response.end(lastFrame);
  }
}
