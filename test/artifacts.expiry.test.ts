/**
 * An artifact prepared and never uploaded is removed once its upload window (the upload
 * link's hour) has passed: nothing could ever fill it, so it would only pile up.
 */
import { describe, expect, it } from 'vitest';
import { png, prepare, uploadForm } from './helpers/artifacts.js';
import { useServer } from './helpers/server.js';

// Retention runs as often as the outbox's retention period: 1 s here, so it can be watched.
const t = useServer({ realtime: { eventRetentionMs: 1000, eventPollMs: 50 } });

const TWO_HOURS_AGO = () => new Date(Date.now() - 2 * 3600_000).toISOString();

async function artifactNumbers(): Promise<number[]> {
  const rows = await t.executeBehindItsBack('SELECT number FROM artifacts ORDER BY number');
  return rows.map((row) => Number(row.number));
}

describe('prepared artifacts never uploaded', () => {
  it('are removed after their upload window; uploaded and recent ones stay', async () => {
    const ada = await t.given.org();
    const stale = await prepare(t, ada, 'stale.png');
    const uploaded = await prepare(t, ada, 'kept.png');
    expect((await uploadForm(uploaded, png())).status).toBe(204);
    // Both prepared two hours ago: one never uploaded, one uploaded in time.
    await t.executeBehindItsBack('UPDATE artifacts SET created_at = ?', [TWO_HOURS_AGO()]);
    const fresh = await prepare(t, ada, 'fresh.png');
    const numberOf = (id: string) => Number(id.split('/').pop());

    const deadline = Date.now() + 15_000;
    while ((await artifactNumbers()).includes(numberOf(stale.id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await artifactNumbers()).toEqual([numberOf(uploaded.id), numberOf(fresh.id)]);
    expect((await t.as(ada).post('/artifacts.get', { id: stale.id })).status).toBe(404);
    expect((await t.as(ada).post('/artifacts.get', { id: uploaded.id })).status).toBe(200);
    // The stale one's link no longer leads anywhere.
    const late = await uploadForm(stale, png());
    expect(late.status).toBe(404);
    expect(late.body.type).toBe('not_found');
  }, 30_000);
});
