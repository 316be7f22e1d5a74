/**
 * The request journal from the typed client, made for assertions in tests: what did my
 * code send? Needs an admin token of the organization the requests were made in, and a
 * server with the journal on (emulator mode, or `serve --journal`).
 *
 *   const created = await client.requests().one({ operation: 'chats.create' });
 *   expect(created.request_body).toMatchObject({ title: 'Escalation' });
 */
import type { JournalEntry, RequestsCountRequest, RequestsListRequest } from '../schema/journal.js';

export type { JournalEntry } from '../schema/journal.js';
export type RequestFilter = RequestsCountRequest;

interface Caller {
  call<T = unknown>(operation: string, body: object): Promise<T>;
}

export class RequestJournal {
  constructor(private readonly client: Caller) {}

  /** One page, newest first. */
  list(filter: RequestsListRequest = {}): Promise<{ requests: JournalEntry[]; next_cursor?: string }> {
    return this.client.call('confab.requests.list', filter);
  }

  /** Every matching entry, newest first (follows the cursors). */
  async all(filter: RequestFilter = {}): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...filter, limit: 100, ...(cursor !== undefined && { cursor }) });
      entries.push(...page.requests);
      cursor = page.next_cursor;
    } while (cursor !== undefined);
    return entries;
  }

  async count(filter: RequestFilter = {}): Promise<number> {
    return (await this.client.call<{ count: number }>('confab.requests.count', filter)).count;
  }

  /** Forgets this organization's entries; answers how many went. */
  async clear(): Promise<number> {
    return (await this.client.call<{ cleared: number }>('confab.requests.clear', {})).cleared;
  }

  /** The newest matching entry, or undefined. */
  async last(filter: RequestFilter = {}): Promise<JournalEntry | undefined> {
    return (await this.list({ ...filter, limit: 1 })).requests[0];
  }

  /** The one matching entry; throws, listing the latest requests, when there are none or several. */
  async one(filter: RequestFilter = {}): Promise<JournalEntry> {
    const found = (await this.list({ ...filter, limit: 2 })).requests;
    if (found.length === 1) return found[0]!;
    throw new Error(`expected exactly one request matching ${JSON.stringify(filter)}, found ${found.length === 0 ? 'none' : 'several'}; ${await this.recent()}`);
  }

  /** Throws, listing the latest requests, unless nothing matches. */
  async none(filter: RequestFilter = {}): Promise<void> {
    const found = await this.last(filter);
    if (found) throw new Error(`expected no request matching ${JSON.stringify(filter)}, found ${describe(found)}`);
  }

  private async recent(): Promise<string> {
    const latest = (await this.list({ limit: 10 })).requests;
    return latest.length === 0 ? 'the journal is empty' : `the latest requests were:\n${latest.map((entry) => `  ${describe(entry)}`).join('\n')}`;
  }
}

function describe(entry: JournalEntry): string {
  return `${entry.method} ${entry.path} → ${entry.status} (${entry.id})`;
}
