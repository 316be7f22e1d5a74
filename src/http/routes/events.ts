/**
 * `GET /events.stream`: a Confab addition. Server-Sent Events of the chats the caller
 * belongs to, resumable with `Last-Event-ID` (or `?last_event_id=`).
 */
import type { FastifyInstance } from 'fastify';
import { BadRequest, TooManyRequests } from '../../domain/errors.js';
import { publicIds, type PublicIds } from '../../domain/public-ids.js';
import { authenticate, grantRecheck } from '../../domain/tokens.js';
import type { Dispatcher } from '../../realtime/dispatcher.js';
import type { EphemeralBus } from '../../realtime/ephemeral.js';
import type { PresenceHub } from '../../realtime/presence.js';
import { EventStream, type StreamOptions } from '../../realtime/stream.js';
import type { Store } from '../../store/index.js';

export interface EventRouteOptions extends StreamOptions {
  /** Concurrent streams one token may hold open in this process; 0 = no cap. */
  maxStreamsPerToken: number;
}

export function eventRoutes(
  app: FastifyInstance,
  store: Store,
  dispatcher: Dispatcher,
  options: EventRouteOptions,
  ephemeral?: EphemeralBus,
  presence?: PresenceHub,
): void {
  /** Open streams by token id. */
  const open = new Map<number, number>();
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
      const lastEventId = parseLastEventId(await publicIds(store), request.principal!.org.id, typeof header === 'string' ? header : query.last_event_id);
      const tokenId = request.principal!.tokenId;
      const holding = open.get(tokenId) ?? 0;
      if (options.maxStreamsPerToken > 0 && holding >= options.maxStreamsPerToken) {
        throw new TooManyRequests(`this token already holds ${holding} open event streams; close one first`, 5);
      }
      open.set(tokenId, holding + 1);
      reply.raw.once('close', () => {
        const left = (open.get(tokenId) ?? 1) - 1;
        if (left > 0) open.set(tokenId, left);
        else open.delete(tokenId);
      });
      // A stream is long by design: exempt from the idle timeout (heartbeats keep it
      // honest), still counted against the connection cap.
      request.raw.socket.setTimeout(0);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Reverse proxies (nginx) would otherwise hold events back in their buffers.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      const stream = new EventStream(
        store,
        dispatcher,
        request.principal!,
        reply.raw,
        options,
        lastEventId,
        grantRecheck(store, request.headers.authorization),
        ephemeral,
      );
      // Online from now until the stream closes (and the offline delay after): recorded
      // before `: connected`, so a client that has read that is online for everyone.
      const visit = presence?.arrive(request.principal!, (type, data) => stream.sendEphemeral(type, data));
      if (visit) {
        reply.raw.once('close', visit.leave);
        await visit.recorded;
      }
      try {
        await stream.run();
      } catch (error) {
        request.log.error({ err: error }, 'event stream failed');
        stream.close();
      }
    },
  );
}

/**
 * Where the stream resumes: after the event this organization's stream named `value`
 * (ids are opaque and per organization, domain/public-ids.ts), or from the start of the
 * outbox for `0`. Anything else — a number, a forged id, another organization's — is a 400.
 */
function parseLastEventId(ids: PublicIds, orgId: number, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '0') return 0;
  const position = typeof value === 'string' ? ids.decode('event', orgId, value) : undefined;
  if (position === undefined) throw BadRequest.invalidField('last_event_id', 'not the id of an event a stream of this organization sent');
  return position;
}
