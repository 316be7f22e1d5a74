import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FixtureError, parseFixtures, type Fixtures } from '../src/emulator/index.js';
import { startServer } from '../src/server.js';
import { Client, useEmulator, useServer } from './helpers/server.js';

const FIXTURES = join(import.meta.dirname, '../examples/emulator/fixtures.json');
const MEMORY = { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', logLevel: 'silent' };
const quiet = pino({ level: 'silent' });

// How fast the emulator starts and resets is the benchmark's business (`npm run bench`).
describe('emulator mode', () => {
  const emulator = useEmulator(FIXTURES);
  const as = (token: string) => emulator.withToken(token);

  it('accepts the fixed tokens, and ids follow the fixture file', async () => {
    const response = await as('test-token-ada').get('/dev-users.self');
    expect(response.status).toBe(200);
    expect(response.body.dev_user).toMatchObject({
      id: 'don:identity:dvrv-us-1:devo/acme:devu/1',
      display_id: 'DEVU-1',
      email: 'ada@acme.test',
      full_name: 'Ada Lovelace',
    });
    const grace = await as('test-token-grace').get('/dev-users.self');
    expect(grace.body.dev_user.display_id).toBe('DEVU-2');
  });

  it('creates the fixture chats, with their groups, numbered in file order', async () => {
    const dm = await as('test-token-grace').get('/chats.get', { id: 'CHAN-1' });
    expect(dm.status).toBe(200);
    expect(dm.body.chat.title).toBe('Ada and Grace');
    expect(dm.body.chat.users.map((user: { display_id: string }) => user.display_id)).toEqual(['DEVU-1', 'DEVU-2']);
    // Grace reads the escalation chat through the Support group only.
    const escalation = await as('test-token-grace').get('/chats.get', { id: 'don:core:dvrv-us-1:devo/acme:chat/2' });
    expect(escalation.status).toBe(200);
    expect(escalation.body.chat.groups[0]).toMatchObject({ display_id: 'GRP-1', name: 'Support' });
  });

  it('keeps organizations apart: a token of one cannot read the other\'s chats', async () => {
    const response = await as('test-token-hank').get('/chats.get', { id: 'CHAN-1' });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });

  it('POST /confab.reset restores the fixtures exactly: new objects go, numbering restarts', async () => {
    const created = await as('test-token-ada').post('/chats.create', { type: 'dm', users: ['DEVU-1', 'SVCACC-1'] });
    expect(created.status).toBe(201);
    expect(created.body.chat.display_id).toBe('CHAN-3');
    await as('test-token-ada').post('/chats.update', { id: 'CHAN-1', title: 'renamed' });

    const reset = await as('test-token-ada').post('/confab.reset', {});
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ status: 'reset' });

    const gone = await as('test-token-ada').get('/chats.get', { id: 'CHAN-3' });
    expect(gone.status).toBe(404);
    expect(gone.body.type).toBe('not_found');
    expect((await as('test-token-ada').get('/chats.get', { id: 'CHAN-1' })).body.chat.title).toBe('Ada and Grace');
    const again = await as('test-token-ada').post('/chats.create', { type: 'dm', users: ['DEVU-1', 'SVCACC-1'] });
    expect(again.body.chat.display_id).toBe('CHAN-3');
  });

  it('POST /confab.reset is for admins: 401 without a token, 403 for anyone else, and nothing is reset', async () => {
    const renamed = await as('test-token-ada').post('/chats.update', { id: 'CHAN-1', title: 'kept' });
    expect(renamed.status).toBe(200);
    const anonymous = await emulator.client().post('/confab.reset', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.type).toBe('unauthenticated');
    const grace = await as('test-token-grace').post('/confab.reset', {});
    expect(grace.status).toBe(403);
    expect(grace.body.type).toBe('forbidden');
    expect((await as('test-token-ada').get('/chats.get', { id: 'CHAN-1' })).body.chat.title).toBe('kept');
  });
});

describe('POST /confab.reset outside emulator mode', () => {
  const t = useServer();
  it('is 404 not_found, even for an admin: a normal server never deletes its data on request', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/confab.reset', {});
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });
});

