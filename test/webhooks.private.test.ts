import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

// The default: WEBHOOK_ALLOW_PRIVATE is not set.
const t = useServer();

describe('webhook URLs that reach the server’s own network', () => {
  const refused = [
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://172.16.5.4/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0.0.0.0/hook',
    'http://2130706433/hook',
    // IPv6 transition ranges, which reach IPv4 (here loopback) on networks with 6to4, NAT64 or SIIT.
    'http://[::127.0.0.1]/hook',
    'http://[::ffff:0:7f00:1]/hook',
    'http://[2002:7f00:1::]/hook',
    'http://[64:ff9b::7f00:1]/hook',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:7f00:1]/hook',
  ];

  it.each(refused)('refuses %s with 400 value_not_permitted', async (url) => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/webhooks.create', { url });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('value_not_permitted');
    expect(response.body.field_name).toBe('url');
    expect((await t.as(admin).get('/webhooks.list')).body.webhooks).toEqual([]);
  });

  it('refuses moving a webhook to a private address with webhooks.update', async () => {
    const admin = await t.given.org();
    // A public address that is never contacted in this test: it stays unverified.
    const created = await t.as(admin).post('/webhooks.create', { url: 'http://192.0.2.1/hook' });
    expect(created.status).toBe(201);
    const response = await t.as(admin).post('/webhooks.update', { id: created.body.webhook.id, url: 'http://127.0.0.1/hook' });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('value_not_permitted');
    expect(response.body.field_name).toBe('url');
    const kept = await t.as(admin).get('/webhooks.get', { id: created.body.webhook.id });
    expect(kept.body.webhook.url).toBe('http://192.0.2.1/hook');
  });

  it('returns 400 invalid_field for a host that does not resolve', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/webhooks.create', { url: 'http://no-such-host.invalid/hook' });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('invalid_field');
    expect(response.body.field_name).toBe('url');
  });
});
