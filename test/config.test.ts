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
