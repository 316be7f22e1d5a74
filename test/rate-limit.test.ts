import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { useServer, type Person, type TestServer } from './helpers/server.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const limited = useServer({ rateLimitRead: 60, rateLimitWrite: 2 });
const perIp = useServer({ rateLimitRead: 5, rateLimitWrite: 0 });

async function person(t: TestServer): Promise<Person> {
  return t.given.user(await t.given.org());
}

function createChat(t: TestServer, who: Person) {
  return t.as(who).post('/chats.create', { type: 'dm', users: [who.id], is_default: false });
}

const bogusToken = () => `Bearer cfb_${randomBytes(16).toString('base64url')}`;

describe('rate limits', () => {
  it('sends the limit, what remains and when the bucket is full again on every response', async () => {
    const ada = await person(limited);
    const response = await limited.as(ada).get('/dev-users.self');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('60');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('59');
    // 60 a minute refills a token a second.
    expect(response.headers.get('x-ratelimit-reset')).toBe('1');
  });

  it('answers 429 too_many_requests past the burst, and a client that waits retry_after gets through', async () => {
    const ada = await person(limited);
    let refused;
    let accepted = 0;
    for (let i = 0; i < 80 && !refused; i++) {
      const response = await limited.as(ada).get('/dev-users.self');
      if (response.status === 429) refused = response;
      else accepted += 1;
    }
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(refused!.body).toEqual({ type: 'too_many_requests', message: expect.any(String), retry_after: 1 });
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.headers.get('x-ratelimit-limit')).toBe('60');
    expect(refused!.headers.get('x-ratelimit-remaining')).toBe('0');

    await sleep(refused!.body.retry_after * 1000);
    const retried = await limited.as(ada).get('/dev-users.self');
    expect(retried.status).toBe(200);
  });

  it('counts writes apart from reads, with their own limit', async () => {
    const ada = await person(limited);
    expect((await createChat(limited, ada)).status).toBe(201);
    expect((await createChat(limited, ada)).status).toBe(201);
    const refused = await createChat(limited, ada);
    expect(refused.status).toBe(429);
    // Two a minute: the next token is 30 s away.
    expect(refused.body.retry_after).toBe(30);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect((await limited.as(ada).post('/chats.get', { id: 'CHAN-1' })).status).not.toBe(429);
  });

  it('keeps a bucket per user', async () => {
    const ada = await person(limited);
    const bob = await person(limited);
    await createChat(limited, ada);
    await createChat(limited, ada);
    expect((await createChat(limited, ada)).status).toBe(429);
    expect((await createChat(limited, bob)).status).toBe(201);
  });

  it('limits requests without a valid token per IP, so random tokens buy no quota', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await perIp.client(bogusToken()).get('/dev-users.self')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('never limits /health', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await perIp.client().get('/health');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('turns a class off with 0', async () => {
    const ada = await person(perIp);
    for (let i = 0; i < 8; i++) {
      const response = await createChat(perIp, ada);
      expect(response.status).toBe(201);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('rate limits shared through Redis', () => {
  const redisPrefix = `confab-test:${randomUUID()}:`;
  const first = useServer({ rateLimitRead: 4, rateLimitWrite: 4, redisUrl: REDIS_URL }, { redisPrefix });
  const second = useServer({ rateLimitRead: 4, rateLimitWrite: 4, redisUrl: REDIS_URL }, { redisPrefix });
  // Redis reached through a proxy the test can cut: an outage after a healthy start (a
  // Redis that is unreachable at start is refused at once: see redis.test.ts).
  let proxy: TcpProxy;
  const downConfig: Partial<Config> = { rateLimitRead: 1, rateLimitWrite: 1 };
  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    downConfig.redisUrl = `redis://127.0.0.1:${proxy.port}`;
  });
  afterAll(() => proxy.close());
  const down = useServer(downConfig, { redisPrefix: `confab-test:${randomUUID()}:` });

  it('draws every process from one bucket per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? first : second;
      const response = await server.client(bogusToken()).get('/dev-users.self');
      statuses.push(response.status);
      if (response.status === 401) expect(response.headers.get('x-ratelimit-remaining')).toBe(String(3 - i));
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('lets requests through when Redis becomes unreachable rather than failing them', async () => {
    const ada = await person(down);
    proxy.cut();
    for (let i = 0; i < 3; i++) expect((await down.as(ada).get('/dev-users.self')).status).toBe(200);
  });
});
