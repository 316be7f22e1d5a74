/** A real HTTP server on 127.0.0.1 that plays a webhook receiver and records what it got. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
  at: number;
}

/** Answers a request: status and body. The default echoes verify challenges and accepts events. */
export type Behaviour = (request: Received, count: number) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

export const echoChallenge: Behaviour = (request) =>
  request.body.type === 'verify' ? { status: 200, body: { challenge: request.body.verify.challenge } } : { status: 200, body: {} };

export class Receiver {
  readonly received: Received[] = [];
  behaviour: Behaviour = echoChallenge;
  private server!: Server;
  url = '';

  static async start(behaviour: Behaviour = echoChallenge): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.behaviour = behaviour;
    receiver.server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as { port: number };
    receiver.url = `http://127.0.0.1:${port}`;
    return receiver;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const request: Received = { path: req.url ?? '', headers: req.headers, raw, body, at: Date.now() };
      this.received.push(request);
      const answer = this.behaviour(request, this.received.length);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }

  of(type: string): Received[] {
    return this.received.filter((request) => request.body?.type === type);
  }

  async until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`receiver: timed out; got ${this.received.map((r) => r.body?.type).join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** How a receiver checks X-DevRev-Signature: HMAC-SHA256 of the raw body, hex, keyed with the secret. */
export function signatureValid(request: Received, secret: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(request.raw).digest('hex'));
  const given = Buffer.from(String(request.headers['x-devrev-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
