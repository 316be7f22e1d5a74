/**
 * Reads `GET /events.stream` with `fetch`, so that the token travels in the
 * `Authorization` header (a browser's `EventSource` cannot send headers, and a token in a
 * URL ends up in logs and histories). Parses Server-Sent Events, and after a dropped
 * connection or a server restart reconnects with `Last-Event-ID`: the server replays
 * what was missed, in order, and the reader drops anything it already yielded — no gap,
 * no duplicate. Event ids are opaque strings, per organization: compare them for equality
 * only, and hand the last one back to resume.
 *
 * ```ts
 * const stream = new EventStreamReader({ baseUrl, token });
 * for await (const event of stream) console.log(event.type, event.data);
 * stream.close();
 * ```
 */
import type { Chat } from '../schema/chats.js';
import type { ErrorBody } from '../schema/errors.js';
import type { UserSummary } from '../schema/common.js';
import type { Presence } from '../schema/presence.js';
import type { TimelineEntry } from '../schema/timeline-entries.js';
import { ConfabApiError } from './errors.js';

/** The payloads Confab sends today; other types (new ones) arrive with `data` as sent. */
export interface EventPayloads {
  chat_created: { chat: Chat };
  chat_updated: { chat: Chat };
  timeline_entry_created: { entry: TimelineEntry };
  /** `reactions`: DevRev's change, when a reaction made the update. */
  timeline_entry_updated: {
    entry: TimelineEntry;
    old_entry?: TimelineEntry;
    reactions?: { action: 'added' | 'removed'; emoji: string; reactor: UserSummary }[];
  };
  timeline_entry_deleted: { id: string; old_entry: TimelineEntry };
  group_member_added: { group: Record<string, unknown>; member: UserSummary };
  group_member_removed: { group: Record<string, unknown>; member: UserSummary };
  /** To the reader's own streams only: where their marker now is (`entry`, absent if none) and what is left unread. */
  chat_read: { chat: Chat; entry?: string; unread_count: number };
}

/** DevRev's webhook envelope, as the stream sends it: `{id, timestamp, type, <type>: {…}}`. */
export type Envelope = { id: string; timestamp: string; type: string } & Record<string, unknown>;

export type StreamEvent = {
  [K in keyof EventPayloads]: { type: K; streamId: string; envelope: Envelope; data: EventPayloads[K] };
}[keyof EventPayloads];

/**
 * Ephemeral events (Confab additions): sent to the streams open at the moment, with no
 * `id:` (so no `streamId`), never replayed, and they leave the resume point where it was.
 * `presence_changed`: someone who shares a chat with the reader came online or went
 * offline (`last_seen` then says when).
 */
export interface EphemeralPayloads {
  typing: { chat: string; user: UserSummary; expires_at: string };
  presence_changed: Presence;
}

export type EphemeralStreamEvent = {
  [K in keyof EphemeralPayloads]: { type: K; streamId?: undefined; envelope: Envelope; data: EphemeralPayloads[K] };
}[keyof EphemeralPayloads];

/** An event of a type this reader has no type for (one newer than it): `data` as sent. */
export interface OtherStreamEvent {
  type: string;
  streamId?: string;
  envelope: Envelope;
  data: unknown;
}

export type AnyStreamEvent = StreamEvent | EphemeralStreamEvent | OtherStreamEvent;

/**
 * Narrows an event the reader yielded to one of the types Confab sends, with its payload
 * typed: `if (isEventOf(event, 'presence_changed')) show(event.data.user, event.data.state)`.
 */
export function isEventOf<K extends keyof EventPayloads | keyof EphemeralPayloads>(
  event: AnyStreamEvent,
  type: K,
): event is Extract<StreamEvent | EphemeralStreamEvent, { type: K }> {
  return event.type === type;
}

/** Far more than a reconnect's replay can overlap: the server resumes right after the id it is given. */
const RECENT_IDS = 1_000;

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  baseUrl: string;
  token: string;
  /** Resume after this event (the `id:` of the last event seen, or `'0'` for all the server keeps); default: from now. */
  lastEventId?: string;
  fetch?: typeof fetch;
  /** First wait before reconnecting (default 500 ms; the server's `retry:` field wins); doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told whenever the connection opens, drops or closes: a UI shows "reconnecting" with it. */
  onStatus?: (status: StreamStatus, error?: unknown) => void;
}

/** One parsed SSE frame. */
interface Frame {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

export class EventStreamReader implements AsyncIterable<AnyStreamEvent> {
  /** The `id:` of the last event yielded: where a reconnect resumes. */
  lastEventId: string | undefined;
  /** Ids of the events yielded lately: a replay that overlaps them after a reconnect is dropped. */
  private readonly recent = new Set<string>();
  private readonly abort = new AbortController();
  private readonly fetch: typeof fetch;
  private retryMs: number;
  private closed = false;

