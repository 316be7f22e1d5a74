/** The realtime parts of a server process: the outbox dispatcher and the webhook worker. */
import type { FastifyBaseLogger } from 'fastify';
import { REALTIME_DEFAULTS, type RealtimeConfig } from '../config.js';
import type { Store } from '../store/index.js';
import { DeliveryWorker } from './deliveries.js';
import { Dispatcher } from './dispatcher.js';
import { Retention } from './retention.js';
import { startBroadcast, type BroadcastOptions } from './broadcast.js';
import { relayChanges } from './change-relay.js';
import { startEphemeralBus, type EphemeralBus } from './ephemeral.js';
import { PresenceHub } from './presence.js';

export interface Realtime {
  settings: RealtimeConfig;
  dispatcher: Dispatcher;
  /** The database was replaced whole (emulator snapshots): forget what was read from the old one. */
  restored(): Promise<void>;
  /** Typing and presence: live only, not in the outbox. */
  ephemeral: EphemeralBus;
  /** Who is online: counts this process's streams, shares them with the others. */
  presence: PresenceHub;
  stop(): Promise<void>;
}

export async function startRealtime(
  store: Store,
  config: Partial<RealtimeConfig> | undefined,
  log: FastifyBaseLogger,
  bus: BroadcastOptions = { databaseUrl: 'sqlite::memory:' },
): Promise<Realtime> {
  const settings: RealtimeConfig = { ...REALTIME_DEFAULTS, ...config };
  const dispatcher = new Dispatcher(store, settings.eventPollMs, log);
  const worker = new DeliveryWorker(store, settings, log);
  const retention = new Retention(store, settings.eventRetentionMs, log);
  const ephemeral = await startEphemeralBus(bus, log);
  const changes = await startBroadcast('changes', bus, log);
  const stopRelaying = relayChanges(store.changes, changes, log);
  const presence = new PresenceHub(store, ephemeral, settings.presenceOfflineAfterMs, log);
  await dispatcher.start();
  worker.start();
  retention.start();
  presence.start();
  return {
    settings,
    dispatcher,
    async restored() {
      worker.forget();
      await dispatcher.resync();
    },
    ephemeral,
    presence,
    async stop() {
      // First: the streams the dispatcher is about to close are no longer this process's to count.
      await presence.stop();
      retention.stop();
      stopRelaying();
      await Promise.all([dispatcher.stop(), worker.stop()]);
      await Promise.all([ephemeral.close(), changes.close()]);
    },
  };
}
