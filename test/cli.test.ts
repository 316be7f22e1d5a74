import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { confab, serve } from './helpers/process.js';
import { Client } from './helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let databases = 0;
const execFileAsync = promisify(execFile);
const freshDatabase = () => `sqlite:${join(dir, `db-${++databases}.sqlite`)}`;

describe('confab serve', () => {
  it('on first start with stdout not a terminal, writes the admin token to a file only its owner reads, and logs its path', async () => {
    const server = await serve(freshDatabase());
    try {
      // Announced once the server listens, so possibly just after /health first answers.
      for (const deadline = Date.now() + 5000; !server.output().includes(server.adminTokenFile) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const output = server.output();
      expect(output).not.toMatch(/cfb_/);
      const logged = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line))
        .find((line) => line.adminTokenFile !== undefined);
      expect(logged, output).toMatchObject({ adminTokenFile: server.adminTokenFile, admin: 'admin@confab.local' });
      expect(logged.msg).toContain(server.adminTokenFile);
      expect(statSync(server.adminTokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(server.adminTokenFile, 'utf8').trim();
      const res = await new Client(server.url, `Bearer ${token}`).get('/dev-users.self');
      expect(res.status).toBe(200);
      expect(res.body.dev_user.email).toBe('admin@confab.local');
    } finally {
      await server.stop();
    }
  });

  it('prints no token on later starts', async () => {
    const database = freshDatabase();
    await (await serve(database)).stop();
    const again = await serve(database);
    await again.stop();
    expect(again.output()).not.toContain('Bearer');
  });

  it('keeps every acknowledged write across a SIGKILL', async () => {
    const database = freshDatabase();
    const init = await confab(['init', '--org', 'Durable', '--email', 'ada@example.com', '--json'], { DATABASE_URL: database });
    const { token, user } = JSON.parse(init.stdout);
    const first = await serve(database);
    const client = new Client(first.url, `Bearer ${token}`);
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        client.post('/chats.create', { type: 'dm', users: [user.id], is_default: false, title: `chat ${index}` }),
      ),
    );
    expect(created.every((res) => res.status === 201)).toBe(true);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await serve(database);
    try {
      const after = new Client(second.url, `Bearer ${token}`);
      for (const res of created) {
        const read = await after.get('/chats.get', { id: res.body.chat.id });
        expect(read.status).toBe(200);
        expect(read.body.chat).toEqual(res.body.chat);
      }
    } finally {
      await second.stop();
    }
  });

  it('says what to do about an unsupported DATABASE_URL', async () => {
    const res = await confab(['serve', '--port', '0'], { DATABASE_URL: 'mysql://localhost/x' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('use sqlite:<path>');
  });
});

describe('confab init, users create, tokens create', () => {
  it('sets up an organization, a user and a token that work over the API', async () => {
    const env = { DATABASE_URL: freshDatabase() };
    const init = await confab(['init', '--org', 'Acme', '--email', 'ada@acme.test', '--json'], env);
    expect(init.code).toBe(0);
    const created = JSON.parse(init.stdout);
    expect(created.org).toMatchObject({ name: 'Acme' });
    expect(typeof created.token).toBe('string');
    assertMatchesSchema('user-summary', created.user);
    expect(created.user).toMatchObject({ type: 'dev_user', display_id: 'DEVU-1', email: 'ada@acme.test' });

    const user = await confab(
      ['users', 'create', '--type', 'rev_user', '--email', 'carol@customer.test', '--display-name', 'Carol', '--json'],
      env,
    );
    expect(user.code).toBe(0);
    const { user: carol } = JSON.parse(user.stdout);
    assertMatchesSchema('user-summary', carol);
    expect(carol).toMatchObject({ type: 'rev_user', display_id: 'REVU-1', display_name: 'Carol', state: 'active' });

    const token = await confab(['tokens', 'create', '--user', carol.display_id, '--json'], env);
    expect(token.code).toBe(0);
    const carolToken = JSON.parse(token.stdout).token;

    const server = await serve(env.DATABASE_URL);
    try {
      const chat = await new Client(server.url, `Bearer ${carolToken}`).post('/chats.create', {
        type: 'dm',
        users: [carol.id, created.user.id],
      });
      expect(chat.status).toBe(201);
      const read = await new Client(server.url, created.token).get('/chats.get', { id: chat.body.chat.id });
      expect(read.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('keeps tenants apart when init runs again, and asks which organization is meant', async () => {
    const env = { DATABASE_URL: freshDatabase() };
    expect((await confab(['init', '--org', 'One', '--email', 'a@one.test'], env)).code).toBe(0);
    expect((await confab(['init', '--org', 'Two', '--email', 'a@two.test'], env)).code).toBe(0);
    const ambiguous = await confab(['users', 'create', '--type', 'dev_user', '--email', 'b@x.test', '--display-name', 'B'], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--org');
    const named = await confab(
      ['users', 'create', '--type', 'dev_user', '--email', 'b@two.test', '--display-name', 'B', '--org', 'Two', '--json'],
      env,
    );
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout).user.display_id).toBe('DEVU-2');
  });

  it('explains a failure in one line and exits non-zero', async () => {
    const env = { DATABASE_URL: freshDatabase() };
    await confab(['init', '--org', 'Acme', '--email', 'ada@acme.test'], env);
    const unknown = await confab(['tokens', 'create', '--user', 'DEVU-42'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('confab: user DEVU-42 not found');
    const json = await confab(['tokens', 'create', '--user', 'DEVU-42', '--json'], env);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { type: 'not_found', message: 'user DEVU-42 not found' } });
    const duplicate = await confab(['users', 'create', '--type', 'dev_user', '--email', 'ada@acme.test', '--display-name', 'A'], env);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('reports applied migrations', async () => {
    const env = { DATABASE_URL: freshDatabase() };
    const first = await confab(['migrate', '--json'], env);
    expect(JSON.parse(first.stdout).applied.length).toBeGreaterThan(0);
    const again = await confab(['migrate', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });
  });
});

describe('the confab bin', () => {
  it('runs through npm as installed (shebang, execute bit) and prints the version', async () => {
    // The build in dist/ (pretest); npx finds the checkout's own bin and runs the file directly.
    const checkout = fileURLToPath(new URL('..', import.meta.url));
    const { version } = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8'));
    const { stdout } = await execFileAsync('npx', ['--no-install', 'confab', '--version'], { cwd: checkout });
    expect(stdout.trim()).toBe(version);
  });
});
