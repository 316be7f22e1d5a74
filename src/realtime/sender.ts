/**
 * One webhook request: POST of the exact body, signed, with a hard timeout, redirects
 * not followed, and the address checked again at connect time (after DNS), so a name
 * that re-resolves to a private address between registration and delivery is refused.
 */
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../domain/webhook-urls.js';
import type { WebhookHeader } from '../model/index.js';

export interface SendResult {
  statusCode?: number;
  /** The first bytes of the response body (a verify answer is small). */
  body?: string;
  error?: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function sendWebhook(
  target: string,
  body: string,
  secret: string,
  headers: readonly WebhookHeader[],
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<SendResult> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve({ error: 'refused: the URL is a loopback, private or link-local address' });
  }
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          ...Object.fromEntries(headers.map((header) => [header.name, header.value])),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-devrev-signature': sign(body, secret),
          'user-agent': 'Confab-Webhooks',
        },
        signal: AbortSignal.timeout(timeoutMs),
        lookup: allowPrivate ? undefined : guardedLookup,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ statusCode: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES) }));
        res.on('error', (error) => resolve({ statusCode: res.statusCode, error: describeFailure(error) }));
      },
    );
    req.on('error', (error) => resolve({ error: describeFailure(error) }));
    req.end(body);
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((entry) => isPrivateAddress(entry.address))) {
      const refused = Object.assign(new Error('refused: the host resolves to a loopback, private or link-local address'), {
        code: 'EPRIVATE',
      });
      return callback(refused, '');
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

/** A failure as the delivery log shows it: short, and never a stack. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  return error.message.slice(0, 200);
}
