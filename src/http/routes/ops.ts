/** Operational endpoints: readiness for load balancers, and the emulator's reset. */
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

/** Only in emulator mode (`confab serve --memory --fixtures …`): elsewhere the route does not exist. */
export function emulatorRoutes(app: FastifyInstance, emulator: { reset(): Promise<void> }): void {
  app.post(
    '/confab.reset',
    {
      schema: {
        tags: ['emulator'],
        summary: 'Restore the fixtures: every object and token exactly as at start (emulator mode only)',
        response: { 200: Status },
      },
    },
    async () => {
      await emulator.reset();
      return { status: 'reset' };
    },
  );
}