describe('fixture files', () => {
  const valid = (): Fixtures => ({
    organizations: [
      {
        name: 'Acme',
        users: [{ ref: 'ada', type: 'dev_user', email: 'ada@acme.test' }],
        tokens: [{ user: 'ada', value: 'test-token-ada' }],
      },
    ],
  });

  async function loadError(fixtures: unknown, databaseUrl = MEMORY.databaseUrl): Promise<string> {
    try {
      const server = await startServer({ ...MEMORY, databaseUrl }, quiet, { fixtures: parseFixtures(fixtures) });
      await server.close();
    } catch (error) {
      expect(error).toBeInstanceOf(FixtureError);
      return (error as Error).message;
    }
    throw new Error('the fixtures loaded');
  }

  it('derives the org slug from the name when none is given', async () => {
    const server = await startServer(MEMORY, quiet, { fixtures: parseFixtures(valid()) });
    const response = await new Client(server.url, 'test-token-ada').get('/dev-users.self');
    await server.close();
    expect(response.body.dev_user.id).toBe('don:identity:dvrv-us-1:devo/acme:devu/1');
  });

  it('names an unknown field and where it is', async () => {
    const fixtures = valid() as any;
    fixtures.organizations[0].users[0].emial = 'x';
    expect(await loadError(fixtures)).toMatch(/organizations\[0\]\.users\[0\] has an unknown field 'emial'/);
  });

  it('names a reference to a user the organization does not have', async () => {
    const fixtures = valid();
    fixtures.organizations[0]!.tokens = [{ user: 'bob', value: 'test-token-bob' }];
    expect(await loadError(fixtures)).toMatch(/organizations\[0\]\.tokens\[0\]\.user: no user with ref 'bob'/);
  });

  it('refuses a token value used twice', async () => {
    const fixtures = valid();
    fixtures.organizations[0]!.tokens!.push({ user: 'ada', value: 'test-token-ada' });
    expect(await loadError(fixtures)).toMatch(/tokens\[1\]\.value: this token value is used twice/);
  });

  it('refuses a chat that breaks a chat rule, saying which chat', async () => {
    const fixtures = valid();
    fixtures.organizations[0]!.users!.push({ ref: 'bob', type: 'dev_user', email: 'bob@acme.test', state: 'deactivated' });
    fixtures.organizations[0]!.chats = [{ users: ['ada', 'bob'] }];
    expect(await loadError(fixtures)).toMatch(/organizations\[0\]\.chats\[0\]: users: DEVU-2 is deactivated/);
  });

  it('refuses two organizations with the same slug', async () => {
    const fixtures = valid();
    fixtures.organizations.push({ name: 'ACME' });
    expect(await loadError(fixtures)).toMatch(/organizations\[1\]\.slug: organization slug 'acme' is used twice/);
  });

  it('loads only into an in-memory database, since reset deletes everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-fixtures-'));
    expect(await loadError(valid(), `sqlite:${join(dir, 'x.db')}`)).toMatch(/add --memory/);
  });
});

describe('confab serve --memory --fixtures', () => {
  it('starts, announces its URL and answers with the fixture tokens', async () => {
    const child = spawn(process.execPath, ['dist/bundle/cli.js', 'serve', '--memory', '--fixtures', FIXTURES, '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await firstLine(child.stdout);
      const { url, ready_ms: readyMs } = JSON.parse(line) as { url: string; ready_ms: number };
      const response = await fetch(`${url}/dev-users.self`, { headers: { authorization: 'Bearer test-token-ada' } });
      expect(response.status).toBe(200);
      expect(readyMs).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('says what to do when --fixtures is given without --memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-fixtures-'));
    const file = join(dir, 'fixtures.json');
    writeFileSync(file, '{"organizations":[{"name":"A"}]}');
    const child = spawn(process.execPath, ['dist/bundle/cli.js', 'serve', '--fixtures', file, '--database-url', `sqlite:${join(dir, 'db')}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^confab: fixtures are loaded only into an in-memory database .*add --memory/);
  });
});

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve(buffer.slice(0, end));
    });
    stream.on('end', () => reject(new Error(`no line before the end: ${buffer}`)));
  });
}
