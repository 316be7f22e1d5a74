/**
 * The console's shell, in a real Chromium against a real `confab serve`: the top bar and
 * its menu, tokens without self-lockout, what a non-admin is offered, error bars that go
 * away, unread in the tab's title and favicon, desktop notifications, members (add,
 * leave), "Mark all read", dark mode, keyboard shortcuts, empty states, 375 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '../../src/client/index.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { messageShown, openChat, screenshot, seriousViolations, signIn, until } from '../helpers/console-pages.js';

let confab: ConfabProcess;
let browser: TestBrowser;
let ada: ConfabClient;
let adaId: string;
const people: Record<string, { id: string; token: string; client: ConfabClient }> = {};

beforeAll(async () => {
  confab = await startConfab({ env: { PRESENCE_OFFLINE_AFTER_MS: '1500' } });
  ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  adaId = (await ada.devUsers.self()).dev_user.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

/** A person made as the README says (the command line), with their token. */
async function person(name: string) {
  const created = await confab.cli(['users', 'create', '--type', 'dev_user', '--email', `${name.toLowerCase()}@example.com`, '--display-name', name, '--json']);
  expect(created.code).toBe(0);
  const user = JSON.parse(created.stdout).user;
  const issued = await confab.cli(['tokens', 'create', '--user', user.display_id, '--json']);
  const token = JSON.parse(issued.stdout).token as string;
  people[name] = { id: user.id, token, client: new ConfabClient({ baseUrl: confab.url, token }) };
  return people[name]!;
}

async function openMenu(page: Page): Promise<void> {
  await page.getByRole('button', { name: /menu/ }).click();
}

/** The page's background colour's relative luminance (0 black – 1 white). */
async function backgroundLuminance(page: Page, selector = 'body'): Promise<number> {
  return page.evaluate((target) => {
    let element: Element | null = document.querySelector(target);
    let colour = 'rgba(0, 0, 0, 0)';
    while (element && /rgba\(.*, 0\)$/.test((colour = getComputedStyle(element).backgroundColor))) element = element.parentElement;
    if (/rgba\(.*, 0\)$/.test(colour)) colour = getComputedStyle(document.documentElement).backgroundColor;
    const [r, g, b] = colour.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number).map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }, selector);
}

