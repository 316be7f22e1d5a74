/** `confab.import` in emulator mode: an export loaded into a running emulator over HTTP. */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfabApiError, ConfabClient } from '../src/client/index.js';
import { hashToken } from '../src/domain/tokens.js';
import { serializeHeader, serializeRecord, type ExportRecord } from '../src/portability/format.js';
import { useEmulator, useServer } from './helpers/server.js';

const FIXTURES = join(import.meta.dirname, '../examples/emulator/fixtures.json');

const at = (second: number) => new Date(Date.UTC(2024, 0, 1, 12, 0, second)).toISOString();

/** A small export: organization `imported`, two people, a chat, two messages and Grace's token: 7 records. */
function exportText(change: (records: ExportRecord[]) => void = () => {}): string {
  const records: ExportRecord[] = [
    { type: 'org', slug: 'imported', name: 'Imported', created_at: at(0), sequences: { chat: 1, dev_user: 2, timeline_comment: 2, token: 1 } },
    { type: 'user', org: 'imported', id: 'DEVU-1', email: 'ada@imported.test', display_name: 'ada', state: 'active', is_admin: true, created_at: at(1), modified_at: at(1) },
    { type: 'user', org: 'imported', id: 'DEVU-2', email: 'grace@imported.test', display_name: 'grace', state: 'active', is_admin: false, created_at: at(2), modified_at: at(2) },
    {
      type: 'chat',
      org: 'imported',
      id: 'CHAN-1',
      title: 'Moved here',
      is_default: false,
      users: ['DEVU-1', 'DEVU-2'],
      created_by: 'DEVU-1',
      modified_by: 'DEVU-1',
      created_at: at(3),
      modified_at: at(3),
      activity_at: at(5),
    },
    ...[1, 2].map(
      (number): ExportRecord => ({
        type: 'timeline_entry',
        org: 'imported',
        id: `COMMENT-${number}`,
        chat: 'CHAN-1',
        body: `message ${number}`,
        body_type: 'text',
        visibility: 'external',
        created_by: `DEVU-${number}`,
        modified_by: `DEVU-${number}`,
        created_at: at(3 + number),
        modified_at: at(3 + number),
      }),
    ),
    { type: 'token', org: 'imported', id: 'TKN-1', user: 'DEVU-2', hash: hashToken('imported-token-grace'), created_at: at(6) },
  ];
  change(records);
  return `${[serializeHeader(records.length), ...records.map(serializeRecord)].join('\n')}\n`;
}

describe('confab.import', () => {
  const server = useEmulator(FIXTURES);
  const as = (token?: string) => (token === undefined ? server.client() : server.withToken(token));
  const ada = () => as('test-token-ada');
  const importedGrace = () => as('imported-token-grace');

  beforeEach(async () => {
    expect((await ada().post('/confab.reset', {})).status).toBe(200);
  });

  it("loads an export into the running emulator: its people, chats, messages and tokens work at once", async () => {
    const response = await ada().post('/confab.import', { data: exportText() });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ records: 7, created: 7, unchanged: 0 });
    const timeline = await importedGrace().get('/timeline-entries.list', { object: 'CHAN-1' });
    expect(timeline.status).toBe(200);
    expect(timeline.body.timeline_entries.map((entry: { body: string; display_id: string }) => [entry.display_id, entry.body])).toEqual([
      ['COMMENT-2', 'message 2'],
      ['COMMENT-1', 'message 1'],
    ]);
    // Numbering goes on after what was imported.
    const created = await importedGrace().post('/chats.create', { type: 'dm', users: ['DEVU-2'], is_default: false });
    expect(created.body.chat.display_id).toBe('CHAN-2');
  });

  it('changes nothing when the same export is loaded again', async () => {
    await ada().post('/confab.import', { data: exportText() });
    const again = await ada().post('/confab.import', { data: exportText(), batch_size: 2 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ records: 7, created: 0, unchanged: 7 });
  });

  it('is in the typed client', async () => {
    const client = new ConfabClient({ baseUrl: server.url, token: 'test-token-ada' });
    expect(await client.call('confab.import', { data: exportText() })).toEqual({ records: 7, created: 7, unchanged: 0 });
  });

  it('answers 400 invalid_field on data for a malformed line, naming it, and writes nothing of its batch', async () => {
    const lines = exportText().split('\n');
    lines[5] = lines[5]!.replace('"chat":"CHAN-1"', '"chat":"CHAN-7"');
    const response = await ada().post('/confab.import', { data: lines.join('\n') });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'data' });
    expect(response.body.message).toBe('line 6: chat CHAN-7 of organization imported is neither earlier in the file nor in the database');
    // The org, its people and chat were in the same batch: none of it is there.
    expect((await importedGrace().get('/dev-users.self')).status).toBe(401);
    expect((await ada().post('/confab.import', { data: exportText() })).body.created).toBe(7);
  });

  it('answers 400 for data that is not an export', async () => {
    const response = await ada().post('/confab.import', { data: '{"hello":"world"}\n' });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('invalid_field');
    expect(response.body.message).toMatch(/^line 1: this is not a Confab export/);
    const missing = await ada().post('/confab.import', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ type: 'missing_required_field', field_name: 'data' });
  });

  it('answers 409 conflict naming the line and key when the emulator holds other data under the same key', async () => {
    await ada().post('/confab.import', { data: exportText() });
    const changed = exportText((records) => {
      const grace = records[2] as Extract<ExportRecord, { type: 'user' }>;
      grace.display_name = 'grace h';
    });
    const response = await ada().post('/confab.import', { data: changed });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('conflict');
    expect(response.body.message).toBe(
      'line 4: user DEVU-2 of organization imported is already in the database with other data: display_name is "grace" in the database and "grace h" in the file',
    );
    expect((await importedGrace().get('/dev-users.self')).body.dev_user.display_name).toBe('grace');
  });

  it('is for admins: 403 forbidden for a member, 401 without a token; neither writes anything', async () => {
    const member = await as('test-token-grace').post('/confab.import', { data: exportText() });
    expect(member.status).toBe(403);
    expect(member.body.type).toBe('forbidden');
    const anonymous = await as().post('/confab.import', { data: exportText() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.type).toBe('unauthenticated');
    expect((await importedGrace().get('/dev-users.self')).status).toBe(401);
  });

  it('takes an export larger than the usual 1 MB body limit', async () => {
    const big = exportText((records) => {
      const message = records[4] as Extract<ExportRecord, { type: 'timeline_entry' }>;
      for (let number = 3; number <= 40; number++) records.push({ ...message, id: `COMMENT-${number}`, body: 'x'.repeat(40_000) });
    });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const response = await ada().post('/confab.import', { data: big });
    expect(response.status).toBe(200);
    expect(response.body.created).toBe(45);
  });

  it('answers a ConfabApiError through the typed client for a bad export', async () => {
    const client = new ConfabClient({ baseUrl: server.url, token: 'test-token-ada' });
    const error = await client.call('confab.import', { data: 'not json\n' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfabApiError);
    expect((error as ConfabApiError).status).toBe(400);
  });
});

describe('/confab.import outside emulator mode', () => {
  const t = useServer();
  it('answers 404 not_found like an unknown route', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/confab.import', { data: exportText() });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });
});
