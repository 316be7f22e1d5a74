/** What `confab serve` prints: the console's URL beside the first token, and its log format. */
import { describe, expect, it } from 'vitest';
import { chooseLogFormat } from '../../src/cli/logger.js';
import { startConfab } from '../helpers/confab-process.js';

describe('confab serve', { timeout: 60_000 }, () => {
  it('writes the first token to a file when not on a terminal, and logs where it is and the web console\'s URL as JSON', async () => {
    const confab = await startConfab({ env: { LOG_LEVEL: 'info' } });
    try {
      expect(confab.adminToken).toMatch(/^cfb_/);
      expect(confab.output()).not.toContain(confab.adminToken);
      const lines = confab.output().split('\n');
      const firstStart = JSON.parse(lines.find((line) => line.includes('First start'))!);
      expect(firstStart).toMatchObject({ level: 40, adminTokenFile: confab.adminTokenFile, console: `${confab.url}/` });
      const listening = lines.find((line) => line.includes('Server listening'))!;
      expect(JSON.parse(listening)).toMatchObject({ level: 30, msg: expect.stringContaining('Server listening') });
    } finally {
      await confab.dispose();
    }
  });

  it('logs one readable line per event with LOG_FORMAT=pretty, and never the token', async () => {
    const confab = await startConfab({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' } });
    try {
      // Any answer will do (a loaded machine may get a 503 from overload protection): the line is the point.
      await fetch(`${confab.url}/dev-users.self`, { headers: { authorization: `Bearer ${confab.adminToken}` } });
      const deadline = Date.now() + 10_000;
      while (!confab.output().includes('GET /dev-users.self') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const lines = confab.output().split('\n');
      const request = lines.find((line) => line.includes('GET /dev-users.self'))!;
      expect(request).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/dev-users.self → \d{3} in \d+ ms \(req [0-9a-f-]{36}\)$/);
      expect(() => JSON.parse(request)).toThrow();
      // In its file, for the person; never in a log line.
      expect(confab.adminToken).toMatch(/^cfb_/);
      expect(lines.filter((line) => line.includes(confab.adminToken))).toEqual([]);
    } finally {
      await confab.dispose();
    }
  });

  it('chooses readable logs on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat({}, true)).toBe('pretty');
    expect(chooseLogFormat({}, false)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });
});
