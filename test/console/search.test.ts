/**
 * Message search in the console, in a real Chromium against a real `confab serve`: a
 * person finds a word, sees it marked, and lands on the message in its chat; messages of
 * chats they are not in never show; a body full of HTML stays text in the results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '../../src/client/index.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { screenshot, seriousViolations, signIn } from '../helpers/console-pages.js';
import type { Page } from 'playwright-core';

let confab: ConfabProcess;
let browser: TestBrowser;
let ada: ConfabClient;
let bob: ConfabClient;
let bobToken: string;
let plans: string;
let crossing: string;
let lunch: string;

async function person(email: string, name: string): Promise<string> {
  const created = await confab.cli(['users', 'create', '--type', 'dev_user', '--email', email, '--display-name', name, '--json']);
  expect(created.code).toBe(0);
  const issued = await confab.cli(['tokens', 'create', '--user', JSON.parse(created.stdout).user.display_id, '--json']);
  expect(issued.code).toBe(0);
  return JSON.parse(issued.stdout).token as string;
}

async function post(as: ConfabClient, object: string, body: string): Promise<string> {
  const { timeline_entry } = await as.call('timeline-entries.create', { type: 'timeline_comment', object, body });
  return timeline_entry.id;
}

beforeAll(async () => {
  confab = await startConfab();
  ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  bobToken = await person('bob@example.com', 'Bob');
  const carol = new ConfabClient({ baseUrl: confab.url, token: await person('carol@example.com', 'Carol') });
  bob = new ConfabClient({ baseUrl: confab.url, token: bobToken });

  // Bob's chat: the word is in its oldest message, behind more than a page of newer ones,
  // in a body that is all HTML, and in a reply in a thread.
  plans = (await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Plans', is_default: false })).chat.id;
  crossing = await post(bob, plans, 'The zebra crossing on Main Street is closed on Friday.');
  for (let i = 1; i <= 40; i++) await post(ada, plans, `filler ${i}`);
  lunch = await post(ada, plans, 'lunch at noon?');
  await post(bob, lunch, 'only if it is zebra-striped cake');
  await post(ada, plans, '<img src=x onerror=alert(1)> zebra');
  // A chat Bob is not in, with the same word.
  const secret = (await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-3'], title: 'Secret', is_default: false })).chat.id;
  await post(carol, secret, 'the zebra secret nobody else may read');

  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

function searchBox(page: Page) {
  return page.getByRole('search', { name: 'Search messages' }).getByRole('searchbox', { name: 'Search messages' });
}

function results(page: Page) {
  return page.getByRole('region', { name: 'Search results' });
}

async function searchFor(page: Page, words: string): Promise<void> {
  await searchBox(page).fill(words);
  await searchBox(page).press('Enter');
}

describe('searching messages in the console', { timeout: 90_000 }, () => {
  it('finds the word only in chats the person is in, marked, HTML inert, and opens the chat at the message', async () => {
    const b = await browser.newPage();
    const requests: string[] = [];
    b.page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await signIn(b.page, confab.url, bobToken);
    await searchFor(b.page, 'zebra');
    await results(b.page).getByRole('status').filter({ hasText: '3 results for “zebra”' }).waitFor();

    const hits = results(b.page).getByRole('link');
    expect(await hits.count()).toBe(3);
    const texts = await hits.allInnerTexts();
    expect(texts.join('\n')).not.toContain('secret');
    expect(texts.find((text) => text.includes('Main Street'))).toMatch(/^Plans\nYou .+\nThe zebra crossing on Main Street is closed on Friday\.$/);
    expect(texts.find((text) => text.includes('cake'))).toMatch(/^Plans · in a thread\nYou /);
    // Every match is a <mark> around text, and nothing else is marked.
    expect((await results(b.page).locator('mark').allInnerTexts()).map((word) => word.toLowerCase())).toEqual(['zebra', 'zebra', 'zebra']);
    // The HTML body is shown as written, and nothing of it became an element.
    expect(await results(b.page).locator('img, script').count()).toBe(0);
    expect(texts.find((text) => text.includes('onerror'))).toMatch(/\n<img src=x onerror=alert\(1\)> zebra$/);
    expect(b.dialogs).toEqual([]);
    expect(requests).not.toContain('/x');
    expect(await seriousViolations(b.page)).toEqual([]);

    // The oldest message of the chat: paged back to, in view, focused, highlighted.
    await hits.filter({ hasText: 'Main Street' }).click();
    const log = b.page.getByRole('log', { name: 'Messages' });
    const target = log.locator(`[data-entry-id="${crossing}"]`);
    await target.and(b.page.locator('.targeted')).waitFor();
    expect(decodeURIComponent(new URL(b.page.url()).hash)).toBe(`#/chats/${plans}/${crossing}`);
    await b.page.getByRole('heading', { name: 'Plans' }).waitFor();
    await expect(b.page.evaluate(() => document.activeElement?.getAttribute('data-entry-id'))).resolves.toBe(crossing);
    const [box, view] = [await target.boundingBox(), await log.boundingBox()];
    expect(box!.y).toBeGreaterThanOrEqual(view!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height);
    await screenshot(b.page, 'search');
    expect(await seriousViolations(b.page)).toEqual([]);

    // A reply: its thread opens beside the chat, at the message it answers.
    await hits.filter({ hasText: 'cake' }).click();
    await b.page.getByRole('complementary', { name: 'Thread' }).getByRole('log', { name: 'Replies' }).getByText('only if it is zebra-striped cake').waitFor();
    await log.locator(`[data-entry-id="${lunch}"].targeted`).waitFor();
    expect(b.errors).toEqual([]);
    await b.context.close();
  });

  it('pages with More results, narrows to the open chat, says when nothing matches, and shows a refused query\'s error', async () => {
    const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title: 'Giraffes', is_default: false });
    const posted: string[] = [];
    for (let i = 1; i <= 25; i++) {
      posted.push(`giraffe number ${i}`);
      await post(ada, chat.id, `giraffe number ${i}`);
    }
    const b = await browser.newPage();
    await signIn(b.page, confab.url, bobToken);
    await searchFor(b.page, 'giraffe');
    await results(b.page).getByRole('status').filter({ hasText: '20+ results for “giraffe”' }).waitFor();
    await results(b.page).getByRole('button', { name: 'More results' }).click();
    await results(b.page).getByRole('status').filter({ hasText: '25 results for “giraffe”' }).waitFor();
    const snippets = await results(b.page).locator('.search-hit-snippet').allInnerTexts();
    expect([...snippets].sort()).toEqual([...posted].sort());
    expect(await results(b.page).getByRole('button', { name: 'More results' }).count()).toBe(0);
    // Focus went on to the first of the new results.
    expect(await b.page.evaluate(() => [...document.querySelectorAll('.search-hits a')].indexOf(document.activeElement!))).toBe(20);

    // Escape closes the search: the chat list is back.
    await searchBox(b.page).press('Escape');
    await results(b.page).waitFor({ state: 'detached' });
    await b.page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Plans/ }).click();
    await b.page.getByLabel('In this chat only').check();
    await searchFor(b.page, 'giraffe zebra');
    await results(b.page).getByRole('status').filter({ hasText: 'No messages match “giraffe zebra” in this chat.' }).waitFor();
    await searchFor(b.page, 'zebra');
    await results(b.page).getByRole('status').filter({ hasText: '3 results for “zebra” in Plans' }).waitFor();
    await b.page.getByLabel('In this chat only').uncheck();
    await results(b.page).getByRole('status').filter({ hasText: /^3 results for “zebra”$/ }).waitFor();

    await searchFor(b.page, '"*"');
    await results(b.page).getByRole('status').filter({ hasText: 'Search failed: invalid_field — query: has no words to search for' }).waitFor();
    await b.page.getByRole('alert').filter({ hasText: 'invalid_field (timeline-entries.search): query: has no words to search for' }).waitFor();
    expect(await seriousViolations(b.page)).toEqual([]);
    expect(b.errors).toEqual([]);
    await b.context.close();
  });

  it('works by keyboard alone on a 375 px screen', async () => {
    const b = await browser.newPage({ width: 375, height: 740 });
    await signIn(b.page, confab.url, bobToken);
    for (let i = 0; i < 10 && (await b.page.evaluate(() => document.activeElement?.id)) !== 'message-search-input'; i++) {
      await b.page.keyboard.press('Tab');
    }
    await b.page.keyboard.type('crossing');
    await b.page.keyboard.press('Enter');
    await results(b.page).getByRole('status').filter({ hasText: '1 result for “crossing”' }).waitFor();
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(b.page)).toEqual([]);
    for (let i = 0; i < 10 && !(await b.page.evaluate(() => document.activeElement?.classList.contains('search-hit'))); i++) {
      await b.page.keyboard.press('Tab');
    }
    await b.page.keyboard.press('Enter');
    await b.page.locator(`[data-entry-id="${crossing}"].targeted`).waitFor();
    await expect(b.page.evaluate(() => document.activeElement?.getAttribute('data-entry-id'))).resolves.toBe(crossing);
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    // Back to the results, as they were.
    await b.page.getByRole('link', { name: '← Chats' }).click();
    await results(b.page).getByRole('link', { name: /crossing/ }).waitFor();
    await b.context.close();
  });

  it('reached nothing but loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
