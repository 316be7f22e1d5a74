/**
 * `GET /events.stream`: a Confab addition. Server-Sent Events of the chats the caller
 * belongs to, resumable with `Last-Event-ID` (or `?last_event_id=`).
 */
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../domain/errors.js';
import { authenticate } from '../../domain/tokens.js';
import type { Dispatcher } from '../../realtime/dispatcher.js';
import type { EphemeralBus } from '../../realtime/ephemeral.js';
import { EventStream, type StreamOptions } from '../../realtime/stream.js';
import type { Store } from '../../store/index.js';

export function eventRoutes(
  app: FastifyInstance,
  store: Store,
  dispatcher: Dispatcher,
  options: StreamOptions,
  ephemeral?: EphemeralBus,
): void {
  app.get(
    '/events.stream',
    {
      onRequest: async (request) => {
        request.principal = await authenticate(store, request.headers.authorization);
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const header = request.headers['last-event-id'];
      const lastEventId = parseLastEventId(typeof header === 'string' ? header : query.last_event_id);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Reverse proxies (nginx) would otherwise hold events back in their buffers.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      const stream = new EventStream(store, dispatcher, request.principal!, reply.raw, options, lastEventId, ephemeral);
      try {
        await stream.run();
      } catch (error) {
        request.log.error({ err: error }, 'event stream failed');
        stream.close();
      }
    },
  );
}

function parseLastEventId(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw BadRequest.invalidField('last_event_id', 'the last event id is the number of an event this stream sent');
  }
  return Number(value);
}
