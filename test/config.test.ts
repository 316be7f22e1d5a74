import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, REALTIME_DEFAULTS } from '../src/config.js';
import { openStore, redactUrl, UnsupportedDatabaseUrl } from '../src/store/open.js';

describe('configuration for a shared database', () => {
  it('reads DATABASE_POOL_SIZE and REDIS_URL from the environment', () => {
    const config = loadConfig({}, { DATABASE_URL: 'postgres://db/confab', DATABASE_POOL_SIZE: '25', REDIS_URL: 'redis://cache:6379' });
    expect(config.databaseUrl).toBe('postgres://db/confab');
    expect(config.databasePoolSize).toBe(25);
    expect(config.redisUrl).toBe('redis://cache:6379');
  });

  it('defaults to ten connections and no Redis', () => {
    const config = loadConfig({}, {});
    expect(config.databasePoolSize).toBe(10);
    expect(config.redisUrl).toBeUndefined();
  });

  it.each(['0', '-1', '2.5', 'ten', '100000'])('refuses DATABASE_POOL_SIZE=%s', (value) => {
    expect(() => loadConfig({}, { DATABASE_POOL_SIZE: value })).toThrow(ConfigError);
  });

  it('refuses an unknown kind of database without echoing its password', async () => {
    const opening = openStore('mysql://root:hunter2@db/confab');
    await expect(opening).rejects.toThrow(UnsupportedDatabaseUrl);
    await expect(opening).rejects.toThrow(/postgres:\/\//);
    await expect(opening).rejects.not.toThrow(/hunter2/);
    expect(redactUrl('postgres://confab:secret@db:5432/confab')).toBe('postgres://***@db:5432/confab');
  });
});

describe('configuration of database timeouts and body limits', () => {
  it('defaults to 5 s for both database timeouts and 16 MiB of an oversized body', () => {
    const config = loadConfig({}, {});
    expect(config.databaseBusyTimeoutMs).toBe(5000);
    expect(config.databaseStatementTimeoutMs).toBe(5000);
    expect(config.bodyDiscardLimitBytes).toBeUndefined();
  });

  it('reads DATABASE_BUSY_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS and BODY_DISCARD_LIMIT_BYTES', () => {
    const config = loadConfig({}, { DATABASE_BUSY_TIMEOUT_MS: '250', DATABASE_STATEMENT_TIMEOUT_MS: '2000', BODY_DISCARD_LIMIT_BYTES: '1048576' });
    expect(config.databaseBusyTimeoutMs).toBe(250);
    expect(config.databaseStatementTimeoutMs).toBe(2000);
    expect(config.bodyDiscardLimitBytes).toBe(1048576);
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses %s for either database timeout', (value) => {
    expect(() => loadConfig({}, { DATABASE_STATEMENT_TIMEOUT_MS: value })).toThrow(ConfigError);
    expect(() => loadConfig({}, { DATABASE_BUSY_TIMEOUT_MS: value })).toThrow(ConfigError);
  });
});

describe('configuration of presence', () => {
  it('turns a user offline 30 s after their last stream closes unless PRESENCE_OFFLINE_AFTER_MS says otherwise', () => {
    expect(loadConfig({}, {}).realtime?.presenceOfflineAfterMs).toBeUndefined();
    expect(REALTIME_DEFAULTS.presenceOfflineAfterMs).toBe(30_000);
    expect(loadConfig({}, { PRESENCE_OFFLINE_AFTER_MS: '1500' }).realtime?.presenceOfflineAfterMs).toBe(1500);
  });

  it.each(['0', '-1', '1.5', 'soon'])('refuses PRESENCE_OFFLINE_AFTER_MS=%s', (value) => {
    expect(() => loadConfig({}, { PRESENCE_OFFLINE_AFTER_MS: value })).toThrow(ConfigError);
  });
});

describe('configuration of connection and stream caps', () => {
  it('caps one address at a quarter of MAX_CONNECTIONS, headers at 10 s and a user at 20 streams unless told otherwise', () => {
    const config = loadConfig({}, {});
    expect(config.maxConnections).toBe(10_000);
    expect(config.maxConnectionsPerIp).toBe(2_500);
    expect(config.headersTimeoutMs).toBe(10_000);
    expect(REALTIME_DEFAULTS.maxStreamsPerUser).toBe(20);
    expect(loadConfig({}, { MAX_CONNECTIONS: '100' }).maxConnectionsPerIp).toBe(25);
    expect(loadConfig({}, { MAX_CONNECTIONS: '0' }).maxConnectionsPerIp).toBe(0);
    const set = loadConfig({}, { MAX_CONNECTIONS_PER_IP: '7', HEADERS_TIMEOUT_MS: '2500', MAX_STREAMS_PER_USER: '3' });
    expect([set.maxConnectionsPerIp, set.headersTimeoutMs, set.realtime?.maxStreamsPerUser]).toEqual([7, 2500, 3]);
  });

  it.each(['MAX_CONNECTIONS_PER_IP', 'HEADERS_TIMEOUT_MS', 'MAX_STREAMS_PER_USER'])('refuses %s that is not a whole number, naming it', (name) => {
    for (const value of ['-1', '1.5', 'many']) expect(() => loadConfig({}, { [name]: value })).toThrow(new RegExp(`invalid ${name} '${value}'`));
  });

  it('gives session tokens an hour unless SESSION_TOKEN_LIFETIME_SECONDS says otherwise, and refuses a bad value', () => {
    expect(loadConfig({}, {}).sessionTokenLifetimeSeconds).toBe(3600);
    expect(loadConfig({}, { SESSION_TOKEN_LIFETIME_SECONDS: '600' }).sessionTokenLifetimeSeconds).toBe(600);
    for (const value of ['0', '-5', 'an hour', '1.5']) {
      expect(() => loadConfig({}, { SESSION_TOKEN_LIFETIME_SECONDS: value })).toThrow(ConfigError);
    }
  });
});