  constructor(private readonly options: EventStreamOptions) {
    this.lastEventId = options.lastEventId;
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retryMs = options.retryMs ?? 500;
  }

  /** Stops reading; the iterator ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.options.onStatus?.('closed');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AnyStreamEvent> {
    let delay = this.retryMs;
    let attempt = 0;
    try {
      while (!this.closed) {
        this.options.onStatus?.(attempt++ === 0 ? 'connecting' : 'reconnecting');
        let response: Response;
        try {
          response = await this.connect();
        } catch (error) {
          if (this.closed) return;
          this.options.onStatus?.('reconnecting', error);
          await this.wait(delay);
          delay = Math.min(delay * 2, this.options.maxRetryMs ?? 10_000);
          continue;
        }
        if (!response.ok) {
          const error = await this.errorOf(response);
          // 503 (draining, overloaded) and 502/504 from a proxy pass; anything else will not.
          if (response.status < 500 && response.status !== 429) throw error;
          this.options.onStatus?.('reconnecting', error);
          await this.wait(delay);
          delay = Math.min(delay * 2, this.options.maxRetryMs ?? 10_000);
          continue;
        }
        this.options.onStatus?.('open');
        delay = this.retryMs;
        try {
          for await (const frame of readFrames(response.body!)) {
            if (frame.retry !== undefined) this.retryMs = delay = frame.retry;
            const event = this.toEvent(frame);
            if (event) yield event;
          }
        } catch (error) {
          if (this.closed) return;
          this.options.onStatus?.('reconnecting', error);
        }
        // The server ended the stream (a restart, a drain): resume after what was seen.
        if (!this.closed) await this.wait(delay);
      }
    } finally {
      this.close();
    }
  }

  private connect(): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${this.options.token}` };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    return this.fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/events.stream`, {
      headers,
      signal: this.abort.signal,
      cache: 'no-store',
    });
  }

  private toEvent(frame: Frame): AnyStreamEvent | undefined {
    if (frame.data === '') return undefined;
    if (frame.id === undefined || frame.id === '') {
      const envelope = JSON.parse(frame.data) as Envelope;
      const type = frame.event || envelope.type;
      return { type, envelope, data: envelope[type] } as EphemeralStreamEvent | OtherStreamEvent;
    }
    const streamId = frame.id;
    // A replay after a reconnect may overlap what was already yielded.
    if (this.recent.has(streamId)) return undefined;
    this.recent.add(streamId);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
    this.lastEventId = streamId;
    const envelope = JSON.parse(frame.data) as Envelope;
    const type = frame.event || envelope.type;
    return { type, streamId, envelope, data: envelope[type] } as StreamEvent | OtherStreamEvent;
  }

  private async errorOf(response: Response): Promise<ConfabApiError> {
    const text = await response.text().catch(() => '');
    let body: ErrorBody;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      body = { type: 'unexpected_response', message: `${response.status} ${text.slice(0, 200)}` } as ErrorBody;
    }
    return new ConfabApiError('events.stream', response.status, body, response.headers.get('x-request-id'));
  }

  private wait(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Splits a byte stream into SSE frames (the WHATWG "event stream" grammar). */
export async function* readFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let frame: Frame = { event: '', data: '' };
  let hasData = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (!done) buffer += decoder.decode(value, { stream: true });
      for (;;) {
        const end = lineEnd(buffer, done);
        if (end === undefined) break;
        const line = buffer.slice(0, end.at);
        buffer = buffer.slice(end.at + end.length);
        if (line === '') {
          // A frame without data dispatches nothing, but a `retry:` alone still counts.
          if (hasData || frame.retry !== undefined) yield frame;
          frame = { event: '', data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') {
          frame.data = hasData ? `${frame.data}\n${value}` : value;
          hasData = true;
        } else if (field === 'event') frame.event = value;
        else if (field === 'id' && !value.includes('\0')) frame.id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
      }
      // An unfinished frame at the end of the stream is dropped, as EventSource does.
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Where the first line ends: `\r\n`, `\n` or `\r` (a `\r` at the very end may be half of a `\r\n` still to come). */
function lineEnd(buffer: string, final: boolean): { at: number; length: number } | undefined {
  for (let i = 0; i < buffer.length; i++) {
    const char = buffer[i];
    if (char === '\n') return { at: i, length: 1 };
    if (char === '\r') {
      if (i + 1 === buffer.length) return final ? { at: i, length: 1 } : undefined;
      return { at: i, length: buffer[i + 1] === '\n' ? 2 : 1 };
    }
  }
  return undefined;
}
