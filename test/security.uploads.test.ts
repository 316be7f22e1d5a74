import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();

/** Sends only the head of a request that announces `contentLength` bytes, and reads what comes back. */
function headOnly(path: string, contentLength: number, timeoutMs = 5000): Promise<{ status: number; text: string; closed: boolean }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in ${timeoutMs} ms: the server is waiting for the body`));
    }, timeoutMs);
    socket.on('connect', () =>
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${contentLength}\r\n\r\n`),
    );
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed: true });
    });
  });
}

describe('uploads without a valid link', () => {
  it('are refused before a byte of the body is sent, and the connection is closed', async () => {
    const answer = await headOnly('/artifacts.upload/a1.1.u.9999999999.forged', 5 * 1024 * 1024);
    expect(answer.status).toBe(404);
    const body = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4));
    expect(body.type).toBe('not_found');
    expect(answer.closed).toBe(true);
  });

  it('still refuses JSON nested too deep, measured after parsing', async () => {
    const admin = await t.given.org();
    const deep = '['.repeat(40) + ']'.repeat(40);
    const response = await t.as(admin).request('POST', '/chats.list', deep);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('bad_request');
    expect(response.body.message).toContain('nested more than 32');
  });
});
