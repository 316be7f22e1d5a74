/**
 * Debian's Chromium driven by playwright-core, for the console's tests. A missing browser
 * fails the run (`.ci/run` installs it): the console is never left untested by a skip.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('No Chromium: install Debian\'s (`apt-get install -y chromium`) or set CHROMIUM_PATH. The console tests do not skip.');
  }
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (its own sessionStorage: another person), with page errors collected. */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; errors: string[]; dialogs: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  // launch() gives every run a fresh, throwaway user-data dir of its own.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport });
      // Nothing leaves the machine: any request off loopback fails the test that made it.
      await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/, (route) => {
        offLoopback.push(route.request().url());
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // An HTTP error answer is the console's to show (and the tests check it does);
        // anything else written as an error — a CSP violation, an exception — is a bug.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
      });
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      return { context, page, errors, dialogs };
    },
    async close() {
      await browser.close();
    },
  };
}

/** URLs the pages tried to reach off the loopback interface (must stay empty). */
export const offLoopback: string[] = [];
