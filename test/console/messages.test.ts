/**
 * The console's message view as a chat user meets it, in Chromium against `confab serve`:
 * rows grouped by person and divided by day, actions in a toolbar on hover or focus, links
 * and a safe markdown subset built from tokens (hostile input stays inert), editing by
 * keyboard, Mark unread, and where a chat opens — at the newest message, or on the first
 * unread one however far back it is.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '../../src/client/index.js';
import { hashToken } from '../../src/domain/tokens.js';
import { serializeHeader, serializeRecord, type ExportRecord } from '../../src/portability/format.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { messageShown, screenshot, send, seriousViolations, shownMessages, signIn, until } from '../helpers/console-pages.js';

let confab: ConfabProcess;
let browser: TestBrowser;
let ada: ConfabClient;
let bob: ConfabClient;
let bobId: string;

beforeAll(async () => {
  // Emulator mode (--memory): confab.import can write a chat whose messages span days.
  confab = await startConfab({ args: ['--memory'] });
  ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  const { dev_user } = await ada.call('dev-users.create', { email: 'bob@example.com', display_name: 'Bob', state: 'active' });
  bobId = dev_user.id;
  const issued = await ada.call('auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', act_as: bobId });
  bob = new ConfabClient({ baseUrl: confab.url, token: issued.access_token! });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

async function chatWithBob(title: string): Promise<string> {
  return (await ada.chats.create({ type: 'dm', users: ['DEVU-1', bobId], title, is_default: false })).chat.id;
}

async function post(as: ConfabClient, chat: string, body: string): Promise<string> {
  const { timeline_entry } = await as.call<{ timeline_entry: { id: string } }>('timeline-entries.create', { type: 'timeline_comment', object: chat, body });
  return timeline_entry.id;
}

async function openAsAda(chat: string, viewport?: { width: number; height: number }) {
  const opened = await browser.newPage(viewport);
  await signIn(opened.page, confab.url, confab.adminToken);
  await opened.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat)}`);
  await opened.page.getByLabel('Message', { exact: true }).waitFor();
  return opened;
}

function log(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' });
}

/** The row of the message whose text contains this (or matches it). */
function row(page: Page, text: string | RegExp): Locator {
  return log(page).locator('li.message').filter({ has: page.locator('.message-body', { hasText: text }) });
}

/** How far the log is from its bottom, and whether the element is wholly inside the log's box. */
async function inView(page: Page, element: Locator): Promise<{ fromBottom: number; visible: boolean }> {
  const box = (await element.boundingBox())!;
  const frame = (await log(page).boundingBox())!;
  const fromBottom = await log(page).evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight);
  return { fromBottom, visible: box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1 };
}

