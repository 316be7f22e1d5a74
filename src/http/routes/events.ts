/**
 * `GET /events.stream`: a Confab addition. Server-Sent Events of the chats the caller
 * belongs to, resumable with `Last-Event-ID` (or `?last_event_id=`).
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { BadRequest, TooManyRequests } from '../../domain/errors.js';
import { publicIds, type PublicIds } from '../../domain/public-ids.js';
import { authenticate, grantRecheck } from '../../domain/tokens.js';
import type { Dispatcher } from '../../realtime/dispatcher.js';
import type { EphemeralBus } from '../../realtime/ephemeral.js';
import type { PresenceHub } from '../../realtime/presence.js';
import { EventStream, type StreamOptions } from '../../realtime/stream.js';
import { Holdings } from '../holdings.js';
import type { Store } from '../../store/index.js';

export interface EventRouteOptions extends StreamOptions {
  /** Concurrent streams one token may hold open in this process; 0 = no cap. */
  maxStreamsPerToken: number;
  /** Concurrent streams one user may hold open in this process, over all their tokens; 0 = no cap. */
  maxStreamsPerUser: number;
}

/** Seconds a client refused a stream waits: long enough for one of its own to close. */
const STREAM_RETRY_AFTER_SECONDS = 5;

export function eventRoutes(
  app: FastifyInstance,
  store: Store,
  dispatcher: Dispatcher,
  options: EventRouteOptions,
  ephemeral?: EphemeralBus,
  presence?: PresenceHub,
): void {
  // A user's tokens are capped together too: minting more tokens buys no more streams.
  const perToken = new Holdings<number>();
  const perUser = new Holdings<number>();
  app.get(
    '/events.stream',
    {
      // Documentation only (http/openapi.ts): with `security` it lists the error responses,
      // the 429 of the stream caps among them. The handler reads its query itself.
      schema: {
        tags: ['events'],
        operationId: 'events-stream',
        summary: 'Server-Sent Events of the chats the caller belongs to',
        security: [{ bearer: [] }],
        'x-confab-addition': true,
      } as FastifySchema,
      onRequest: async (request) => {
        request.principal = await authenticate(store, request.headers.authorization);
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const header = request.headers['last-event-id'];
      const lastEventId = parseLastEventId(await publicIds(store), request.principal!.org.id, typeof header === 'string' ? header : query.last_event_id);
      const { tokenId, user } = request.principal!;
      if (!perToken.take(tokenId, options.maxStreamsPerToken)) {
        throw new TooManyRequests(`this token already holds ${options.maxStreamsPerToken} open event streams; close one first`, STREAM_RETRY_AFTER_SECONDS);
      }
      if (!perUser.take(user.id, options.maxStreamsPerUser)) {
        perToken.give(tokenId);
        throw new TooManyRequests(`this user already holds ${options.maxStreamsPerUser} open event streams; close one first`, STREAM_RETRY_AFTER_SECONDS);
      }
      reply.raw.once('close', () => {
        perToken.give(tokenId);
        perUser.give(user.id);
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
