import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
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
