/** What a person does in the console, as steps the browser tests share. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createRequire } from 'node:module';

/**
 * Where the tests write their screenshots: an ignored folder, so that `npm test` leaves the
 * checkout clean. `UPDATE_SCREENSHOTS=1 npm test` writes them over the committed ones in
 * docs/console/, which the README shows.
 */
export const SCREENSHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/console/' : '../../.scratch/screenshots/', import.meta.url),
);

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** Polls `check` until it holds, failing after `ms`. */
export async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Chats' }).waitFor();
}

export async function openChat(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(name) }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

/** Waits until a message with exactly this text is in the open chat. */
export async function messageShown(page: Page, text: string | RegExp, timeout?: number): Promise<void> {
  await page.getByRole('log', { name: 'Messages' }).locator('.message-body').filter({ hasText: text }).first().waitFor({ timeout });
}

/** The bodies of the messages shown, in order, as text. */
export async function shownMessages(page: Page): Promise<string[]> {
  return page.locator('.message-body').allInnerTexts();
}

const axeSource = createRequire(import.meta.url)('axe-core').source as string;

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated, not added as a <script>: the console's CSP rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const results = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  })) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
}
