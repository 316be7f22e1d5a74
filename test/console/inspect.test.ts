/**
 * The console's developer side, in a real Chromium against a real `confab serve`: tokens
 * (shown once, revoked — and a revoked token's session returns to sign-in), webhook
 * deliveries, the live event feed, health, and emulator mode's reset, act-as and faults.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabApiError, ConfabClient } from '../../src/client/index.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { messageShown, screenshot, send, seriousViolations, signIn } from '../helpers/console-pages.js';
import { Receiver } from '../helpers/receiver.js';

const FIXTURES = fileURLToPath(new URL('../../examples/emulator/fixtures.json', import.meta.url));

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('Inspect', { timeout: 90_000 }, () => {
  let confab: ConfabProcess;
  let ada: ConfabClient;
  let receiver: Receiver;

  beforeAll(async () => {
    confab = await startConfab({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
    ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await confab?.dispose();
  });

  it('creates a token and shows it once; a session on a revoked token returns to sign-in with the reason', async () => {
    const owner = await browser.newPage();
    await signIn(owner.page, confab.url, confab.adminToken);
    await owner.page.goto(`${confab.url}/#/inspect/tokens`);
    await owner.page.getByLabel('Token name').fill('second window');
    await owner.page.getByRole('button', { name: 'Create token' }).click();
    const secret = await owner.page.getByTestId('new-token').innerText();
    expect(secret).toMatch(/^cfb_/);
    await screenshot(owner.page, 'inspect-tokens');
    await owner.page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await owner.page.getByText(secret).count()).toBe(0);

    // Another window signs in with it, then the first revokes it.
    const other = await browser.newPage();
    await signIn(other.page, confab.url, secret);
    const row = owner.page.getByRole('row', { name: /second window/ });
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await owner.page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText('revoked').waitFor();

    // The next thing the other window does gets a 401: back to sign-in, saying why.
    await other.page.getByRole('button', { name: 'New chat' }).click();
    await other.page.getByLabel('API token').waitFor();
    await other.page.getByRole('alert').filter({ hasText: /Signed out: .*revoked/ }).waitFor();
    expect(await other.page.evaluate(() => sessionStorage.getItem('confab.token'))).toBeNull();
    expect(other.page.url()).not.toContain(secret);
    expect(confab.output()).not.toContain(secret);
    await screenshot(other.page, 'signed-out-revoked');
    await owner.context.close();
    await other.context.close();
  });

  it('shows a webhook\'s deliveries: a message sent in the console arrives at the receiver and in the inspector', async () => {
    const self = await ada.devUsers.self();
    const { chat } = await ada.chats.create({ type: 'dm', users: [self.dev_user.id], title: 'Hooks', is_default: false });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/inspect/webhooks`);
    await a.page.getByLabel('Webhook URL').fill(`${receiver.url}/hook`);
    await a.page.getByRole('button', { name: 'Add webhook' }).click();
    await receiver.until(() => receiver.of('verify').length === 1);

    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await a.page.getByLabel('Message', { exact: true }).waitFor();
    // Activation follows the verify answer; messages before it are not delivered.
    const deadline = Date.now() + 10_000;
    while ((await ada.call<{ webhooks: { status: string }[] }>('webhooks.list', {})).webhooks[0]!.status !== 'active') {
      if (Date.now() > deadline) throw new Error('the webhook never became active');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await send(a.page, 'to the webhook');
    await messageShown(a.page, 'to the webhook');
    await receiver.until(() => receiver.of('timeline_entry_created').length === 1, 15_000);

    await a.page.goto(`${confab.url}/#/inspect/webhooks`);
    await a.page.getByRole('button', { name: /^Deliveries of/ }).click();
    const deliveries = a.page.getByRole('region', { name: 'Deliveries' });
    const delivered = deliveries.getByRole('row', { name: /timeline_entry_created\s+succeeded\s+1\s+HTTP 200/ });
    for (let i = 0; i < 40 && (await delivered.count()) === 0; i++) {
      await deliveries.getByRole('button', { name: 'Refresh deliveries' }).click();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await delivered.waitFor();
    await screenshot(a.page, 'inspect-webhooks');
    expect(await seriousViolations(a.page)).toEqual([]);
    await a.context.close();
  });

  it('shows events live in the feed, and the health panel from /metrics', async () => {
    const self = await ada.devUsers.self();
    const { chat } = await ada.chats.create({ type: 'dm', users: [self.dev_user.id], title: 'Feed', is_default: false });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/inspect/events`);
    await a.page.getByText('Stream status: open').waitFor();
    await ada.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'into the feed' });
    await a.page.getByRole('list', { name: 'Events' }).getByText('timeline_entry_created').first().waitFor();
    await a.page.getByRole('list', { name: 'Events' }).locator('summary').first().click();
    await a.page.getByText('into the feed').waitFor();
    await screenshot(a.page, 'inspect-events');

    await a.page.goto(`${confab.url}/#/inspect/health`);
    await a.page.getByText('Requests/s').waitFor();
    await a.page.getByText('Database').waitFor();
    await a.page.locator('.health dd').filter({ hasText: /^\d+(\.\d)?$/ }).first().waitFor({ timeout: 10_000 });
    expect(Number(await a.page.locator('.health div', { hasText: 'Requests in all' }).locator('dd').innerText())).toBeGreaterThan(0);
    await screenshot(a.page, 'inspect-health');
    await a.context.close();
  });
});

describe('Emulator mode', { timeout: 90_000 }, () => {
  let confab: ConfabProcess;
  let ada: ConfabClient;

  beforeAll(async () => {
    confab = await startConfab({ args: ['--memory', '--fixtures', FIXTURES, '--faults'] });
    ada = new ConfabClient({ baseUrl: confab.url, token: 'test-token-ada' });
  });
  afterAll(() => confab?.dispose());

  it('acts as a fixture user with one click', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, 'test-token-ada');
    await a.page.getByText('emulator', { exact: true }).waitFor();
    await a.page.goto(`${confab.url}/#/inspect/users`);
    // The table's rows come after the page: the picture is of the users, not an empty table.
    await a.page.getByRole('table', { name: 'Dev users' }).locator('tbody tr').first().waitFor();
    await screenshot(a.page, 'inspect-users-emulator');
    await a.page.getByRole('button', { name: 'Act as grace' }).click();
    await a.page.locator('.topbar .who').filter({ hasText: 'grace' }).waitFor();
    const token = await a.page.evaluate(() => sessionStorage.getItem('confab.token'));
    expect((await new ConfabClient({ baseUrl: confab.url, token: token! }).devUsers.self()).dev_user.display_name).toBe('grace');
    await a.context.close();
  });

  it('shows a 429 with its countdown, from a fault switched on in the console', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, 'test-token-ada');
    await a.page.goto(`${confab.url}/#/inspect/emulator`);
    await a.page.getByLabel('Operation').fill('timeline-entries.create');
    await a.page.getByLabel('Status').selectOption('429');
    await a.page.getByRole('button', { name: 'Add fault' }).click();
    await a.page.getByRole('button', { name: 'Turn off' }).waitFor();
    await screenshot(a.page, 'inspect-emulator');

    await a.page.goto(`${confab.url}/#/chats/CHAN-1`);
    await send(a.page, 'rate limited');
    const alert = a.page.getByRole('alert').filter({ hasText: 'too_many_requests' });
    await alert.filter({ hasText: /retry in [1-5] s/ }).waitFor();
    // The fault was for one call: the next send goes through.
    await send(a.page, 'rate limited');
    await messageShown(a.page, 'rate limited');
    await a.context.close();
  });

  it('shows the request journal, and saves and restores a snapshot', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, 'test-token-ada');
    await a.page.goto(`${confab.url}/#/chats/CHAN-1`);
    await send(a.page, 'journaled');
    await messageShown(a.page, 'journaled');
    await a.page.goto(`${confab.url}/#/inspect/requests`);
    await a.page.getByLabel('Operation').fill('timeline-entries.create');
    await a.page.getByRole('button', { name: 'Show requests' }).click();
    const requests = a.page.getByRole('list', { name: 'Requests' });
    await requests.locator('summary').filter({ hasText: /201\s+POST\s+timeline-entries\.create/ }).first().click();
    await requests.getByText('"body": "journaled"').first().waitFor();
    await screenshot(a.page, 'inspect-requests');

    await a.page.goto(`${confab.url}/#/inspect/emulator`);
    await a.page.getByLabel('Snapshot name').fill('with-journaled');
    await a.page.getByRole('button', { name: 'Save snapshot' }).click();
    await a.page.getByRole('button', { name: 'Restore with-journaled' }).waitFor();
    const { timeline_entry } = await ada.call<{ timeline_entry: { id: string } }>('timeline-entries.create', {
      type: 'timeline_comment',
      object: 'CHAN-1',
      body: 'after the snapshot',
    });
    await a.page.getByRole('button', { name: 'Restore with-journaled' }).click();
    await a.page.getByRole('status').filter({ hasText: 'Restored snapshot with-journaled' }).waitFor();
    const gone = await ada.call('timeline-entries.get', { id: timeline_entry.id }).catch((error: unknown) => error);
    expect((gone as ConfabApiError).status).toBe(404);
    await a.context.close();
  });

  it('resets to the fixtures from the console', async () => {
    const { timeline_entry } = await ada.call<{ timeline_entry: { id: string } }>('timeline-entries.create', {
      type: 'timeline_comment',
      object: 'CHAN-1',
      body: 'gone after the reset',
    });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, 'test-token-ada');
    await a.page.goto(`${confab.url}/#/inspect/emulator`);
    await a.page.getByRole('button', { name: 'Reset emulator' }).click();
    await a.page.getByRole('status').filter({ hasText: 'Reset to the fixtures' }).waitFor();
    const gone = await ada.call('timeline-entries.get', { id: timeline_entry.id }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ConfabApiError);
    expect((gone as ConfabApiError).status).toBe(404);
    // The fixture tokens work as before: the console stays signed in.
    await a.page.goto(`${confab.url}/#/chats/CHAN-1`);
    await a.page.getByRole('heading', { name: 'Ada and Grace' }).waitFor();
    await a.context.close();
  });

  it('reached nothing but loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
