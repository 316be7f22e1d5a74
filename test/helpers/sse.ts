/** A real Server-Sent Events client over fetch, for reading /events.stream in tests. */
import { afterEach } from 'vitest';

/** `open(person)` opens that person's /events.stream on `server`; every stream opened is closed after each test. */
export function streamOpener(server: { url: string }): (person: { token: string }) => Promise<SseClient> {
  const streams: SseClient[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((client) => client.close()));
  });
  return async (person) => {
    const client = await SseClient.open(`${server.url}/events.stream`, { authorization: `Bearer ${person.token}` });
    streams.push(client);
    return client;
  };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: any;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  ended = false;
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  private done: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.controller.signal });
    client.status = response.status;
    if (response.status !== 200) {
      client.ended = true;
      (client as { body?: unknown }).body = await response.json();
      return client;
    }
    client.done = client.read(response.body!);
    // The first comment says the stream is subscribed: events after it are not missed.
    await client.until(() => client.comments.includes('connected'), 5000);
    return client;
  }

  body?: any;

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.notify();
      }
    } catch {
      // aborted by close(), or cut by the server
    }
    this.ended = true;
    this.notify();
  }

  private parse(frame: string): void {
    const event: Partial<SseEvent> = {};
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data) this.events.push({ ...event, data: JSON.parse(data) });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when `condition` holds; rejects after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms; got ${this.events.length} events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
