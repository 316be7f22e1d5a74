/**
 * Presence across processes. Each process counts its own open event streams per user and
 * vouches for those users in the shared `user_presence` rows (store/presence.ts): when a
 * user's first stream here opens, every third of the offline delay while one is open, and
 * once more when the last one here closes. Every process also sweeps: a user marked online
 * whom no process has vouched for within the delay is flipped offline. Whichever process
 * flips a user (online at a first stream anywhere, offline in a sweep) announces it once on
 * the ephemeral bus; every process then tells those of its own streams whose user shares a
 * chat with that user (domain/policy/visibility.ts `presenceAudience`), presented for each reader.
 *
 * A reconnect to any process within the delay keeps the user online, unannounced. A
 * process that dies stops vouching, so its users go offline one delay (and a sweep) later.
 */
import type { FastifyBaseLogger } from 'fastify';
import { presenceAudience } from '../domain/policy/visibility.js';
import { now, type Principal } from '../model/index.js';
import { presentPresenceChanged } from '../present/presence.js';
import { viewOf } from '../present/viewpoint.js';
import type { Store } from '../store/index.js';
import type { PresenceSubject } from '../store/presence.js';
import type { EphemeralBus, PresenceChange } from './ephemeral.js';

/** Writes one ephemeral event to one stream. */
export type EphemeralSink = (type: string, data: Record<string, unknown>) => void;

export interface Visit {
  /** Settles once the user's presence is recorded; never rejects (a failure is logged, the stream goes on). */
  recorded: Promise<void>;
  /** The stream closed; calling it again does nothing. */
  leave(): void;
}

interface Visitor {
  principal: Principal;
  send: EphemeralSink;
}

/** One user's streams in this process. */
interface Resident {
  orgId: number;
  visitors: Set<Visitor>;
  /** The vouch made when their first stream here opened. */
  recorded: Promise<void>;
}

export class PresenceHub {
  private readonly residents = new Map<number, Resident>();
  /** Work not yet finished, awaited by `stop` so that nothing touches a closed store. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Announcements are delivered one at a time, in the order heard. */
  private deliveries: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: () => void = () => {};
  private sweeping = false;
  private stopped = false;
  /** First streams of users opened in this turn, and their one vouch (`vouchSoon`). */
  private arrivals: PresenceSubject[] = [];
  private arrivalsVouched: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: EphemeralBus,
    private readonly offlineAfterMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      if (event.type !== 'presence_changed') return;
      this.deliveries = this.deliveries.then(() => this.deliver(event)).catch((error) => this.log.warn({ err: error }, 'presence delivery failed'));
    });
    // A third of the delay: two renewals may be late or lost before the user flaps.
    const renew = setInterval(() => void this.track(this.renew()), Math.max(10, Math.floor(this.offlineAfterMs / 3)));
    // Offline comes at most a sweep after the delay: a second at the default 30 s.
    const sweep = setInterval(() => void this.track(this.sweep()), Math.min(1_000, Math.max(25, Math.floor(this.offlineAfterMs / 10))));
    for (const timer of [renew, sweep]) timer.unref();
    this.timers = [renew, sweep];
  }

  /** A stream of `principal` opened here; `send` writes to it. */
  arrive(principal: Principal, send: EphemeralSink): Visit {
    const { user, org } = principal;
    const visitor: Visitor = { principal, send };
    let resident = this.residents.get(user.id);
    if (!resident) {
      resident = { orgId: org.id, visitors: new Set(), recorded: Promise.resolve() };
      this.residents.set(user.id, resident);
      resident.recorded = this.vouchSoon({ userId: user.id, orgId: org.id });
    }
    resident.visitors.add(visitor);
    let gone = false;
    return {
      recorded: resident.recorded,
      leave: () => {
        if (gone) return;
        gone = true;
        this.depart(user.id, visitor);
      },
    };
  }

  /** Stops vouching: the users of this process go offline a delay from now unless they reconnect elsewhere. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe();
    await Promise.allSettled([...this.inFlight, this.deliveries]);
    const at = now();
    await Promise.allSettled([...this.residents.keys()].map((userId) => this.store.presence.left(userId, at)));
    this.residents.clear();
  }

  private depart(userId: number, visitor: Visitor): void {
    const resident = this.residents.get(userId);
    if (!resident?.visitors.delete(visitor) || resident.visitors.size > 0) return;
    this.residents.delete(userId);
    if (this.stopped) return;
    void this.track(this.store.presence.left(userId, now()));
  }

  /**
   * Vouches for `subject` together with every other first stream opened in this turn of the
   * event loop: one write for a reconnecting crowd instead of one each.
   */
  private vouchSoon(subject: PresenceSubject): Promise<void> {
    this.arrivals.push(subject);
    this.arrivalsVouched ??= this.track(
      new Promise((resolve) => setImmediate(resolve)).then(() => {
        const subjects = this.arrivals;
        this.arrivals = [];
        this.arrivalsVouched = undefined;
        return this.vouch(subjects);
      }),
    );
    return this.arrivalsVouched;
  }

  private async renew(): Promise<void> {
    const subjects = [...this.residents].map(([userId, resident]) => ({ userId, orgId: resident.orgId }));
    if (subjects.length > 0) await this.vouch(subjects);
  }

  private async vouch(subjects: PresenceSubject[]): Promise<void> {
    const at = now();
    for (const subject of await this.store.presence.vouch(subjects, at)) await this.announce({ ...subject, state: 'online', at });
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const cutoff = new Date(Date.now() - this.offlineAfterMs).toISOString();
      for (const row of await this.store.presence.expire(cutoff)) await this.announce({ ...row, state: 'offline', at: row.seenAt });
    } finally {
      this.sweeping = false;
    }
  }

  private async announce(change: Omit<PresenceChange, 'type'>): Promise<void> {
    const event: PresenceChange = { type: 'presence_changed', orgId: change.orgId, userId: change.userId, state: change.state, at: change.at };
    await this.bus.publish(event);
  }

  /** Tells this process's streams of people who share a chat with the user. */
  private async deliver(change: PresenceChange): Promise<void> {
    const listening = (userId: number) => this.residents.get(userId)?.orgId === change.orgId && userId !== change.userId;
    if (this.residents.size === 0) return;
    const audience = await presenceAudience(this.store, change.userId, listening);
    if (audience.length === 0) return;
    const [user] = await this.store.users.findByIds([change.userId]);
    if (!user) return;
    const item = change.state === 'online' ? { user, state: change.state } : { user, state: change.state, lastSeen: change.at };
    const timestamp = now();
    for (const userId of audience) {
      // Gone while the audience was read: nothing to tell.
      const resident = this.residents.get(userId);
      if (!resident) continue;
      for (const { principal, send } of resident.visitors) {
        send('presence_changed', presentPresenceChanged(item, await viewOf(this.store, principal, [user]), timestamp));
      }
    }
  }

  /** Runs `work` to its end even if `stop` comes first; a failure is logged, not thrown. */
  private track(work: Promise<unknown>): Promise<void> {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => this.log.warn({ err: error }, 'presence bookkeeping failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return tracked;
  }
}
