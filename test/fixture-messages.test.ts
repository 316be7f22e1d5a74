import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FixtureError, parseFixtures, type Fixtures } from '../src/emulator/index.js';
import { DEFAULT_OVERLOAD } from '../src/http/overload.js';
import { startServer } from '../src/server.js';
import { Client, useEmulator } from './helpers/server.js';

const MEMORY = { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', logLevel: 'silent' };
// The server shares its event loop with the tests on a loaded machine: no load shedding.
const NO_OVERLOAD = { overload: { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0, maxHeapFraction: 1 } };
const quiet = pino({ level: 'silent' });

const fixtures = (messages: unknown[]): Fixtures =>
  parseFixtures({
    organizations: [
      {
        name: 'Acme',
        users: [
          { ref: 'ada', type: 'dev_user', email: 'ada@acme.test', admin: true },
          { ref: 'grace', type: 'dev_user', email: 'grace@acme.test' },
          { ref: 'hank', type: 'dev_user', email: 'hank@acme.test' },
        ],
        chats: [{ ref: 'dm', users: ['ada', 'grace'] }],
        messages,
        tokens: [{ user: 'ada', value: 'messages-token-ada' }],
      },
    ],
  });

describe('fixture messages', () => {
  const server = useEmulator(
    fixtures([
      { chat: 'dm', author: 'ada', body: 'Hello Grace' },
      { chat: 'dm', author: 'grace', body: 'Hi Ada', external_ref: 'msg-2', labels: ['greeting'] },
    ]),
  );

  it('are in the chat, in file order, by their authors, and come back after a reset', async () => {
    const ada = new Client(server.url, 'Bearer messages-token-ada');
    await ada.post('/timeline-entries.create', { object: 'CHAN-1', type: 'timeline_comment', body: 'later' });
    expect((await ada.post('/confab.reset', {})).status).toBe(200);
    const list = await ada.get('/timeline-entries.list', { object: 'CHAN-1' });
    expect(list.status).toBe(200);
    const entries = list.body.timeline_entries;
    expect(entries.map((entry: { body: string }) => entry.body)).toEqual(['Hi Ada', 'Hello Grace']);
    expect(entries[0]).toMatchObject({ external_ref: 'msg-2', created_by: { display_id: 'DEVU-2' } });
  });
});

describe('bad fixture messages', () => {
  async function loadError(messages: unknown[]): Promise<string> {
    try {
      const server = await startServer(MEMORY, quiet, { fixtures: fixtures(messages), ...NO_OVERLOAD });
      await server.close();
    } catch (error) {
      expect(error).toBeInstanceOf(FixtureError);
      return (error as Error).message;
    }
    throw new Error('the fixtures loaded');
  }

  it('names a chat ref that does not exist', async () => {
    expect(await loadError([{ chat: 'nope', author: 'ada', body: 'x' }])).toMatch(/organizations\[0\]\.messages\[0\]\.chat: no chat with ref 'nope'/);
  });

  it('names an author who is not a member of the chat', async () => {
    expect(await loadError([{ chat: 'dm', author: 'hank', body: 'x' }])).toMatch(/organizations\[0\]\.messages\[0\]: /);
  });

  it('names an external_ref used twice in a chat', async () => {
    const message = { chat: 'dm', author: 'ada', body: 'x', external_ref: 'same' };
    expect(await loadError([message, message])).toMatch(/organizations\[0\]\.messages\[1\]: /);
  });

  it('refuses an unknown field', () => {
    expect(() => fixtures([{ chat: 'dm', author: 'ada', body: 'x', colour: 'red' }])).toThrow(/messages\[0\] has an unknown field 'colour'/);
  });
});
