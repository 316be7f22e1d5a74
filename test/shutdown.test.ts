import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { assertMatchesContract } from './helpers/contract.js';
import { spawnServer } from './helpers/process.js';
import { useServer } from './helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inProcess = useServer({ faults: true });

describe('graceful shutdown', () => {
  it('on SIGTERM finishes in-flight requests, refuses new connections, closes the database and exits 0', async () => {
    const databaseFile = join(dir, 'clean.db');
    const server = await spawnServer(`sqlite:${databaseFile}`, { CONFAB_FAULTS: '1' }, true);
    const headers = { authorization: `Bearer ${server.firstRunToken}` };
    const slow = fetch(`${server.url}/dev-users.self`, { headers: { ...headers, 'x-confab-fault': 'delay_ms=1500' } });
    await sleep(300);
    server.child.kill('SIGTERM');
    await sleep(200);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    const response = await slow;
    expect(response.status).toBe(200);
    expect((await response.json()).dev_user.display_id).toBe('DEVU-1');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shut down cleanly');
    // SQLite folds the WAL back and removes it only on a clean close.
    expect(existsSync(`${databaseFile}-wal`)).toBe(false);
  }, 60_000);

  it('cuts requests still running at the deadline and exits 1', async () => {
    const server = await spawnServer(`sqlite:${join(dir, 'deadline.db')}`, { CONFAB_FAULTS: '1', SHUTDOWN_TIMEOUT_MS: '300' }, true);
    const slow = fetch(`${server.url}/dev-users.self`, {
      headers: { authorization: `Bearer ${server.firstRunToken}`, 'x-confab-fault': 'delay_ms=10000' },
    }).then(
      () => 'answered',
      () => 'cut',
    );
    await sleep(300);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await slow).toBe('cut');
    expect(server.output()).toContain('shut down at the deadline');
  }, 60_000);

  it('answers 503 service_unavailable to a request that arrives on an open connection while draining', async () => {
    const ada = await inProcess.given.org();
    const url = new URL(inProcess.url);
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    const request = (fault?: string) =>
      `GET /dev-users.self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ada.token}\r\n${fault ? `X-Confab-Fault: ${fault}\r\n` : ''}\r\n`;
    socket.write(request('delay_ms=800'));
    await sleep(200);
    const closing = inProcess.server.close();
    await sleep(100);
    socket.write(request());
    await ended;
    expect(await closing).toBe(true);
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    expect(statuses).toEqual([200, 503]);
    const refused = JSON.parse(received.slice(received.lastIndexOf('\r\n\r\n') + 4));
    expect(refused).toEqual({ type: 'service_unavailable', message: 'the server is shutting down; retry shortly' });
    assertMatchesContract('/dev-users.self', 'GET', 503, refused);
    expect(received).toMatch(/retry-after: 1\r\n/i);
  });
});
