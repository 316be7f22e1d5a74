/**
 * The sweep of artifacts attached to nothing: uploads never attached and display pictures
 * since replaced or cleared, once they have been so for the configured time (a day by
 * default). Without it every upload would stay forever and count against its uploader's
 * quota. Like Retention, it runs in every process: the delete is idempotent, so two
 * processes sweeping at once do no harm.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/index.js';

const SWEEP_AT_LEAST_EVERY_MS = 10 * 60_000;

/** Sweeps every tenth of the age (at most ten minutes apart), so an artifact outlives its time by little. Returns the stop. */
export function startArtifactSweep(store: Store, unattachedForMs: number, log: FastifyBaseLogger): () => void {
  const sweep = async () => {
    try {
      const artifacts = await store.artifacts.pruneUnattachedBefore(new Date(Date.now() - unattachedForMs).toISOString());
      if (artifacts > 0) log.info({ artifacts }, 'removed artifacts attached to nothing');
    } catch (error) {
      log.error({ err: error }, 'sweeping unattached artifacts failed');
    }
  };
  const timer = setInterval(() => void sweep(), Math.max(100, Math.min(SWEEP_AT_LEAST_EVERY_MS, Math.floor(unattachedForMs / 10))));
  timer.unref();
  return () => clearInterval(timer);
}
