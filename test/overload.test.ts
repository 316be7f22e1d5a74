import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { assertMatchesContract } from './helpers/contract.js';
import { useServer } from './helpers/server.js';

// The server runs in this process, so blocking this event loop lags the server's.
const overload = { maxEventLoopDelayMs: 50, maxHeapFraction: 0.95, sampleIntervalMs: 50, retryAfterSeconds: 2 };
const t = useServer({}, { overload });

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy: nothing else runs on this loop meanwhile.
  }
}

describe('overload', () => {
  it('answers 503 service_unavailable with Retry-After while the event loop lags, keeps /health up, and recovers', async () => {
    const ada = await t.given.org();
    const lag = setInterval(() => blockFor(150), 5);
    const statuses: number[] = [];
    let refused;
    try {
      // Until the sampler sees the lag: a few requests usually, more on a loaded machine.
      for (let i = 0; i < 200 && !refused; i++) {
        const response = await t.as(ada).get('/dev-users.self');
        statuses.push(response.status);
        if (response.status === 503) refused = response;
        expect((await t.client().get('/health')).status).toBe(200);
      }
    } finally {
      clearInterval(lag);
    }
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(refused!.body).toEqual({ type: 'service_unavailable', message: expect.stringMatching(/overloaded/) });
    expect(refused!.headers.get('retry-after')).toBe('2');

    // Recovery takes a sample or two without lag; a loaded machine may need a few more.
    let recovered = 0;
    for (let i = 0; i < 20 && recovered !== 200; i++) {
      await sleep(150);
      recovered = (await t.as(ada).get('/dev-users.self')).status;
    }
    expect(recovered).toBe(200);
  });

  it('does not count a stall while starting as load: the first request after start is answered', async () => {
    // A sampler slow enough that its first sample falls while the server is still starting.
    const sampleIntervalMs = 1000;
    const app = await buildApp({ store: t.server.store, logger: pino({ level: 'silent' }), overload: { ...overload, sampleIntervalMs } });
    // What compiling every route's schemas does to the loop on a busy machine: the first
    // sample, taken before the server listens, sees the lag.
    const lag = setInterval(() => blockFor(150), 5);
    try {
      await sleep(sampleIntervalMs + 100);
      await app.listen({ port: 0, host: '127.0.0.1' });
    } finally {
      clearInterval(lag);
    }
    try {
      const { port } = app.server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/dev-users.self`);
      const body = await response.json();
      assertMatchesContract('/dev-users.self', 'GET', response.status, body);
      // Not 503: the request reached authentication, which finds no token.
      expect(response.status).toBe(401);
      expect(body.type).toBe('unauthenticated');
    } finally {
      await app.close();
    }
  });
});
