/**
 * An example of testing your own DevRev client against Confab's emulator:
 *
 *   confab serve --memory --fixtures fixtures.json --port 0 --json
 *
 * starts an in-memory server loaded from fixtures.json (fixed ids and tokens, so tests can
 * hardcode them) and prints {"url", "ready_ms"}; POST /confab.reset (as an admin: Ada)
 * before each test puts the fixtures back. In your project, run `npx confab …` instead of `node …/main.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DevRevError, SupportChats } from './devrev-client.js';

const CONFAB = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures.json', import.meta.url));

let emulator: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  emulator = spawn(process.execPath, [CONFAB, 'serve', '--memory', '--fixtures', FIXTURES, '--port', '0', '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  baseUrl = await new Promise<string>((resolve, reject) => {
    emulator.stdout!.once('data', (line) => resolve(JSON.parse(String(line)).url));
    emulator.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
});
afterAll(() => void emulator.kill());
beforeEach(async () => {
  const reset = await fetch(`${baseUrl}/confab.reset`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-token-ada', 'content-type': 'application/json' },
    body: '{}',
  });
  if (!reset.ok) throw new Error(`confab.reset answered ${reset.status}: ${await reset.text()}`);
});

// Ids and tokens come straight from fixtures.json.
const ADA = 'don:identity:dvrv-us-1:devo/acme:devu/1';
const GRACE = 'DEVU-2';

describe('SupportChats', () => {
  it('knows who it is', async () => {
    expect(await new SupportChats(baseUrl, 'test-token-ada').whoAmI()).toBe('DEVU-1');
  });

  it('opens the existing default DM rather than a second one', async () => {
    const chat = await new SupportChats(baseUrl, 'test-token-ada').openDm(ADA, GRACE);
    expect(chat.display_id).toBe('CHAN-1');
    expect(chat.title).toBe('Ada and Grace');
  });

  it('renames a chat (a change the next test will not see)', async () => {
    expect(await new SupportChats(baseUrl, 'test-token-ada').rename('CHAN-1', 'Renamed')).toBe('Renamed');
  });

  it('starts each test from the fixtures again', async () => {
    const chat = await new SupportChats(baseUrl, 'test-token-grace').openDm(GRACE, ADA);
    expect(chat.title).toBe('Ada and Grace');
  });

  it('surfaces DevRev errors: another org cannot see the chat', async () => {
    const error = await new SupportChats(baseUrl, 'test-token-hank').rename('CHAN-1', 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DevRevError);
    expect(error).toMatchObject({ status: 404, type: 'not_found' });
  });
});
