/**
 * Overload protection: when the event loop lags or the heap nears its bound, a new
 * request is refused at once with 503 service_unavailable and Retry-After, rather than
 * queueing until the client times out. /health is always answered: it is how a load
 * balancer tells a busy process from a dead one.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import { ServiceUnavailable } from '../domain/errors.js';

export interface OverloadOptions {
  /** Mean event-loop delay (ms) over a sample above which requests are refused; 0 = off. */
  maxEventLoopDelayMs: number;
  /** Share of V8's heap limit above which requests are refused. */
  maxHeapFraction: number;
  /** How often the event loop and memory are sampled. */
  sampleIntervalMs: number;
  retryAfterSeconds: number;
}

export const DEFAULT_OVERLOAD: OverloadOptions = {
  maxEventLoopDelayMs: 1000,
  maxHeapFraction: 0.9,
  sampleIntervalMs: 250,
  retryAfterSeconds: 2,
};

export async function registerOverload(app: FastifyInstance, options: OverloadOptions = DEFAULT_OVERLOAD): Promise<void> {
  // Starting up (compiling every route's schemas) stalls the loop for up to a second on a
  // busy machine. That is not load, but the sample taken across it would refuse the first
  // requests after /health said yes; so the loop is judged only by samples taken wholly
  // after the server was listening.
  let judgeLoopFrom = Infinity;
  app.addHook('onListen', async () => {
    judgeLoopFrom = performance.now() + 2 * options.sampleIntervalMs;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * options.maxHeapFraction),
    sampleInterval: options.sampleIntervalMs,
    retryAfter: options.retryAfterSeconds,
    // A rejected promise reaches the one error handler, which writes the DevRev body.
    pressureHandler: async (request, _reply, type, value) => {
      if (request.url === '/health') return;
      // A sample with no event-loop ticks in it reads as an infinite delay; it happens when
      // the sample timer beats the histogram's first tick (right after start), not under
      // load: a loop that really stalled records the stall when it resumes.
      if (type === 'eventLoopDelay' && (!Number.isFinite(value) || performance.now() < judgeLoopFrom)) return;
      request.log.warn({ pressure: type, value }, 'overloaded: refusing a request');
      throw new ServiceUnavailable(`the server is overloaded (${type}); retry later`, options.retryAfterSeconds);
    },
  });
}
