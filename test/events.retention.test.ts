import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

// A retention of 1.5 s, so that pruning can be watched; the default is 7 days.
const t = useServer({ realtime: { eventRetentionMs: 1500, eventPollMs: 50 } });

describe('outbox retention', () => {
  it('prunes events older than the retention period, so a resume from long ago starts at what is kept', async () => {
    const ada = await t.given.org();
    const old = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false, title: 'old' });
    expect(old.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const fresh = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false, title: 'fresh' });
    expect(fresh.status).toBe(201);

    const stream = await SseClient.open(`${t.url}/events.stream?last_event_id=0`, { authorization: `Bearer ${ada.token}` });
    try {
      await stream.until(() => stream.events.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stream.events.map((event) => event.data.chat_created.chat.title)).toEqual(['fresh']);
    } finally {
      await stream.close();
    }
  }, 15_000);
});
