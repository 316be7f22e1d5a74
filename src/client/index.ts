/**
 * A small typed client for Confab (and DevRev's chat API). Request and response types are
 * the server's own TypeBox schemas; 429 and 503 are retried after the time the server asks
 * for (`retry_after` in the body, or `Retry-After`), within a bounded number of tries and
 * total wait; every other error answer is thrown as a `ConfabApiError` with its DevRev body.
 */
import type { ChatsCreateRequest, ChatsGetRequest, ChatsUpdateRequest } from '../schema/chats.js';
import type { ErrorBody } from '../schema/errors.js';
import type { OperationName, RequestOf, ResponseOf } from '../schema/operations.js';
import type { PresenceListRequest } from '../schema/presence.js';
import { ConfabApiError, ConfabTransportError } from './errors.js';
import { RequestJournal } from './requests.js';

export { ConfabApiError, ConfabTransportError } from './errors.js';
export {
  EventStreamReader,
  isEventOf,
  readFrames,
  type AnyStreamEvent,
  type EphemeralPayloads,
  type EphemeralStreamEvent,
  type Envelope,
  type EventPayloads,
  type EventStreamOptions,
  type OtherStreamEvent,
  type StreamEvent,
  type StreamStatus,
} from './event-stream.js';
export { RequestJournal, type JournalEntry, type RequestFilter } from './requests.js';
export type { Chat, ChatResponse, ChatsCreateRequest, ChatsGetRequest, ChatsUpdateRequest } from '../schema/chats.js';
export type { UserSummary } from '../schema/common.js';
export type { Presence, PresenceListRequest, PresenceListResponse } from '../schema/presence.js';
export type { ErrorBody } from '../schema/errors.js';
export type { DevUser, DevUsersSelfResponse } from '../schema/users.js';

export type { OperationName, RequestOf, ResponseOf } from '../schema/operations.js';

/**
 * Every operation the server answers, typed from the very schemas its routes validate
 * and serialize with (schema/operations.ts): `call('timeline-entries.list', {...})`.
 */
export type Operations = { [K in OperationName]: { request: RequestOf<K>; response: ResponseOf<K> } };

/** An answer as it came, for callers that want the status and headers (tests, the console). */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when there is none). */
  text: string;
}

export interface RetryPolicy {
  /** Retries after the first try (default 3). */
  maxRetries?: number;
  /** Total time the client may spend waiting between tries (default 10 s). */
  budgetMs?: number;
  /** Wait when the server names none: doubled each retry (default 200 ms). */
  baseDelayMs?: number;
}

export interface ClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** How the client waits; tests may record the waits instead. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([429, 503]);

export class ConfabClient {
  private readonly baseUrl: string;
  private readonly retry: Required<RetryPolicy>;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = { maxRetries: 3, budgetMs: 10_000, baseDelayMs: 200, ...options.retry };
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  readonly chats = {
    create: (body: ChatsCreateRequest) => this.call('chats.create', body),
    get: (body: ChatsGetRequest) => this.call('chats.get', body),
    update: (body: ChatsUpdateRequest) => this.call('chats.update', body),
  };

  readonly devUsers = {
    self: () => this.call('dev-users.self', {}),
  };

  /** Who of these users (1–100) is online now; `presence_changed` on the event stream says when that changes. */
  readonly presence = {
    list: (body: PresenceListRequest) => this.call('presence.list', body),
  };

  /** The request journal of the token's organization (admin tokens; emulator mode or `--journal`). */
  requests(): RequestJournal {
    return new RequestJournal(this);
  }

  /** `POST /<operation>` with a JSON body, typed for every operation the server has. */
  call<K extends OperationName>(operation: K, body: RequestOf<K>): Promise<ResponseOf<K>>;
  call<T = unknown>(operation: string, body: object): Promise<T>;
  async call(operation: string, body: object): Promise<unknown> {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(operation, body);
      const payload = await this.readJson(operation, response);
      if (response.ok) return payload;
      const error = new ConfabApiError(operation, response.status, payload as ErrorBody, response.headers.get('x-request-id'));
      if (!RETRYABLE.has(response.status) || attempt >= this.retry.maxRetries) throw error;
      const delay = this.delayFor(response, payload as ErrorBody, attempt);
      if (waited + delay > this.retry.budgetMs) throw error;
      waited += delay;
      await this.sleep(delay);
    }
  }

  /**
   * One request exactly as given, answered as it came: no retries, no error thrown for a
   * 4xx or 5xx. `authorization` is sent as is (a token without `Bearer`, or none at all).
   */
  async raw(
    method: string,
    pathAndQuery: string,
    options: { body?: string; headers?: Record<string, string>; authorization?: string } = {},
  ): Promise<RawResponse> {
    const authorization = options.authorization ?? (this.options.token !== undefined ? `Bearer ${this.options.token}` : undefined);
    const response = await this.fetch(this.baseUrl + pathAndQuery, {
      method,
      headers: {
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(authorization !== undefined && { authorization }),
        ...options.headers,
      },
      body: options.body,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  private async send(operation: string, body: object): Promise<Response> {
    try {
      return await this.fetch(`${this.baseUrl}/${operation}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token !== undefined && { authorization: `Bearer ${this.options.token}` }),
        },
        body: JSON.stringify(body),
      });
    } catch (cause) {
      // Not retried: a POST that may have reached the server is not known to be safe to repeat.
      throw new ConfabTransportError(operation, `cannot reach ${this.baseUrl}: ${(cause as Error).message}`, { cause });
    }
  }

  private async readJson(operation: string, response: Response): Promise<unknown> {
    const text = await response.text();
    // Some operations (auth-tokens.delete, as on DevRev) answer 200 with no body at all.
    if (response.ok && text === '') return {};
    try {
      const payload: unknown = JSON.parse(text);
      if (response.ok || (typeof payload === 'object' && payload !== null && typeof (payload as ErrorBody).type === 'string')) {
        return payload;
      }
    } catch {
      // Falls through: not JSON at all.
    }
    throw new ConfabTransportError(operation, `unexpected ${response.status} answer: ${text.slice(0, 200)}`);
  }

  /** The server's own wait wins: `retry_after` (seconds), then `Retry-After` (seconds or a date). */
  private delayFor(response: Response, body: ErrorBody, attempt: number): number {
    if (typeof body.retry_after === 'number' && body.retry_after >= 0) return body.retry_after * 1000;
    const header = response.headers.get('retry-after');
    if (header !== null) {
      const seconds = Number(header);
      if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
      const date = Date.parse(header);
      if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
    }
    return this.retry.baseDelayMs * 2 ** attempt;
  }
}