describe('the console shell', { timeout: 90_000 }, () => {
  it('a wrong token on first sign-in says it was not accepted, not "Signed out"', async () => {
    const a = await browser.newPage();
    await a.page.goto(`${confab.url}/`);
    await a.page.getByLabel('API token').fill('cfb_not-a-real-token');
    await a.page.getByRole('button', { name: 'Sign in' }).click();
    const alert = a.page.getByRole('alert');
    await alert.filter({ hasText: 'not accepted' }).waitFor();
    expect(await alert.innerText()).not.toMatch(/signed out/i);
    await a.context.close();
  });

  it('with nobody else yet, the empty states say what to do next, and New chat points to the command line', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.getByRole('heading', { name: 'No chats yet' }).waitFor();
    expect(await a.page.locator('.chats-empty').innerText()).toContain('confab users create');
    await a.page.getByRole('navigation', { name: 'Chats' }).getByText('press New chat').waitFor();
    await screenshot(a.page, 'shell-empty');
    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByText('Nobody else to add yet').waitFor();
    const text = await dialog.innerText();
    expect(text).toContain('confab users create');
    expect(text).not.toContain('Inspect');
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(a.errors).toEqual([]);
    await a.context.close();
  });

  it('Tokens marks this session\'s token, shows names and creation times, and confirms before revoking', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/inspect/tokens`);
    await a.page.getByLabel('Token name').fill('laptop');
    await a.page.getByRole('button', { name: 'Create token' }).click();
    await a.page.getByRole('button', { name: 'I have copied it' }).click();

    const mine = a.page.getByRole('row', { name: /this session/ });
    await mine.waitFor();
    expect(await a.page.getByText('this session', { exact: true }).count()).toBe(1);
    const laptop = a.page.getByRole('row', { name: /laptop/ });
    await laptop.waitFor();
    expect(await laptop.innerText()).not.toContain('this session');
    // The creation time, as a machine-readable <time>.
    const created = await laptop.locator('time').getAttribute('datetime');
    expect(Math.abs(Date.parse(created!) - Date.now())).toBeLessThan(60_000);

    // Revoking one's own session's token asks first, and says it signs you out; Cancel keeps it.
    await mine.getByRole('button', { name: /^Revoke/ }).click();
    const confirm = a.page.getByRole('dialog');
    await confirm.getByText('This is the token this window is signed in with').waitFor();
    await screenshot(a.page, 'shell-tokens-confirm');
    expect(await seriousViolations(a.page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await mine.innerText()).toContain('active');
    expect((await ada.devUsers.self()).dev_user.id).toBe(adaId);

    // Any other token asks too, then goes.
    await laptop.getByRole('button', { name: /^Revoke/ }).click();
    await a.page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await laptop.getByText('revoked').waitFor();
    await screenshot(a.page, 'shell-tokens');
    expect(a.errors).toEqual([]);
    await a.context.close();
  });

  it('offers a non-admin what they may do: no "Add webhook" for Bob, and no forbidden banner', async () => {
    const bob = await person('Bob');
    const b = await browser.newPage();
    await signIn(b.page, confab.url, bob.token);
    await b.page.goto(`${confab.url}/#/inspect/webhooks`);
    await b.page.getByRole('note').filter({ hasText: "Webhooks are managed by the organization's admins" }).waitFor();
    expect(await b.page.getByRole('button', { name: 'Add webhook' }).count()).toBe(0);
    expect(await b.page.getByLabel('Webhook URL').count()).toBe(0);
    expect(await b.page.getByRole('alert').count()).toBe(0);
    await screenshot(b.page, 'shell-webhooks-non-admin');
    await b.context.close();
  });

  it('error bars: offline says it once; a retry that succeeds clears it; so does changing tab', async () => {
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await a.page.goto(`${confab.url}/#/inspect/tokens`);
    await a.page.getByLabel('Token name').waitFor();
    await a.context.setOffline(true);
    await a.page.getByLabel('Token name').fill('offline try');
    await a.page.getByRole('button', { name: 'Create token' }).click();
    const banner = a.page.locator('.error-banner');
    await banner.filter({ hasText: 'unreachable' }).waitFor();
    const text = await banner.innerText();
    // The operation is named once, not again inside the message.
    expect(text.split('auth-tokens.create').length - 1).toBe(1);

    await a.context.setOffline(false);
    await a.page.getByRole('button', { name: 'Create token' }).click();
    await a.page.getByTestId('new-token').waitFor();
    await banner.waitFor({ state: 'detached' });

    // Another failure, then another tab: it is gone.
    await a.context.setOffline(true);
    await a.page.getByLabel('Token name').fill('offline again');
    await a.page.getByRole('button', { name: 'Create token' }).click();
    await banner.waitFor();
    await a.context.setOffline(false);
    await a.page.getByRole('navigation', { name: 'Inspect' }).getByRole('link', { name: 'Users' }).click();
    await banner.waitFor({ state: 'detached' });
    await a.context.close();
  });

  it('counts unread in the tab title and marks the favicon; notifications only when asked, for chats not looked at', async () => {
    const bob = people.Bob!;
    const { chat } = await ada.chats.create({ type: 'dm', users: [adaId, bob.id], get_if_conflict: true });
    const a = await browser.newPage();
    // The browser's Notification API, recorded: whether permission is asked, and what is shown.
    await a.page.addInitScript(() => {
      const record = window as unknown as { asked: number; shown: { title: string; body?: string }[] };
      record.asked = 0;
      record.shown = [];
      class RecordedNotification {
        static permission: NotificationPermission = 'default';
        static async requestPermission() {
          record.asked++;
          RecordedNotification.permission = 'granted';
          return 'granted' as const;
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options?: NotificationOptions) {
          record.shown.push({ title, body: options?.body });
          (record as unknown as { last: RecordedNotification }).last = this;
        }
        close() {}
      }
      (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
    });
    await signIn(a.page, confab.url, confab.adminToken);
    expect(await a.page.title()).toBe('Confab');

    for (const body of ['one', 'two', 'three']) {
      await bob.client.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
    }
    await until(async () => (await a.page.title()) === '(3) Confab');
    const icon = a.page.locator('link[rel="icon"]');
    expect(await icon.getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    expect(await icon.getAttribute('data-unread')).toBe('true');
    expect(await a.page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(0);

    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chat.id)}`);
    await until(async () => (await a.page.title()) === 'Confab');
    expect(await icon.getAttribute('href')).toBe('/favicon.svg');

    // Asked for with a button in the menu, never on load.
    await openMenu(a.page);
    await a.page.getByRole('button', { name: 'Turn on notifications' }).click();
    await a.page.getByText('Notifications are on').waitFor();
    expect(await a.page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(1);
    await a.page.keyboard.press('Escape');

    // In the chat being looked at: no notification. In another: one, with sender and first words.
    await bob.client.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'seen already' });
    await messageShown(a.page, 'seen already');
    const { chat: other } = await bob.client.chats.create({ type: 'dm', users: [adaId, bob.id], is_default: false, title: 'Lunch plans' });
    const long = 'Are we still on for lunch tomorrow at the place by the river, or should we try the new one on the corner instead?';
    await bob.client.call('timeline-entries.create', { type: 'timeline_comment', object: other.id, body: long });
    await until(async () => (await a.page.evaluate(() => (window as unknown as { shown: unknown[] }).shown.length)) === 1);
    const [shown] = await a.page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);
    expect(shown!.title).toBe('Bob in Lunch plans');
    expect(shown!.body.startsWith('Are we still on for lunch')).toBe(true);
    expect(shown!.body.length).toBeLessThan(long.length);
    await until(async () => (await a.page.title()) === '(1) Confab');
    // Clicking it opens that chat.
    await a.page.evaluate(() => (window as unknown as { last: { onclick(): void } }).last.onclick());
    await a.page.getByRole('heading', { name: 'Lunch plans' }).waitFor();
    expect(decodeURIComponent(a.page.url())).toContain(other.id);
    expect(a.errors).toEqual([]);
    await a.context.close();
  });

  it('"Mark all read" clears every badge, for good', async () => {
    const bob = people.Bob!;
    const chats = await Promise.all(
      ['Standup', 'Design'].map(async (title) => (await bob.client.chats.create({ type: 'dm', users: [adaId, bob.id], is_default: false, title })).chat),
    );
    for (const chat of chats) await bob.client.call('timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: `news in ${chat.title}` });
    const a = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    const list = a.page.getByRole('navigation', { name: 'Chats' });
    await list.getByLabel(/\d+ unread/).first().waitFor();
    expect(await list.getByLabel(/\d+ unread/).count()).toBeGreaterThanOrEqual(2);
    await a.page.getByRole('button', { name: 'Mark all read' }).click();
    await until(async () => (await list.getByLabel(/\d+ unread/).count()) === 0);
    expect(await a.page.getByRole('button', { name: 'Mark all read' }).isDisabled()).toBe(true);
    expect(await a.page.title()).toBe('Confab');
    // Marked on the server, not just on screen: a reload shows none either.
    await until(async () => (await ada.call<{ chats: { unread_count: number }[] }>('chats.list', {})).chats.every((item) => item.unread_count === 0));
    await a.page.reload();
    await list.getByRole('link', { name: /Design/ }).waitFor();
    expect(await list.getByLabel(/\d+ unread/).count()).toBe(0);
    await a.context.close();
  });

  it('members: a panel with presence; add people; leave a chat of three (it leaves the list); a DM of two cannot be left', async () => {
    const bob = people.Bob!;
    const cy = await person('Cy');
    await person('Dee');
    const a = await browser.newPage();
    const b = await browser.newPage();
    await signIn(a.page, confab.url, confab.adminToken);
    await signIn(b.page, confab.url, bob.token);

    // New chat with two others: a group chat.
    await a.page.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('checkbox', { name: /Bob/ }).check();
    await dialog.getByRole('checkbox', { name: /Cy/ }).check();
    await dialog.getByLabel('Title (optional)').fill('Trio');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await a.page.getByRole('heading', { name: 'Trio' }).waitFor();

    await a.page.getByRole('button', { name: 'Members · 3' }).click();
    const panel = a.page.getByRole('complementary', { name: 'Chat members' });
    await panel.getByText('Bob').waitFor();
    // Bob is signed in in the other window: online.
    await panel.locator('li', { hasText: 'Bob' }).locator('.member-presence.online').waitFor();
    await panel.locator('li', { hasText: 'Cy' }).locator('.member-presence.offline').waitFor();
    await panel.getByRole('button', { name: 'Add people' }).click();
    await panel.getByRole('checkbox', { name: /Dee/ }).check();
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await a.page.getByRole('button', { name: 'Members · 4' }).waitFor();
    await panel.locator('li', { hasText: 'Dee' }).locator('.member-presence').waitFor();
    await screenshot(a.page, 'shell-members');
    expect(await seriousViolations(a.page)).toEqual([]);

    // Bob leaves, after confirming: the chat leaves his list; Ada sees three members, live.
    await openChat(b.page, 'Trio');
    await b.page.getByRole('button', { name: 'Members · 4' }).click();
    await b.page.getByRole('button', { name: 'Leave chat' }).click();
    await b.page.getByRole('dialog', { name: 'Leave Trio?' }).getByRole('button', { name: 'Leave chat' }).click();
    await b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Trio/ }).waitFor({ state: 'detached' });
    expect(b.page.url()).toMatch(/#\/chats$/);
    await a.page.getByRole('button', { name: 'Members · 3' }).waitFor();
    const trio = (await ada.call<{ chats: { chat: { title?: string; users: { id: string }[] } }[] }>('chats.list', {})).chats.find((item) => item.chat.title === 'Trio')!;
    expect(trio.chat.users.map((user) => user.id)).not.toContain(bob.id);
    expect(trio.chat.users.map((user) => user.id)).toContain(cy.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Trio/ }).count()).toBe(0);

    // A DM of two: no Leave; adding someone starts a new group chat and the DM stays.
    const { chat: dm } = await ada.chats.create({ type: 'dm', users: [adaId, bob.id], get_if_conflict: true });
    await a.page.goto(`${confab.url}/#/chats/${encodeURIComponent(dm.id)}`);
    await a.page.getByRole('button', { name: 'Members · 2' }).click();
    expect(await a.page.getByRole('button', { name: 'Leave chat' }).count()).toBe(0);
    await a.page.getByText('A DM of two cannot be left').waitFor();
    await a.page.getByRole('button', { name: 'Add people' }).click();
    await a.page.getByRole('checkbox', { name: /Cy/ }).check();
    await a.page.getByRole('button', { name: 'Start group chat' }).click();
    await a.page.getByRole('button', { name: 'Members · 3' }).waitFor();
    expect((await ada.chats.get({ type: 'dm', users: [adaId, bob.id] } as never)).chat.users).toHaveLength(2);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('keyboard only: Ctrl+K jumps to a chat by name, Alt+↓/↑ moves between chats, ? lists the shortcuts, Escape closes', async () => {
    const a = await browser.newPage();
    await a.page.goto(`${confab.url}/`);
    await a.page.getByLabel('API token').focus();
    await a.page.keyboard.type(confab.adminToken);
    await a.page.keyboard.press('Enter');
    const list = a.page.getByRole('navigation', { name: 'Chats' });
    await list.getByRole('link', { name: /Lunch plans/ }).waitFor();

    await a.page.keyboard.press('Control+K');
    const jump = a.page.getByRole('dialog', { name: 'Jump to a chat' });
    await jump.waitFor();
    await a.page.keyboard.type('lunch');
    await screenshot(a.page, 'shell-jump');
    expect(await seriousViolations(a.page)).toEqual([]);
    await a.page.keyboard.press('Enter');
    await a.page.getByRole('heading', { name: 'Lunch plans' }).waitFor();
    // The cursor is in the message box: type and send at once.
    await until(async () => (await a.page.evaluate(() => document.activeElement?.id)) === 'composer-message');
    await a.page.keyboard.type('by keyboard alone');
    await a.page.keyboard.press('Enter');
    await messageShown(a.page, 'by keyboard alone');

    // Alt+↓ and Alt+↑ follow the list's order.
    const names = await list.locator('.chat-row-name').allInnerTexts();
    const at = names.findIndex((name) => name.includes('Lunch plans'));
    await a.page.keyboard.press('Alt+ArrowDown');
    await a.page.getByRole('heading', { name: names[at + 1]!.trim() }).waitFor();
    await a.page.keyboard.press('Alt+ArrowUp');
    await a.page.getByRole('heading', { name: 'Lunch plans' }).waitFor();

    // "?" outside a text box opens the sheet; Escape closes it.
    await a.page.getByRole('heading', { name: 'Lunch plans' }).click();
    await a.page.keyboard.press('?');
    const sheet = a.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Jump to a chat by name').waitFor();
    await screenshot(a.page, 'shell-shortcuts');
    await a.page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    // Escape closes the members panel too.
    await a.page.getByRole('button', { name: /^Members/ }).focus();
    await a.page.keyboard.press('Enter');
    const panel = a.page.getByRole('complementary', { name: 'Chat members' });
    await panel.waitFor();
    await a.page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // And the thread beside the chat.
    await a.page.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Reply in thread' }).first().click();
    const thread = a.page.getByRole('complementary', { name: 'Thread' });
    await thread.waitFor();
    await a.page.keyboard.press('Escape');
    await thread.waitFor({ state: 'detached' });
    expect(a.errors).toEqual([]);
    await a.context.close();
  });

  it('dark mode follows the system, has a toggle that sticks, and passes axe in light and dark, at 1280 and 375 px', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 740 }]) {
      const a = await browser.newPage(viewport);
      const wide = viewport.width === 1280 ? '' : '-375';
      await a.page.emulateMedia({ colorScheme: 'dark' });
      await signIn(a.page, confab.url, confab.adminToken);
      if (wide === '') await openChat(a.page, 'Lunch plans');
      await a.page.locator('.chat-row-name, .message-body').first().waitFor();
      expect(await backgroundLuminance(a.page, '.shell')).toBeLessThan(0.05);
      expect(await seriousViolations(a.page)).toEqual([]);
      await screenshot(a.page, `shell-dark${wide}`);
      if (wide !== '') {
        // A phone: the chat, then its members, full screen, in the dark.
        await openChat(a.page, 'Lunch plans');
        await messageShown(a.page, 'by keyboard alone');
        // The chat's header is one row too.
        const header = await a.page.locator('.chat-header').boundingBox();
        expect(header!.height).toBeLessThan(60);
        expect(header!.width).toBeLessThanOrEqual(375);
        expect(await a.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        await screenshot(a.page, 'shell-chat-dark-375');
        await a.page.getByRole('button', { name: /^Members/ }).click();
        await a.page.getByRole('complementary', { name: 'Chat members' }).waitFor();
        expect(await seriousViolations(a.page)).toEqual([]);
        await screenshot(a.page, 'shell-members-dark-375');
        await a.page.getByRole('button', { name: 'Close members' }).click();
        await a.page.getByRole('link', { name: '← Chats' }).click();
        await a.page.locator('.chat-row-name').first().waitFor();
      }

      await openMenu(a.page);
      const toggle = a.page.getByRole('button', { name: 'Dark mode' });
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await screenshot(a.page, `shell-menu-dark${wide}`);
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await a.page.keyboard.press('Escape');
      expect(await backgroundLuminance(a.page, '.shell')).toBeGreaterThan(0.8);
      // The pick outlives a reload, whatever the system says.
      await a.page.reload();
      await a.page.locator('.chat-row-name, .message-body').first().waitFor();
      expect(await backgroundLuminance(a.page, '.shell')).toBeGreaterThan(0.8);
      expect(await seriousViolations(a.page)).toEqual([]);
      await screenshot(a.page, `shell-light${wide}`);
      expect(a.errors).toEqual([]);
      await a.context.close();
    }
  });

  it('at 375 px the top bar is one row with a menu (Sign out in it), and ids do not break mid-word', async () => {
    const a = await browser.newPage({ width: 375, height: 740 });
    await signIn(a.page, confab.url, confab.adminToken);
    const bar = a.page.locator('.topbar');
    // One row: every item shown has its middle on the bar's middle line.
    const middles = await bar.evaluate((element) =>
      [...element.children].filter((child) => child.getBoundingClientRect().height > 0).map((child) => {
        const box = child.getBoundingClientRect();
        return Math.round(box.top + box.height / 2);
      }),
    );
    const barBox = (await bar.boundingBox())!;
    expect(barBox.height).toBeLessThan(56);
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThanOrEqual(2);
    expect(await a.page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await openMenu(a.page);
    await screenshot(a.page, 'shell-menu-375');
    await a.page.getByRole('button', { name: 'Sign out' }).waitFor();
    await a.page.keyboard.press('Escape');

    await a.page.goto(`${confab.url}/#/inspect/users`);
    await a.page.getByRole('table', { name: 'Dev users' }).locator('tbody tr').nth(3).waitFor();
    const lines = await a.page.locator('code.id').evaluateAll((codes) => codes.map((code) => code.getClientRects().length));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.every((count) => count === 1)).toBe(true);
    await screenshot(a.page, 'shell-inspect-375');
    expect(await seriousViolations(a.page)).toEqual([]);
    await a.context.close();
  });

  it('reached nothing but loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
