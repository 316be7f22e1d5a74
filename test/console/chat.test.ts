/**
 * The web console as people use it, in a real Chromium against a real `confab serve`:
 * two people in two browser contexts chat live, history pages in as they scroll, a
 * server restart loses and doubles nothing, and message bodies are only ever text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '../../src/client/index.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { messageShown, openChat, screenshot, send, seriousViolations, shownMessages, signIn, until } from '../helpers/console-pages.js';

let confab: ConfabProcess;
let browser: TestBrowser;
let bobToken: string;
let ada: ConfabClient;
let bob: ConfabClient;

beforeAll(async () => {
  // Presence turns offline 1.5 s after a person's last window closes (30 s by default).
  confab = await startConfab({ env: { PRESENCE_OFFLINE_AFTER_MS: '1500' } });
  // As the README tells a newcomer: a second user and their token, from the command line.
  const created = await confab.cli(['users', 'create', '--type', 'dev_user', '--email', 'bob@example.com', '--display-name', 'Bob', '--json']);
  expect(created.code).toBe(0);
  const issued = await confab.cli(['tokens', 'create', '--user', JSON.parse(created.stdout).user.display_id, '--json']);
  bobToken = JSON.parse(issued.stdout).token;
  ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  bob = new ConfabClient({ baseUrl: confab.url, token: bobToken });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

describe('the console', { timeout: 90_000 }, () => {
  it('is served at / with a CSP that allows only its own scripts and origin', async () => {
    const page = await fetch(`${confab.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    const script = /src="(\/assets\/index-[A-Za-z0-9_-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${confab.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // API paths stay as they are, and unknown ones are still DevRev 404s.
    expect((await fetch(`${confab.url}/nope`)).status).toBe(404);
    expect(await (await fetch(`${confab.url}/nope`)).json()).toMatchObject({ type: 'not_found' });
  });

  it('/docs carries Confab\'s name, not the framework\'s logo', async () => {
    const html = await (await fetch(`${confab.url}/docs/static/index.html`)).text();
    expect(html).toContain('<title>Confab API reference</title>');
    const initializer = await (await fetch(`${confab.url}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('data:image/svg+xml;base64,');
    expect(Buffer.from(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer)![1]!, 'base64').toString()).toContain('Confab');
  });

  it('two people chat live: a new DM appears with an unread badge, messages arrive without a reload', async () => {
    const a = await browser.newPage();
    const b = await browser.newPage();
    await a.page.goto(`${confab.url}/`);
    await screenshot(a.page, 'sign-in');
    await signIn(a.page, confab.url, confab.adminToken);
    await signIn(b.page, confab.url, bobToken);

    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('checkbox', { name: /Bob/ }).check();
    await screenshot(a.page, 'new-chat');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await a.page.getByLabel('Message', { exact: true }).waitFor();
    await send(a.page, 'Hi Bob! Welcome to Confab.');
    await messageShown(a.page, 'Hi Bob! Welcome to Confab.');

    // Bob's list gets the chat and the message live, with one unread.
    const bobsChats = b.page.getByRole('navigation', { name: 'Chats' });
    await bobsChats.getByRole('link', { name: /admin/ }).waitFor();
    await bobsChats.getByLabel('1 unread').waitFor();
    await expect(bobsChats.getByRole('link', { name: /admin/ }).innerText()).resolves.toContain('Hi Bob! Welcome to Confab.');
    await screenshot(b.page, 'chat-list-unread');
    await openChat(b.page, 'admin');
    await messageShown(b.page, 'Hi Bob! Welcome to Confab.');
    expect(await bobsChats.getByLabel('1 unread').count()).toBe(0);

    await send(a.page, 'One more thing');
    await messageShown(b.page, 'One more thing');

    // Shift+Enter is a new line; Enter sends.
    const box = b.page.getByLabel('Message', { exact: true });
    await box.fill('Thanks!');
    await box.press('Shift+Enter');
    await box.type('Glad to be here.');
    await box.press('Enter');
    await messageShown(a.page, /Thanks!\s+Glad to be here\./);
    expect(await shownMessages(a.page)).toEqual(['Hi Bob! Welcome to Confab.', 'One more thing', 'Thanks!\nGlad to be here.']);
    expect(await b.page.getByLabel('Message', { exact: true }).inputValue()).toBe('');
    await screenshot(a.page, 'chat');

    // The Send button does the same as Enter.
    await a.page.getByLabel('Message', { exact: true }).fill('Sent with the button');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await messageShown(b.page, 'Sent with the button');

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('edits and deletes one\'s own messages, and the other person sees both live', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Edits', is_default: false });
    const a = await browser.newPage();
    const b = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await signIn(b.page, confab.url, bobToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await b.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await a.page.getByLabel('Message', { exact: true }).waitFor();
    await b.page.getByLabel('Message', { exact: true }).waitFor();
    await send(a.page, 'tpyo here');
    await messageShown(b.page, 'tpyo here');
    // Only one's own messages can be edited or deleted.
    const bobsRow = b.page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'tpyo here' });
    await bobsRow.hover();
    expect(await bobsRow.getByRole('toolbar', { name: 'Message actions' }).getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')))).toEqual([
      'Add reaction',
      'Reply in thread',
      'Mark unread',
    ]);

    const adasRow = a.page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'tpyo here' });
    await adasRow.hover();
    await adasRow.getByRole('button', { name: 'Edit', exact: true }).click();
    await a.page.getByLabel('Edit message').fill('typo here');
    await a.page.getByRole('button', { name: 'Save' }).click();
    await messageShown(b.page, 'typo here');
    await b.page.getByText('(edited)').waitFor();

    const editedRow = a.page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'typo here' });
    await editedRow.hover();
    await editedRow.getByRole('button', { name: 'Delete', exact: true }).click();
    await a.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click();
    await messageShown(b.page, 'message deleted');
    expect(await shownMessages(b.page)).toEqual(['message deleted']);
    await a.context.close();
    await b.context.close();
  });

  it('renames a chat', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Old name', is_default: false });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await a.page.getByRole('button', { name: 'Rename' }).click();
    await a.page.getByLabel('Chat title').fill('New name');
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.getByRole('heading', { name: 'New name' }).waitFor();
    expect((await ada.chats.get({ id: chat.id })).chat.title).toBe('New name');
    await a.context.close();
  });

  it('reactions round-trip: one reacts, the other sees the count live, adds theirs, sees who reacted', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Reactions', is_default: false });
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'ship it?' });
    const a = await browser.newPage();
    const b = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await signIn(b.page, confab.url, bobToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await b.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await messageShown(a.page, 'ship it?');
    await messageShown(b.page, 'ship it?');

    await a.page.getByRole('button', { name: 'Add reaction' }).click();
    await a.page.getByRole('button', { name: 'React with thumbs up' }).click();
    await a.page.getByRole('button', { name: /^👍 1/, pressed: true }).waitFor();
    const bobsThumb = b.page.getByRole('button', { name: /^👍 1/, pressed: false });
    await bobsThumb.waitFor();
    await bobsThumb.focus();
    await b.page.getByRole('button', { name: '👍 1: admin' }).waitFor();
    await bobsThumb.click();
    await b.page.getByRole('button', { name: /^👍 2/, pressed: true }).waitFor();
    await a.page.getByRole('button', { name: /^👍 2/, pressed: true }).waitFor();
    await screenshot(b.page, 'reactions');

    await a.page.getByRole('button', { name: /^👍 2/ }).click();
    await b.page.getByRole('button', { name: /^👍 1/, pressed: true }).waitFor();
    const { timeline_entry } = await ada.call<{ timeline_entry: { reactions: { emoji: string; total_users: number; reacted?: boolean }[] } }>(
      'timeline-entries.get',
      { id: (await ada.call<{ timeline_entries: { id: string }[] }>('timeline-entries.list', { object: chat.id })).timeline_entries[0]!.id },
    );
    expect(timeline_entry.reactions).toEqual([{ emoji: '1f44d', total_users: 1, reacted: false }]);
    await a.context.close();
    await b.context.close();
  });

  it('threads round-trip in a side panel: a reply shows in the thread, the count on the message, live for both', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Threads', is_default: false });
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'release notes?' });
    const a = await browser.newPage();
    const b = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await signIn(b.page, confab.url, bobToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await b.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await messageShown(a.page, 'release notes?');
    await messageShown(b.page, 'release notes?');

    await a.page.getByRole('button', { name: 'Reply in thread' }).click();
    const adasThread = a.page.getByRole('complementary', { name: 'Thread' });
    await adasThread.getByLabel('Reply', { exact: true }).fill('drafting them now');
    await adasThread.getByLabel('Reply', { exact: true }).press('Enter');
    await adasThread.getByRole('log', { name: 'Replies' }).getByText('drafting them now').waitFor();
    // The reply is in the thread, not in the chat; the chat's message counts it.
    await b.page.getByRole('button', { name: '1 reply' }).click();
    const bobsThread = b.page.getByRole('complementary', { name: 'Thread' });
    await bobsThread.getByRole('log', { name: 'Replies' }).getByText('drafting them now').waitFor();
    await bobsThread.getByLabel('Reply', { exact: true }).fill('thanks!');
    await bobsThread.getByRole('button', { name: 'Send reply' }).click();
    await adasThread.getByRole('log', { name: 'Replies' }).getByText('thanks!').waitFor();
    await a.page.getByRole('log', { name: 'Messages' }).getByRole('button', { name: '2 replies' }).waitFor();
    expect(await shownMessages(a.page)).toEqual(['release notes?', 'release notes?', 'drafting them now', 'thanks!']);
    expect(await a.page.getByRole('log', { name: 'Messages' }).locator('.message-body').allInnerTexts()).toEqual(['release notes?']);
    await screenshot(a.page, 'thread');
    expect(await seriousViolations(a.page)).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('shows who is online with a dot beside them, live, and who is typing', async () => {
    // Two people who have never opened the console: offline until they do.
    const person = async (name: string) => {
      const { dev_user } = await ada.call('dev-users.create', { email: `${name.toLowerCase()}@example.com`, display_name: name, state: 'active' });
      const issued = await ada.call('auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', act_as: dev_user.id });
      return { id: dev_user.id, token: issued.access_token! };
    };
    const [cleo, dan] = [await person('Cleo'), await person('Dan')];
    const { chat } = await new ConfabClient({ baseUrl: confab.url, token: cleo.token }).chats.create({ type: 'dm', users: [cleo.id, dan.id], is_default: false });

    const d = await browser.newPage();
    await signIn(d.page, confab.url, dan.token);
    const row = d.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Cleo/ });
    await row.getByRole('img', { name: 'offline' }).waitFor();
    await row.click();
    const cleoInHeader = d.page.getByRole('list', { name: 'Members' }).locator('li[title="Cleo"]');
    await cleoInHeader.getByRole('img', { name: 'offline' }).waitFor();
    // Dan is not told about himself.
    expect(await d.page.getByRole('list', { name: 'Members' }).locator('li[title="Dan"]').getByRole('img').count()).toBe(0);

    // Cleo signs in: her dot turns green in Dan's list and in the chat's header, without a reload.
    const c = await browser.newPage();
    await signIn(c.page, confab.url, cleo.token);
    await row.getByRole('img', { name: 'online' }).waitFor();
    await cleoInHeader.getByRole('img', { name: 'online' }).waitFor();

    // She types: Dan sees it.
    await c.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await c.page.getByLabel('Message', { exact: true }).pressSequentially('on my w');
    await d.page.getByText('Cleo is typing…').waitFor();
    await screenshot(d.page, 'presence-typing');
    expect(await seriousViolations(d.page)).toEqual([]);

    // She leaves: a moment later, she is offline again.
    await c.context.close();
    await row.getByRole('img', { name: 'offline' }).waitFor();
    expect(d.errors).toEqual([]);
    await d.context.close();
  });

  it('shows unread counts from chats.list, a "New messages" marker on opening, and marks the chat read', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Unread', is_default: false });
    await ada.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'seen before' });
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'unread one' });
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'unread two' });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    const row = a.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Unread/ });
    await row.getByLabel('2 unread').waitFor();
    await row.click();
    await messageShown(a.page, 'unread two');
    const marker = a.page.getByRole('separator', { name: 'New messages' });
    await marker.waitFor();
    // The marker sits right above the first unread message.
    expect(await a.page.locator('.unread-marker + li .message-body').innerText()).toBe('unread one');
    const unread = async () =>
      (await ada.call<{ chats: { chat: { id: string }; unread_count: number }[] }>('chats.list', {})).chats.find((item) => item.chat.id === chat.id)!
        .unread_count;
    await until(async () => (await unread()) === 0);
    expect(await row.getByLabel(/unread/).count()).toBe(0);
    await a.context.close();
  });

  it('renders message bodies as text: HTML and scripts in a message are shown, never run', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'XSS', is_default: false });
    const bodies = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '<a href="javascript:alert(3)">click</a>'];
    for (const body of bodies) await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
    const a = await browser.newPage();
    const requests: string[] = [];
    a.page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await messageShown(a.page, '<a href="javascript:alert(3)">click</a>');
    // And live, too.
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: '<img src=x onerror=alert(4)>' });
    await until(async () => (await shownMessages(a.page)).length === 4);
    expect(await shownMessages(a.page)).toEqual([...bodies, '<img src=x onerror=alert(4)>']);
    expect(await a.page.locator('.message-list img, .message-list script, .message-list a[href^="javascript"]').count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.dialogs).toEqual([]);
    expect(requests).not.toContain('/x');
    await screenshot(a.page, 'xss-inert');
    await a.context.close();
  });

  it('pages older history in as the person scrolls up, each message once and in order', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Long history', is_default: false });
    const posted: string[] = [];
    for (let i = 1; i <= 75; i++) {
      posted.push(`message ${i}`);
      await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: `message ${i}` });
    }
    // Read already: the chat opens at the newest page (with unread, it would page back to the first of them).
    await ada.call('chats.mark-read', { id: chat.id });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await messageShown(a.page, 'message 75');
    expect((await shownMessages(a.page)).length).toBe(30);
    for (let i = 0; i < 10 && (await shownMessages(a.page)).length < 75; i++) {
      await a.page.locator('.message-list').evaluate((element) => {
        element.scrollTop = 0;
        element.dispatchEvent(new Event('scroll'));
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(await shownMessages(a.page)).toEqual(posted);
    await a.context.close();
  });

  it('survives a server restart mid-chat: "reconnecting", then every missed message once', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Restart', is_default: false });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await a.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'before' });
    await messageShown(a.page, 'before');

    await confab.stop();
    await a.page.getByRole('status').filter({ hasText: 'reconnecting' }).waitFor();
    await screenshot(a.page, 'reconnecting');
    await confab.start();
    // Written the moment the server is back, racing the console's reconnect.
    for (const body of ['during 1', 'during 2', 'during 3']) {
      await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
    }
    await messageShown(a.page, 'during 3', 20_000);
    await a.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await send(a.page, 'after');
    await messageShown(a.page, 'after');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await shownMessages(a.page)).toEqual(['before', 'during 1', 'during 2', 'during 3', 'after']);
    await a.context.close();
  });

  it('works by keyboard alone', async () => {
    const a = await browser.newPage();
    await a.page.goto(`${confab.url}/`);
    await a.page.keyboard.press('Tab');
    expect(await a.page.evaluate(() => document.activeElement?.id)).toBe('api-token');
    await a.page.keyboard.type(confab.adminToken);
    await a.page.keyboard.press('Enter');
    await a.page.getByRole('navigation', { name: 'Chats' }).waitFor();
    // Tab to New chat, open the picker, pick Bob, start (or reopen) the DM.
    for (let i = 0; i < 15 && (await a.page.evaluate(() => document.activeElement?.textContent)) !== 'New chat'; i++) {
      await a.page.keyboard.press('Tab');
    }
    await a.page.keyboard.press('Enter');
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('checkbox', { name: /Bob/ }).waitFor();
    expect(await a.page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await a.context.close();
  });

  it('has no serious or critical axe-core findings, and fits 375 px and 1280 px screens', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Screens', is_default: false });
    await bob.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'Sent with the button' });
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const a = await browser.newPage(viewport);
      await a.page.goto(`${confab.url}/`);
      expect(await seriousViolations(a.page)).toEqual([]);
      await signIn(a.page, confab.url, confab.adminToken);
      expect(await seriousViolations(a.page)).toEqual([]);
      await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
      await messageShown(a.page, 'Sent with the button');
      expect(await seriousViolations(a.page)).toEqual([]);
      const overflow = await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      if (viewport.width === 375) await screenshot(a.page, 'chat-375');
      await a.page.goto(`${confab.url}/#/inspect/users`);
      await a.page.getByRole('table').waitFor();
      expect(await seriousViolations(a.page)).toEqual([]);
      await a.context.close();
    }
  });

  it('reached nothing but loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
