/**
 * PROFILE_WITHOUT leaves request hooks out, so that the bench can show what each costs
 * (issue 23): each named hook must really be gone, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { useServer } from './helpers/server.js';

const test = useServer({ profileWithout: loadConfig({}, { PROFILE_WITHOUT: 'request-id,metrics,request-log' }).profileWithout });

describe('PROFILE_WITHOUT', () => {
  it('leaves out the request id header, the per-request metrics and the request log line, and answers as before', async () => {
    const admin = await test.given.org();
    const self = await test.as(admin).get('/dev-users.self');
    expect(self.status).toBe(200);
    const health = await fetch(`${test.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeNull();
    const metrics = await (await fetch(`${test.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^confab_http_requests_total\{/m);
    expect(metrics).toMatch(/^confab_db_statements_total\{operation="dev-users\.self"\}/m);
    expect(test.logs.filter((line) => line.msg === 'request completed')).toEqual([]);
  });

  it('is off unless set, and refuses a hook it does not know, naming the ones it does', () => {
    expect(loadConfig({}, {}).profileWithout).toBeUndefined();
    expect([...loadConfig({}, { PROFILE_WITHOUT: 'rate-limit, overload' }).profileWithout!]).toEqual(['rate-limit', 'overload']);
    expect(() => loadConfig({}, { PROFILE_WITHOUT: 'metrics,auth' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { PROFILE_WITHOUT: 'auth' })).toThrow(/metrics, request-log, request-id, rate-limit, overload/);
  });
});
