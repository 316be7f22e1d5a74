/** Operational endpoints: readiness for load balancers. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailable } from '../../domain/errors.js';

const Status = Type.Object({ status: Type.String() });

export function readinessRoutes(app: FastifyInstance, readiness: () => Promise<string[]>): void {
  app.get(
    '/ready',
    { schema: { tags: ['operations'], summary: 'Ready when the database answers and every migration is applied', response: { 200: Status } } },
    async (request) => {
      let pending: string[];
      try {
        pending = await readiness();
      } catch (error) {
        // The database's own words (host names, users, addresses) go to the log, not to whoever asks.
        request.log.error({ err: error }, 'readiness: the database is unreachable');
        throw new ServiceUnavailable('the database is unreachable', 5);
      }
      if (pending.length > 0) {
        throw new ServiceUnavailable(`migrations not applied: ${pending.join(', ')}; run \`confab migrate\``, 5);
      }
      return { status: 'ready' };
    },
  );
}
