/**
 * TRUST_PROXY: behind a proxy every request comes from the proxy's address, so per-IP
 * limits would put every client in one bucket. With the proxy trusted, the client's
 * address comes from X-Forwarded-For; without (the default), that header is ignored, since
 * any client could otherwise name a fresh address and escape its limit.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from '../src/config.js';
import { useServer, type TestServer } from './helpers/server.js';

const behindProxy = useServer({ rateLimitRead: 2, rateLimitWrite: 0, trustProxy: ['127.0.0.1'] });
const direct = useServer({ rateLimitRead: 2, rateLimitWrite: 0 });
// One proxy in front, as with TRUST_PROXY=1: the last X-Forwarded-For entry is the client.
const oneHop = useServer({ rateLimitRead: 2, rateLimitWrite: 0, trustProxy: parseTrustProxy('1') });

const bogusToken = () => `Bearer cfb_${randomBytes(16).toString('base64url')}`;

async function statusesFrom(t: TestServer, forwardedFor: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await t.client(bogusToken()).request('GET', '/dev-users.self', undefined, { 'x-forwarded-for': forwardedFor });
    statuses.push(response.status);
  }
  return statuses;
}

describe('TRUST_PROXY', () => {
  it('counts each client behind a trusted proxy on its own address', async () => {
    expect(await statusesFrom(behindProxy, '203.0.113.1', 3)).toEqual([401, 401, 429]);
    expect(await statusesFrom(behindProxy, '203.0.113.2', 3)).toEqual([401, 401, 429]);
  });

  it('is off by default: X-Forwarded-For cannot buy a client a fresh limit', async () => {
    expect(await statusesFrom(direct, '198.51.100.1', 2)).toEqual([401, 401]);
    expect(await statusesFrom(direct, '198.51.100.2', 1)).toEqual([429]);
  });

  it('with a hop count, counts each client on the address the last proxy saw, whatever it forged before it', async () => {
    expect(await statusesFrom(oneHop, '203.0.113.7', 3)).toEqual([401, 401, 429]);
    // A client naming a fresh address of its own is still the address nginx appended.
    expect(await statusesFrom(oneHop, '198.51.100.50, 203.0.113.7', 1)).toEqual([429]);
    expect(await statusesFrom(oneHop, '203.0.113.8', 3)).toEqual([401, 401, 429]);
  });

  it('reads true, a hop count, addresses and CIDRs, and refuses anything else naming the accepted forms', () => {
    expect(loadConfig({}, {}).trustProxy).toBeUndefined();
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(loadConfig({}, { TRUST_PROXY: ' 2 ' }).trustProxy).toBe(2);
    expect(loadConfig({}, { TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    for (const value of ['yes', 'proxy.internal', '10.0.0.0/8;rm', '-1', '1.5', '1,10.0.0.1', '10.0.0.0/33', '300.1.1.1']) {
      expect(() => loadConfig({}, { TRUST_PROXY: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({}, { TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY .*true.*hop count.*127\.0\.0\.1,10\.0\.0\.0\/8/);
    }
  });
});
