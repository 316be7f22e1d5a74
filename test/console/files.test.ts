/**
 * Files in the console, in a real Chromium against a real `confab serve`: attached by the
 * button or by a drop, uploaded with progress, sent with a message; the other member sees
 * pictures inline and other files as cards that download; the server's refusals show in
 * the composer.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '../../src/client/index.js';
import type { TimelineEntriesListResponse } from '../../src/schema/timeline-entries.js';
import { gradientPng } from '../helpers/artifacts.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { messageShown, screenshot, send, seriousViolations, signIn } from '../helpers/console-pages.js';

/** Small enough that one test file goes over it; the others together stay well under. */
const QUOTA_BYTES = 150_000;
/** The largest file taken: above the quota, so that each refusal can be seen on its own. */
const MAX_FILE_BYTES = 200_000;

let confab: ConfabProcess;
let browser: TestBrowser;
let bobToken: string;
let ada: ConfabClient;

const harbour = gradientPng(480, 300);
/** Not a real PDF: its type is the uploader's word, and a card shows it. */
const report = Buffer.from(`%PDF-1.4\n${'Q3 figures. '.repeat(2000)}`);

beforeAll(async () => {
  confab = await startConfab({ env: { ARTIFACT_QUOTA_BYTES_PER_USER: String(QUOTA_BYTES), ARTIFACT_MAX_BYTES: String(MAX_FILE_BYTES) } });
  const created = await confab.cli(['users', 'create', '--type', 'dev_user', '--email', 'bob@example.com', '--display-name', 'Bob', '--json']);
  expect(created.code).toBe(0);
  const issued = await confab.cli(['tokens', 'create', '--user', JSON.parse(created.stdout).user.display_id, '--json']);
  bobToken = JSON.parse(issued.stdout).token;
  ada = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

async function chatWithBob(title: string): Promise<string> {
  const { chat } = await ada.chats.create({ type: 'dm', users: ['DEVU-1', 'DEVU-2'], title, is_default: false });
  return chat.id;
}

async function openAs(token: string, chatId: string, viewport?: { width: number; height: number }) {
  const opened = await browser.newPage(viewport);
  await signIn(opened.page, confab.url, token);
  await opened.page.goto(`${confab.url}/#/chats/${encodeURIComponent(chatId)}`);
  await opened.page.getByLabel('Message', { exact: true }).waitFor();
  return opened;
}

function composer(page: Page) {
  return page.locator('form.composer').first();
}

/** Waits until every chip's upload has finished (no progress bar left). */
async function uploaded(page: Page, count: number): Promise<void> {
  const chips = page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');
  await expect.poll(() => chips.count()).toBe(count);
  await expect.poll(() => page.getByRole('progressbar').count(), { timeout: 15_000 }).toBe(0);
}

async function lastEntry(chatId: string) {
  const { timeline_entries } = await ada.call<TimelineEntriesListResponse>('timeline-entries.list', { object: chatId, limit: 1 });
  return timeline_entries[0]!;
}

describe('files in the console', { timeout: 90_000 }, () => {
  it('attaches by the button; the other member sees the picture inline and the file as a card that downloads', async () => {
    const chatId = await chatWithBob('Harbour trip');
    await ada.call('timeline-entries.create', { type: 'timeline_comment', object: chatId, body: 'Did the photos come out?' });
    const a = await openAs(confab.adminToken, chatId);
    const b = await openAs(bobToken, chatId);

    await composer(a.page).getByRole('button', { name: 'Attach file' }).waitFor();
    await composer(a.page).locator('input[type=file]').setInputFiles([
      { name: 'harbour.png', mimeType: 'image/png', buffer: harbour },
      { name: 'q3-report.pdf', mimeType: 'application/pdf', buffer: report },
    ]);
    await uploaded(a.page, 2);
    await a.page.getByLabel('Message', { exact: true }).fill('The harbour at dawn, and the Q3 report');
    await screenshot(a.page, 'files-attach');
    await a.page.getByLabel('Message', { exact: true }).press('Enter');
    await a.page.getByRole('list', { name: 'Files to send' }).waitFor({ state: 'detached' });

    const bobsLog = b.page.getByRole('log', { name: 'Messages' });
    await messageShown(b.page, 'The harbour at dawn, and the Q3 report');
    const image = bobsLog.getByRole('img', { name: 'harbour.png' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(480);
    // The box keeps its height whatever the picture, so nothing below it moves as it loads.
    expect((await bobsLog.locator('.image-thumbnail').boundingBox())!.height).toBe(180);
    const fullSize = bobsLog.getByRole('link', { name: 'harbour.png' });
    expect(await fullSize.getAttribute('target')).toBe('_blank');
    expect(await fullSize.getAttribute('href')).toContain('/artifacts.download/');

    const card = bobsLog.getByRole('link', { name: /^Download q3-report\.pdf/ });
    await expect.poll(() => card.innerText()).toMatch(/q3-report\.pdf\s+24 KB · application\/pdf/);
    await screenshot(b.page, 'files-chat');
    const [download] = await Promise.all([b.page.waitForEvent('download'), card.click()]);
    expect(download.suggestedFilename()).toBe('q3-report.pdf');
    expect(readFileSync((await download.path())!)).toEqual(report);

    const sent = await lastEntry(chatId);
    expect(sent.artifacts?.map((artifact) => artifact.file)).toEqual([
      { name: 'harbour.png', type: 'image/png', size: harbour.byteLength },
      { name: 'q3-report.pdf', type: 'application/pdf', size: report.byteLength },
    ]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it('attaches files dropped on the chat, and sends them without text', async () => {
    const chatId = await chatWithBob('Drops');
    const a = await openAs(confab.adminToken, chatId);
    // A drag from the desktop, as the page receives it: a DataTransfer carrying a file.
    await a.page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['milk, eggs, flour\n'], 'shopping-list.txt', { type: 'text/plain' }));
      (window as unknown as { dragged: DataTransfer }).dragged = data;
      const list = document.querySelector('.message-list')!;
      for (const type of ['dragenter', 'dragover']) list.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await a.page.getByText('Drop files to attach them').waitFor();
    await screenshot(a.page, 'files-drop');
    const dropped = await a.page.evaluate(() => {
      const drop = new DragEvent('drop', { dataTransfer: (window as unknown as { dragged: DataTransfer }).dragged, bubbles: true, cancelable: true });
      document.querySelector('.message-list')!.dispatchEvent(drop);
      return drop.defaultPrevented;
    });
    // Taken by the console, not opened by the browser in place of the page.
    expect(dropped).toBe(true);
    expect(await a.page.getByText('Drop files to attach them').count()).toBe(0);
    await uploaded(a.page, 1);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();

    const card = a.page.getByRole('log', { name: 'Messages' }).getByRole('link', { name: /^Download shopping-list\.txt/ });
    await card.waitFor();
    const sent = await lastEntry(chatId);
    expect(sent.body ?? '').toBe('');
    expect(sent.artifacts?.map((artifact) => artifact.file?.name)).toEqual(['shopping-list.txt']);
    // A message of files only is not mistaken for a deleted one, here or in the chat list.
    expect(await a.page.getByText('message deleted').count()).toBe(0);
    await a.page.getByRole('navigation', { name: 'Chats' }).getByText('You: File: shopping-list.txt').waitFor();
    expect(a.errors).toEqual([]);
    await a.context.close();
  });

  it('takes a file off before sending: only the others go with the message', async () => {
    const chatId = await chatWithBob('Second thoughts');
    const a = await openAs(confab.adminToken, chatId);
    await composer(a.page).locator('input[type=file]').setInputFiles([
      { name: 'draft.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
      { name: 'final.txt', mimeType: 'text/plain', buffer: Buffer.from('this one') },
    ]);
    await uploaded(a.page, 2);
    await a.page.getByRole('button', { name: 'Remove draft.txt' }).click();
    await uploaded(a.page, 1);
    await send(a.page, 'Only the final version');
    await messageShown(a.page, 'Only the final version');
    expect((await lastEntry(chatId)).artifacts?.map((artifact) => artifact.file?.name)).toEqual(['final.txt']);
    await a.context.close();
  });

  it('shows the server\'s refusal of an upload over the storage quota, and keeps nothing pending', async () => {
    const chatId = await chatWithBob('Too much');
    const b = await openAs(bobToken, chatId);
    await composer(b.page).locator('input[type=file]').setInputFiles([
      { name: 'holiday.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(QUOTA_BYTES + 1, 7) },
    ]);
    const alert = composer(b.page).getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(`Could not attach holiday.mov: file: over the storage quota of ${QUOTA_BYTES} bytes per user (0 in use)`);
    expect(await b.page.getByRole('list', { name: 'Files to send' }).count()).toBe(0);
    await screenshot(b.page, 'files-quota');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    await b.context.close();
  });

  it('shows the server\'s refusal of a file larger than ARTIFACT_MAX_BYTES, whether the body is just over or far over', async () => {
    const chatId = await chatWithBob('Too large');
    const b = await openAs(bobToken, chatId);
    const alert = composer(b.page).getByRole('alert');
    // Just over: the whole form arrives and the file is measured. Far over: the server
    // answers while the rest is still being sent, and the browser still reads that answer.
    for (const size of [MAX_FILE_BYTES + 1, 4 * MAX_FILE_BYTES]) {
      await composer(b.page).locator('input[type=file]').setInputFiles([{ name: 'film.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(size, 1) }]);
      await alert.waitFor();
      expect(await alert.innerText()).toContain(`Could not attach film.mp4: file: larger than ${MAX_FILE_BYTES} bytes (ARTIFACT_MAX_BYTES)`);
      expect(await b.page.getByRole('list', { name: 'Files to send' }).count()).toBe(0);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await alert.waitFor({ state: 'detached' });
    }
    await b.context.close();
  });

  it('has no serious or critical axe-core findings with files on show, and fits a 375 px screen', async () => {
    const chatId = await chatWithBob('Small screens');
    const a = await openAs(confab.adminToken, chatId);
    await composer(a.page).locator('input[type=file]').setInputFiles([
      { name: 'harbour.png', mimeType: 'image/png', buffer: harbour },
      { name: 'a-report-with-a-rather-long-name-for-a-small-screen.pdf', mimeType: 'application/pdf', buffer: report },
    ]);
    await uploaded(a.page, 2);
    await send(a.page, 'For the small screen');
    await messageShown(a.page, 'For the small screen');
    await a.context.close();

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const b = await openAs(bobToken, chatId, viewport);
      const image = b.page.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'harbour.png' });
      await image.waitFor();
      await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth > 0)).toBe(true);
      // A file waiting in the composer too: the chips must fit as well.
      await composer(b.page).locator('input[type=file]').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') }]);
      await uploaded(b.page, 1);
      expect(await seriousViolations(b.page)).toEqual([]);
      const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const attach = (await composer(b.page).getByRole('button', { name: 'Attach file' }).boundingBox())!;
      const sendButton = (await composer(b.page).getByRole('button', { name: 'Send', exact: true }).boundingBox())!;
      expect(sendButton.x + sendButton.width).toBeLessThanOrEqual(viewport.width);
      expect(attach.x).toBeGreaterThanOrEqual(0);
      const card = (await b.page.locator('.file-card').boundingBox())!;
      expect(card.x + card.width).toBeLessThanOrEqual(viewport.width);
      if (viewport.width === 375) {
        await b.page.mouse.move(0, 0);
        await screenshot(b.page, 'files-375');
      }
      expect(b.errors).toEqual([]);
      await b.context.close();
    }
    expect(offLoopback).toEqual([]);
  });
});
