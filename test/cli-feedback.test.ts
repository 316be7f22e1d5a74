import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationProvider } from '../src/store/migrations/index.js';

function confab(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/bundle/cli.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('command-line feedback', () => {
  it('confab migrate reports progress on stderr and the result on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-cli-'));
    const result = await confab(['migrate', '--database-url', `sqlite:${join(dir, 'db')}`]);
    expect(result.code).toBe(0);
    const total = Object.keys(await migrationProvider('sqlite').getMigrations()).length;
    expect(result.stderr).toMatch(new RegExp(`^applying migrations: ${total}/${total} \\(100%\\) in \\d+ ms$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^Applied ${total} migration\\(s\\): 0001_init, `, 'm'));
    const again = await confab(['migrate', '--database-url', `sqlite:${join(dir, 'db')}`]);
    expect(again.stdout).toBe('The database is up to date.\n');
  });

  it('a busy port is one line that says how to pick another, exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await confab(['serve', '--memory', '--port', String(port)], { LOG_LEVEL: 'silent' });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`confab: port ${port} on 127.0.0.1 is already in use: stop the other server, or pick another port with --port (or PORT)\n`);
    } finally {
      blocker.close();
    }
  });

  it('an unreadable fixtures file names the flag to check', async () => {
    const result = await confab(['serve', '--memory', '--fixtures', '/nonexistent/fixtures.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^confab: cannot read fixtures file \/nonexistent\/fixtures\.json: .*; check the --fixtures path\n$/);
  });
});