describe('the message view', { timeout: 120_000 }, () => {
  it('shows messages as full-width rows, one name and avatar per run of a person\'s messages, with the full time in a tooltip', async () => {
    const chat = await chatWithBob('Rows');
    for (const body of ['morning!', 'coffee?', 'the usual place']) await post(bob, chat, body);
    await post(ada, chat, 'on my way');
    await post(bob, chat, 'great');
    const { page, errors, context } = await openAsAda(chat);
    await messageShown(page, 'great');

    // Three runs: Bob's three, Ada's one, Bob's one.
    expect(await log(page).locator('.message-author').allInnerTexts()).toEqual(['Bob', 'admin', 'Bob']);
    expect(await log(page).locator('li.message .avatar').count()).toBe(3);
    expect(await shownMessages(page)).toEqual(['morning!', 'coffee?', 'the usual place', 'on my way', 'great']);
    // A continued row still says who wrote it, to a screen reader.
    expect(await row(page, 'coffee?').locator('.message-author').count()).toBe(0);
    expect(await row(page, 'coffee?').locator('.visually-hidden').innerText()).toBe('Bob');

    // Rows, not bubbles: each as wide as the log.
    const logWidth = (await log(page).boundingBox())!.width;
    expect((await row(page, 'coffee?').boundingBox())!.width).toBeGreaterThan(logWidth - 20);

    // Every time carries the full date and time in its tooltip.
    const year = String(new Date().getFullYear());
    const titles = await log(page).locator('li.message time').evaluateAll((times) => times.map((time) => time.getAttribute('title') ?? ''));
    expect(titles).toHaveLength(5);
    for (const title of titles) expect(title).toContain(year);

    // People have their own colours: Bob's is not Ada's, and the same on each of his runs.
    const colours = await log(page).locator('li.message .avatar').evaluateAll((avatars) => avatars.map((avatar) => getComputedStyle(avatar).backgroundColor));
    expect(colours[0]).toBe(colours[2]);
    expect(colours[0]).not.toBe(colours[1]);

    // Today's messages sit under a "Today" divider.
    await log(page).getByRole('separator', { name: 'Today' }).waitFor();
    await screenshot(page, 'messages');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('divides days: a date, "Yesterday", "Today"', async () => {
    // An organization of its own, imported with messages three days ago, yesterday and now:
    // past ones at local noon, so that no run near midnight moves them to another day.
    const noon = (daysAgo: number, minutes = 0) => {
      const date = new Date();
      date.setDate(date.getDate() - daysAgo);
      date.setHours(12, minutes, 0, 0);
      return date.toISOString();
    };
    const stamp = noon(4);
    const records: ExportRecord[] = [
      { type: 'org', slug: 'days', name: 'Days', created_at: stamp, sequences: { chat: 1, dev_user: 2, timeline_comment: 4, token: 1 } },
      { type: 'user', org: 'days', id: 'DEVU-1', email: 'dee@days.test', display_name: 'Dee', state: 'active', is_admin: true, created_at: stamp, modified_at: stamp },
      { type: 'user', org: 'days', id: 'DEVU-2', email: 'eli@days.test', display_name: 'Eli', state: 'active', is_admin: false, created_at: stamp, modified_at: stamp },
      { type: 'token', org: 'days', id: 'TKN-1', user: 'DEVU-1', hash: hashToken('cfb_days_dee_token'), created_at: stamp },
      {
        type: 'chat', org: 'days', id: 'CHAN-1', title: 'Days', is_default: false, users: ['DEVU-1', 'DEVU-2'],
        created_by: 'DEVU-1', modified_by: 'DEVU-1', created_at: stamp, modified_at: stamp, activity_at: new Date().toISOString(),
      },
    ];
    const bodies: [string, string][] = [['three days ago', noon(3)], ['yesterday, early', noon(1)], ['yesterday, later', noon(1, 1)], ['just now', new Date().toISOString()]];
    bodies.forEach(([body, at], index) =>
      records.push({
        type: 'timeline_entry', org: 'days', id: `COMMENT-${index + 1}`, chat: 'CHAN-1', body, body_type: 'text', visibility: 'external',
        created_by: 'DEVU-2', modified_by: 'DEVU-2', created_at: at, modified_at: at,
      }),
    );
    const imported = await fetch(`${confab.url}/confab.import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${confab.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: `${[serializeHeader(records.length), ...records.map(serializeRecord)].join('\n')}\n` }),
    });
    expect(imported.status).toBe(200);

    // Read already, so that no "New" marker stands between a divider and its message.
    await new ConfabClient({ baseUrl: confab.url, token: 'cfb_days_dee_token' }).call('chats.mark-read', { id: 'CHAN-1' });
    const { page, context, errors } = await browser.newPage();
    await signIn(page, confab.url, 'cfb_days_dee_token');
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Days/ }).click();
    await messageShown(page, 'just now');
    const dividers = await log(page).locator('.day-divider [role=separator]').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
    const then = new Date(noon(3));
    const otherYear = then.getFullYear() !== new Date().getFullYear();
    const threeDaysAgo = then.toLocaleDateString('en-US', { weekday: 'long', day: 'numeric', month: 'long', ...(otherYear && { year: 'numeric' }) });
    expect(dividers).toEqual([threeDaysAgo, 'Yesterday', 'Today']);
    // The divider sits right above its day's first message, and a new day starts a new run.
    expect(await log(page).locator('.day-divider + li.message .message-body').allInnerTexts()).toEqual(['three days ago', 'yesterday, early', 'just now']);
    expect(await log(page).locator('.message-author').allInnerTexts()).toEqual(['Eli', 'Eli', 'Eli']);
    await screenshot(page, 'messages-days');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('makes http, https, www and mail addresses links that open in a new tab, and never javascript: or data:', async () => {
    const chat = await chatWithBob('Links');
    await post(bob, chat, 'docs at https://example.com/guide?a=1&b=2 and www.example.org, or mail ada@example.com');
    await post(bob, chat, 'javascript:alert(1) [click me](javascript:alert(2)) [data](data:text/html,<script>alert(3)</script>) [vb](vbscript:msgbox(4))');
    await post(bob, chat, '[**bold link**](https://example.net/x) <a href="javascript:alert(5)">raw</a> [rel](/relative/path)');
    const { page, context, errors, dialogs } = await openAsAda(chat);
    await messageShown(page, /bold link/);

    const links = await log(page).locator('.message-body a').evaluateAll((anchors) =>
      anchors.map((a) => ({ text: a.textContent, href: a.getAttribute('href'), target: a.getAttribute('target'), rel: a.getAttribute('rel') })),
    );
    const newTab = { target: '_blank', rel: 'noopener noreferrer' };
    expect(links).toEqual([
      { text: 'https://example.com/guide?a=1&b=2', href: 'https://example.com/guide?a=1&b=2', ...newTab },
      { text: 'www.example.org', href: 'http://www.example.org/', ...newTab },
      { text: 'ada@example.com', href: 'mailto:ada@example.com', ...newTab },
      { text: 'bold link', href: 'https://example.net/x', ...newTab },
    ]);
    expect(await row(page, 'bold link').locator('a strong').innerText()).toBe('bold link');
    // What is not a safe link is shown as written.
    expect(await shownMessages(page)).toEqual([
      'docs at https://example.com/guide?a=1&b=2 and www.example.org, or mail ada@example.com',
      'javascript:alert(1) [click me](javascript:alert(2)) [data](data:text/html,<script>alert(3)</script>) [vb](vbscript:msgbox(4))',
      'bold link <a href="javascript:alert(5)">raw</a> [rel](/relative/path)',
    ]);
    expect(await page.locator('a[href^="javascript"], a[href^="data"], a[href^="vbscript"], .message-body script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('renders a safe markdown subset from tokens, and hostile input stays text', async () => {
    const chat = await chatWithBob('Markdown');
    const longLine = `const answer = ${'"forty-two" + '.repeat(40)}"!";`;
    await post(bob, chat, '**bold**, _italic_, ~~struck~~ and `inline code`');
    await post(bob, chat, `Here:\n\n\`\`\`\n${longLine}\nreturn answer;\n\`\`\``);
    await post(bob, chat, '> quoted words\n\n- one\n- two\n\n1. first\n2. second');
    const hostile = [
      '**<img src=x onerror=alert(1)>**',
      '```\n</code></pre><script>alert(2)</script><img src=x onerror=alert(3)>\n```',
      '![picture](http://127.0.0.1:9/x.png) <svg onload=alert(4)>',
      '`<b>not bold</b>` # not a heading',
      `${'> '.repeat(300)}deep`,
      '<style>body{display:none}</style><iframe src="javascript:alert(5)"></iframe>',
    ];
    for (const body of hostile) await post(bob, chat, body);
    const requests: string[] = [];
    const { page, context, errors, dialogs } = await browser.newPage();
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await signIn(page, confab.url, confab.adminToken);
    await page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat)}`);
    await messageShown(page, 'deep');

    const first = row(page, 'inline code');
    expect(await first.locator('.message-body strong').innerText()).toBe('bold');
    expect(await first.locator('.message-body em').innerText()).toBe('italic');
    expect(await first.locator('.message-body code').innerText()).toBe('inline code');
    expect(await first.locator('.message-body del').innerText()).toBe('struck');
    const quoted = row(page, 'quoted words');
    expect(await quoted.locator('blockquote').innerText()).toBe('quoted words');
    expect(await quoted.locator('ul > li').allInnerTexts()).toEqual(['one', 'two']);
    expect(await quoted.locator('ol > li').allInnerTexts()).toEqual(['first', 'second']);

    // Long code scrolls inside its block; the page does not scroll sideways.
    const code = row(page, 'return answer').locator('pre');
    expect(await code.innerText()).toBe(`${longLine}\nreturn answer;`);
    expect(await code.evaluate((pre) => pre.scrollWidth > pre.clientWidth && getComputedStyle(pre).overflowX === 'auto')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // Hostile input: no element made from it, nothing fetched or run.
    const bodies = log(page).locator('.message-body');
    expect(await bodies.locator('img, script, svg, iframe, style, b, h1').count()).toBe(0);
    expect(await row(page, 'onerror=alert(1)').locator('strong').innerText()).toBe('<img src=x onerror=alert(1)>');
    expect(await row(page, 'alert(2)').locator('pre').innerText()).toBe('</code></pre><script>alert(2)</script><img src=x onerror=alert(3)>');
    expect(await row(page, 'not bold').locator('code').innerText()).toBe('<b>not bold</b>');
    expect(await row(page, 'not bold').innerText()).toContain('# not a heading');
    expect(await row(page, 'picture').innerText()).toContain('![picture](http://127.0.0.1:9/x.png) <svg onload=alert(4)>');
    expect(await row(page, 'iframe').innerText()).toContain('<style>body{display:none}</style><iframe src="javascript:alert(5)"></iframe>');
    // 300 quotes deep is shown, not nested 300 times.
    expect(await row(page, 'deep').locator('blockquote').count()).toBeLessThanOrEqual(8);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dialogs).toEqual([]);
    expect(requests).not.toContain('/x.png');
    expect(requests).not.toContain('/x');
    await code.scrollIntoViewIfNeeded();
    await screenshot(page, 'messages-markdown');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers actions in a toolbar on hover or keyboard focus, named for screen readers', async () => {
    const chat = await chatWithBob('Toolbar');
    await post(bob, chat, 'from Bob');
    await post(ada, chat, 'from Ada');
    const { page, context, errors } = await openAsAda(chat);
    await messageShown(page, 'from Ada');
    const toolbar = (text: string) => row(page, text).getByRole('toolbar', { name: 'Message actions' });
    const names = (text: string) => toolbar(text).getByRole('button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    expect(await names('from Bob')).toEqual(['Add reaction', 'Reply in thread', 'Mark unread']);
    expect(await names('from Ada')).toEqual(['Add reaction', 'Reply in thread', 'Mark unread', 'Edit', 'Delete']);
    // No rows of buttons under the messages: the toolbar shows only on hover or focus.
    const opacity = (text: string) => toolbar(text).evaluate((element) => getComputedStyle(element).opacity);
    await page.mouse.move(0, 0);
    expect(await opacity('from Bob')).toBe('0');
    await row(page, 'from Bob').hover();
    expect(await opacity('from Bob')).toBe('1');
    expect(await opacity('from Ada')).toBe('0');
    await screenshot(page, 'messages-toolbar');

    // By keyboard: the list's toolbars are one Tab stop (the newest message's), arrows move along and between them.
    const focused = () => page.evaluate(() => `${document.activeElement?.closest('li.message')?.querySelector('.message-body')?.textContent}: ${document.activeElement?.getAttribute('aria-label')}`);
    await page.mouse.move(0, 0);
    await log(page).focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('from Ada: Add reaction');
    expect(await opacity('from Ada')).toBe('1');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('from Ada: Reply in thread');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('from Bob: Add reaction');
    expect(await opacity('from Bob')).toBe('1');
    expect(await opacity('from Ada')).toBe('0');
    // Tab leaves the list; Shift+Tab comes back to where it was.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role=log]') === null)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('from Bob: Add reaction');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    expect(await focused()).toBe('from Ada: Delete');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    // The picker takes the keyboard; Escape hands it back to the toolbar.
    await until(async () => (await focused()) === 'from Ada: React with thumbs up');
    await page.keyboard.press('Escape');
    expect(await focused()).toBe('from Ada: Add reaction');
    await page.keyboard.press('Enter');
    await until(async () => (await focused()) === 'from Ada: React with thumbs up');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('from Ada: React with heart');
    await page.keyboard.press('Enter');
    await row(page, 'from Ada').getByRole('button', { name: /^❤️ 1/, pressed: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('edits by keyboard: ↑ in the empty composer, Enter saves, Escape cancels, Shift+Enter a new line; Delete asks first', async () => {
    const chat = await chatWithBob('Editing');
    await post(bob, chat, 'hello Ada');
    const { page, context, errors } = await openAsAda(chat);
    await send(page, 'frist draft');
    await messageShown(page, 'frist draft');

    const composer = page.getByLabel('Message', { exact: true });
    await composer.press('ArrowUp');
    const editBox = page.getByRole('textbox', { name: 'Edit message' });
    await expect(editBox.inputValue()).resolves.toBe('frist draft');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id)).toMatch(/^edit-/);
    // Full width: the box spans the message's column.
    const rowWidth = (await row(page, 'hello Ada').boundingBox())!.width;
    expect((await editBox.boundingBox())!.width).toBeGreaterThan(rowWidth * 0.8);
    await screenshot(page, 'messages-edit');
    // Escape cancels, and the keyboard is back in the composer.
    await editBox.press('Escape');
    await editBox.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-message');
    expect(await shownMessages(page)).toEqual(['hello Ada', 'frist draft']);

    // Shift+Enter a new line, Enter saves.
    await composer.press('ArrowUp');
    await editBox.fill('first draft');
    await editBox.press('Shift+Enter');
    await editBox.pressSequentially('second line');
    await editBox.press('Enter');
    await editBox.waitFor({ state: 'detached' });
    await messageShown(page, /first draft\s+second line/);
    const { timeline_entries } = await ada.call<{ timeline_entries: { body?: string }[] }>('timeline-entries.list', { object: chat });
    expect(timeline_entries[0]!.body).toBe('first draft\nsecond line');
    await row(page, 'second line').getByText('(edited)').waitFor();

    // ↑ with text in the composer is the caret's, not an edit.
    await composer.fill('typing');
    await composer.press('ArrowUp');
    expect(await editBox.count()).toBe(0);
    await composer.fill('');

    // Delete asks; Cancel keeps the message, Delete deletes it.
    const mine = row(page, 'second line');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete message' });
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('first draft');
    await screenshot(page, 'messages-delete');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await ada.call<{ timeline_entries: { body?: string }[] }>('timeline-entries.list', { object: chat })).timeline_entries[0]!.body).toBe('first draft\nsecond line');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await messageShown(page, 'message deleted');
    expect((await ada.call<{ timeline_entries: { body?: string }[] }>('timeline-entries.list', { object: chat })).timeline_entries[0]!.body).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('edits one\'s last reply with ↑ in the thread\'s empty Reply box', async () => {
    const chat = await chatWithBob('Thread edits');
    const root = await post(bob, chat, 'plan for friday?');
    await post(ada, root, 'lunch at noen');
    const { page, context, errors } = await openAsAda(chat);
    await row(page, 'plan for friday?').getByRole('button', { name: '1 reply' }).click();
    const thread = page.getByRole('complementary', { name: 'Thread' });
    await thread.getByRole('log', { name: 'Replies' }).getByText('lunch at noen').waitFor();
    await thread.getByLabel('Reply', { exact: true }).press('ArrowUp');
    const editBox = thread.getByRole('textbox', { name: 'Edit message' });
    await expect(editBox.inputValue()).resolves.toBe('lunch at noen');
    await editBox.fill('lunch at noon');
    await editBox.press('Enter');
    await thread.getByRole('log', { name: 'Replies' }).getByText('lunch at noon').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-reply');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a chat unread from a message: the badge comes back and the marker moves above it', async () => {
    const chat = await chatWithBob('Mark me');
    for (const body of ['one', 'two', 'three']) await post(bob, chat, body);
    const { page, context, errors } = await openAsAda(chat);
    await messageShown(page, 'three');
    const unread = async () =>
      (await ada.call<{ chats: { chat: { id: string }; unread_count: number }[] }>('chats.list', {})).chats.find((item) => item.chat.id === chat)!.unread_count;
    await until(async () => (await unread()) === 0);

    await row(page, 'two').hover();
    await row(page, 'two').getByRole('button', { name: 'Mark unread' }).click();
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Mark me/ }).getByLabel('2 unread').waitFor();
    expect(await unread()).toBe(2);
    await log(page).getByRole('separator', { name: 'New messages' }).waitFor();
    expect(await page.locator('.unread-marker + li .message-body').innerText()).toBe('two');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a chat at its newest message, not short of it by the "New" marker (1, 2 and 5 unread; 1280 and 375 px)', async () => {
    const chats: { id: string; firstUnread: string; newest: string }[] = [];
    for (const count of [1, 2, 5]) {
      const id = await chatWithBob(`Bottom ${count}`);
      for (let i = 1; i <= 40; i++) await post(i % 2 ? ada : bob, id, `earlier ${i}`);
      let firstUnread = '';
      for (let i = 1; i <= count; i++) {
        const entry = await post(bob, id, `unread ${i} of ${count}`);
        firstUnread ||= entry;
      }
      chats.push({ id, firstUnread, newest: `unread ${count} of ${count}` });
    }
    for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 740 }]) {
      for (const chat of chats) {
        // Unread again for this viewport: the last one opened it.
        await ada.call('chats.mark-unread', { id: chat.id, entry: chat.firstUnread });
        const { page, context, errors } = await openAsAda(chat.id, viewport);
        await messageShown(page, chat.newest);
        await log(page).getByRole('separator', { name: 'New messages' }).waitFor();
        await until(async () => (await inView(page, row(page, chat.newest))).fromBottom <= 1, 3000).catch(() => undefined);
        const newest = await inView(page, row(page, chat.newest));
        expect({ viewport: viewport.width, chat: chat.newest, ...newest }).toEqual({ viewport: viewport.width, chat: chat.newest, fromBottom: expect.any(Number), visible: true });
        expect(newest.fromBottom).toBeLessThanOrEqual(1);
        expect((await inView(page, log(page).locator('.unread-marker'))).visible).toBe(true);
        if (chat === chats[2] && viewport.width === 375) await screenshot(page, 'messages-open-unread-375');
        expect(errors).toEqual([]);
        await context.close();
      }
    }
  });

  it('opens a chat with 279 unread on the first of them, offers "Jump to first unread" and "New messages ↓"', async () => {
    const chat = await chatWithBob('Backlog');
    for (let i = 1; i <= 20; i++) await post(ada, chat, `read ${i}`);
    for (let i = 1; i <= 279; i++) await post(bob, chat, `backlog ${i}`);
    const { page, context, errors } = await openAsAda(chat);
    const marker = log(page).locator('.unread-marker');
    await marker.waitFor();
    // Pages were loaded back to it, and the view landed on it.
    expect(await page.locator('.unread-marker + li .message-body').innerText()).toBe('backlog 1');
    await until(async () => (await inView(page, marker)).visible);
    expect((await inView(page, row(page, /^backlog 1$/))).visible).toBe(true);
    expect(await page.getByRole('button', { name: 'Jump to first unread' }).count()).toBe(0);
    await screenshot(page, 'messages-first-unread');

    // Down at the newest, the marker is off screen: a control brings it back.
    await log(page).evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    const jump = page.getByRole('button', { name: 'Jump to first unread' });
    await jump.waitFor();

    // At the bottom, a new message keeps the view there; scrolled up, it is announced.
    await post(bob, chat, 'live at the bottom');
    await messageShown(page, 'live at the bottom');
    await until(async () => (await inView(page, row(page, 'live at the bottom'))).fromBottom <= 1);
    expect(await page.getByRole('button', { name: 'New messages ↓' }).count()).toBe(0);
    await log(page).evaluate((list) => list.scrollBy({ top: -1500 }));
    await post(bob, chat, 'live while scrolled up');
    const below = page.getByRole('button', { name: 'New messages ↓' });
    await below.waitFor();
    expect((await inView(page, row(page, 'live while scrolled up'))).visible).toBe(false);
    await screenshot(page, 'messages-new-below');
    await below.click();
    await until(async () => (await inView(page, row(page, 'live while scrolled up'))).visible);
    await below.waitFor({ state: 'detached' });

    await jump.click();
    await until(async () => (await inView(page, marker)).visible);
    await jump.waitFor({ state: 'detached' });
    expect(await shownMessages(page)).toHaveLength(301);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a 375 px screen, with no serious or critical axe-core findings', async () => {
    const chat = await chatWithBob('Phone');
    await post(bob, chat, 'a **short** one with https://example.com/a/very/long/path/that/goes/on/and/on/and/on');
    await post(bob, chat, '```\nconst wide = "a code line far wider than any phone screen can show at once";\n```');
    await post(ada, chat, '> quoted\n\nand a reply');
    const { page, context, errors } = await openAsAda(chat, { width: 375, height: 740 });
    await messageShown(page, 'and a reply');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await row(page, 'and a reply').hover();
    await screenshot(page, 'messages-375');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reached nothing but loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
