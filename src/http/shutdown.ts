/**
 * Graceful shutdown. Once draining, the server accepts no new connections, answers any
 * request that still arrives on an open connection with 503 service_unavailable (and
 * `Connection: close`, so the client reconnects elsewhere), and lets in-flight requests
 * finish, up to a deadline after which the remaining connections are cut.
 */
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailable } from '../domain/errors.js';

const draining = new WeakSet<FastifyInstance>();

export function registerDraining(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    if (!draining.has(app)) return;
    reply.header('connection', 'close');
    throw new ServiceUnavailable('the server is shutting down; retry shortly', 1);
  });
  // A keep-alive connection whose last request just finished would hold the close until
  // its idle timeout; it is closed once idle. One with a pipelined request waiting is not
  // idle, so that request still gets its 503 rather than a dropped connection.
  app.addHook('onResponse', async () => {
    if (draining.has(app)) setImmediate(() => app.server.closeIdleConnections());
  });
}

/** Stops the app; resolves true when every in-flight request finished within the deadline. */
export async function closeGracefully(app: FastifyInstance, deadlineMs: number): Promise<boolean> {
  draining.add(app);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const finished = await Promise.race([app.close().then(() => true as const), deadline]);
  clearTimeout(timer);
  if (!finished) {
    app.log.warn({ deadlineMs }, 'shutdown deadline passed: closing the remaining connections');
    app.server.closeAllConnections();
  }
  return finished;
}
