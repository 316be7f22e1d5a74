/**
 * The signed-in session: the token (in sessionStorage only: never in a URL, never logged),
 * the typed client every call goes through, and what happens on a 401 anywhere — the
 * console returns to sign-in and says why.
 */
import { ConfabApiError, ConfabClient, ConfabTransportError } from '../../src/client/index.js';

const TOKEN_KEY = 'confab.token';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function storeToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export const BASE_URL = window.location.origin;

/**
 * A client whose every answer passes a watch for 401: the console does not retry 429s
 * itself (it shows the countdown instead), and a rejected token ends the session. A call
 * that succeeds is told to `onAnswered` (its operation), so an error shown for an earlier
 * try of it can go.
 */
export function createClient(token: string, onUnauthenticated: (reason: string) => void, onAnswered?: (operation: string) => void): ConfabClient {
  return new ConfabClient({ baseUrl: BASE_URL, token, fetch: watchingFetchFor(onUnauthenticated, onAnswered), retry: { maxRetries: 0 } });
}

/** The watching fetch, for the event stream (same 401 rule). */
export function watchingFetchFor(onUnauthenticated: (reason: string) => void, onAnswered?: (operation: string) => void): typeof fetch {
  return async (input, init) => {
    const response = await window.fetch(input, init);
    if (response.ok && onAnswered) onAnswered(new URL(response.url || String(input), BASE_URL).pathname.slice(1));
    if (response.status === 401) {
      const body = (await response.clone().json().catch(() => ({}))) as { message?: string };
      onUnauthenticated(body.message ?? 'the server no longer accepts this token');
    }
    return response;
  };
}

export interface ShownError {
  /** DevRev's error type (`forbidden`, `too_many_requests`, …) or `unreachable`. */
  type: string;
  message: string;
  operation?: string;
  /** For 429 and 503: when trying again makes sense (ms since epoch). */
  retryAt?: number;
}

export function describeError(error: unknown): ShownError {
  if (error instanceof ConfabApiError) {
    const retryAfter = typeof error.body.retry_after === 'number' ? error.body.retry_after : undefined;
    return {
      type: error.type,
      message: error.body.message,
      operation: error.operation,
      ...(retryAfter !== undefined && { retryAt: Date.now() + retryAfter * 1000 }),
    };
  }
  if (error instanceof ConfabTransportError) {
    // Its message starts with the operation, which the banner shows already.
    const prefix = `${error.operation}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { type: 'unreachable', message, operation: error.operation };
  }
  return { type: 'error', message: error instanceof Error ? error.message : String(error) };
}
