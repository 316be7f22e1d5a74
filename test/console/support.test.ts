/**
 * The console's Support section, in a real Chromium against a real `confab serve`: staff
 * answer a customer's conversation in two windows, an internal note never reaches the
 * customer's window, the inbox's views and stage filter, and a customer who sees only their
 * own conversations and starts one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConfabClient } from '../../src/client/index.js';
import { launchBrowser, offLoopback, type TestBrowser } from '../helpers/browser.js';
import { startConfab, type ConfabProcess } from '../helpers/confab-process.js';
import { screenshot, seriousViolations, signIn } from '../helpers/console-pages.js';

const PAT = 'urn:devrev:params:oauth:token-type:pat';

interface Customer {
  id: string;
  token: string;
  client: ConfabClient;
}

interface ConversationAnswer {
  conversation: { id: string; display_id: string; title?: string; stage?: { name: string }; owned_by?: { id: string }[] };
}

let confab: ConfabProcess;
let browser: TestBrowser;
let admin: ConfabClient;
let adminId: string;
let bobToken: string;
let bobId: string;
let ada: Customer;
let zed: Customer;

/** A customer of a rev org, with a token of their own (what Plug's session token is to the console). */
async function customer(revOrg: string, name: string, email: string): Promise<Customer> {
  const { rev_user } = await admin.call<{ rev_user: { id: string } }>('rev-users.create', { display_name: name, email, rev_org: revOrg });
  const { access_token } = await admin.call<{ access_token: string }>('auth-tokens.create', { requested_token_type: PAT, act_as: rev_user.id });
  return { id: rev_user.id, token: access_token, client: new ConfabClient({ baseUrl: confab.url, token: access_token }) };
}

beforeAll(async () => {
  confab = await startConfab();
  admin = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
  adminId = (await admin.devUsers.self()).dev_user.id;
  const created = await confab.cli(['users', 'create', '--type', 'dev_user', '--email', 'bob@example.com', '--display-name', 'Bob', '--json']);
  bobId = JSON.parse(created.stdout).user.id;
  bobToken = JSON.parse((await confab.cli(['tokens', 'create', '--user', JSON.parse(created.stdout).user.display_id, '--json'])).stdout).token;
  const acme = (await admin.call<{ rev_org: { id: string } }>('rev-orgs.create', { display_name: 'Acme Inc' })).rev_org.id;
  const globex = (await admin.call<{ rev_org: { id: string } }>('rev-orgs.create', { display_name: 'Globex' })).rev_org.id;
  ada = await customer(acme, 'Ada Lovelace', 'ada@acme.example');
  zed = await customer(globex, 'Zed Shaw', 'zed@globex.example');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await confab?.dispose();
});

/** A customer signs in: the console opens on their conversations, with Support the only section. */
async function signInAsCustomer(page: Page, token: string): Promise<void> {
  await page.goto(`${confab.url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

async function openSupport(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Support' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

function inbox(page: Page) {
  return page.getByRole('navigation', { name: 'Conversations' });
}

function timeline(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

async function entryShown(page: Page, text: string): Promise<void> {
  await timeline(page).locator('.support-entry-body').filter({ hasText: text }).first().waitFor();
}

async function write(page: Page, label: string, text: string, button: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(text);
  await page.getByRole('button', { name: button, exact: true }).click();
}

async function createConversation(as: ConfabClient, body: object): Promise<ConversationAnswer['conversation']> {
  return (await as.call<ConversationAnswer>('conversations.create', { type: 'support', ...body })).conversation;
}

describe('the Support section', { timeout: 120_000 }, () => {
  it('staff answer a customer in two windows, and an internal note never reaches the customer', async () => {
    const staff = await browser.newPage();
    const buyer = await browser.newPage();
    await signIn(staff.page, confab.url, confab.adminToken);
    await openSupport(staff.page);
    await signInAsCustomer(buyer.page, ada.token);
    // A customer has no Chats or Inspect: Support is all there is for them.
    expect(await buyer.page.getByRole('navigation', { name: 'Sections' }).getByRole('link').allInnerTexts()).toEqual(['Support']);

    // The customer starts a conversation…
    await buyer.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = buyer.page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Subject').fill('Invoices are missing');
    await dialog.getByLabel('How can we help?').fill('I cannot find my March invoice.');
    await screenshot(buyer.page, 'support-new-conversation');
    await dialog.getByRole('button', { name: 'Start conversation' }).click();
    await entryShown(buyer.page, 'I cannot find my March invoice.');

    // …and it reaches the staff inbox live, with who asked.
    const row = inbox(staff.page).getByRole('link', { name: /Invoices are missing/ });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('Ada Lovelace');
    await row.click();
    await entryShown(staff.page, 'I cannot find my March invoice.');

    // Staff take it, note something for the team, and answer.
    await staff.page.getByLabel('Assignee').selectOption({ label: 'admin (you)' });
    await expect.poll(() => row.innerText()).toContain('You');
    await staff.page.getByRole('button', { name: 'Internal note' }).click();
    await write(staff.page, 'Internal note', 'Ada is on the legacy billing plan', 'Add note');
    await entryShown(staff.page, 'Ada is on the legacy billing plan');
    const note = timeline(staff.page).locator('.support-entry.note');
    await expect(note.innerText()).resolves.toMatch(/Internal note/i);
    await staff.page.getByRole('button', { name: 'Reply', exact: true }).click();
    await write(staff.page, 'Reply', 'Found it: it is in Billing → Invoices now.', 'Send reply');
    await entryShown(staff.page, 'Found it: it is in Billing → Invoices now.');
    await expect.poll(() => staff.page.getByLabel('Reply', { exact: true }).inputValue()).toBe('');
    await screenshot(staff.page, 'support-inbox');

    // The reply (sent after the note) arrives; the note never does.
    await entryShown(buyer.page, 'Found it: it is in Billing → Invoices now.');
    // Writing a reply shows as typing to the other side; writing a note does not.
    await buyer.page.getByLabel('Message', { exact: true }).type('Got');
    await staff.page.locator('.support-typing', { hasText: 'Ada Lovelace is typing…' }).waitFor();
    // (Past the 2 s between two typing notices of one person, so that one would go out now.)
    await staff.page.waitForTimeout(2100);
    await staff.page.getByRole('button', { name: 'Internal note' }).click();
    await staff.page.getByLabel('Internal note', { exact: true }).type('Do not tell her yet');
    await staff.page.waitForTimeout(1500);
    expect(await buyer.page.locator('.support-typing').innerText()).toBe('');
    await staff.page.getByLabel('Internal note', { exact: true }).fill('');
    await staff.page.getByRole('button', { name: 'Reply', exact: true }).click();
    await staff.page.getByLabel('Reply', { exact: true }).type('One sec');
    await buyer.page.locator('.support-typing', { hasText: 'admin is typing…' }).waitFor();
    await staff.page.getByLabel('Reply', { exact: true }).fill('');
    await write(buyer.page, 'Message', 'Got it, thank you!', 'Send');
    await entryShown(staff.page, 'Got it, thank you!');
    await screenshot(buyer.page, 'support-customer');
    expect(await buyer.page.content()).not.toContain('legacy billing plan');
    // Nor after a reload, when the whole timeline is read again.
    await buyer.page.reload();
    await entryShown(buyer.page, 'Got it, thank you!');
    expect(await buyer.page.content()).not.toContain('legacy billing plan');
    expect(await timeline(buyer.page).locator('.support-entry.note').count()).toBe(0);

    // Resolving it is seen by the customer, live.
    await staff.page.getByLabel('Stage', { exact: true }).selectOption('resolved');
    await buyer.page.locator('.conversation-header .stage-pill', { hasText: 'Resolved' }).waitFor();
    // The customer writes again: it is back in front of the team (DevRev reopens it), live on both sides.
    await write(buyer.page, 'Message', 'One more question, sorry!', 'Send');
    await buyer.page.locator('.conversation-header .stage-pill', { hasText: 'Waiting for our team' }).waitFor();
    await expect.poll(() => staff.page.getByLabel('Stage', { exact: true }).inputValue()).toBe('needs_response');
    await entryShown(staff.page, 'One more question, sorry!');

    // A conversation the team starts with the customer appears in their list, live.
    await createConversation(admin, { title: 'Your renewal', members: [ada.id] });
    await inbox(buyer.page).getByRole('link', { name: /Your renewal/ }).waitFor();

    expect(staff.errors).toEqual([]);
    expect(buyer.errors).toEqual([]);
    await staff.context.close();
    await buyer.context.close();
  });

  it("shows a customer only their own conversations, and another's link reveals nothing", async () => {
    const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    const mine = await createConversation(ada.client, { title: 'Ada: export to CSV', messages: [{ body: 'How do I export?' }, { body: hostile }] });
    const theirs = await createConversation(zed.client, { title: 'Zed: a secret outage', messages: [{ body: 'Our whole site is down' }] });
    const { page, context, errors, dialogs } = await browser.newPage();
    await signInAsCustomer(page, ada.token);
    await inbox(page).getByRole('link', { name: /Ada: export to CSV/ }).waitFor();
    expect(await inbox(page).innerText()).not.toContain('Zed');

    await page.goto(`${confab.url}/#/support/${encodeURIComponent(theirs.id)}`);
    await page.getByRole('alert').filter({ hasText: 'not_found' }).waitFor();
    await page.getByText('There is no such conversation here, or it is not yours to see.').waitFor();
    expect(await page.content()).not.toContain('secret outage');
    expect(await page.content()).not.toContain('whole site is down');

    await page.goto(`${confab.url}/#/support/${encodeURIComponent(mine.id)}`);
    await entryShown(page, 'How do I export?');
    // Bodies are text, never HTML: shown as written, nothing runs.
    await entryShown(page, hostile);
    expect(await timeline(page).locator('img, script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters the inbox (mine, unassigned, by stage), and staff start a conversation with a customer', async () => {
    const taken = await createConversation(admin, { title: 'Filter: taken by admin', members: [ada.id], owned_by: [adminId] });
    const bobs = await createConversation(admin, { title: "Filter: Bob's", members: [ada.id], owned_by: [bobId] });
    const nobodys = await createConversation(admin, { title: 'Filter: nobody yet', members: [zed.id] });
    const done = await createConversation(admin, { title: 'Filter: done', members: [zed.id] });
    await admin.call('conversations.update', { id: done.id, stage: { name: 'resolved' } });

    const { page, context, errors } = await browser.newPage();
    await signIn(page, confab.url, bobToken);
    await openSupport(page);
    const titles = async () => (await inbox(page).locator('.conversation-row-title').allInnerTexts()).filter((title) => title.startsWith('Filter:'));
    const view = (name: string) => page.getByRole('group', { name: 'View' }).getByRole('button', { name });

    // All open ones: not the resolved one.
    await expect.poll(titles).toEqual(expect.arrayContaining([taken.title, bobs.title, nobodys.title]));
    expect(await titles()).not.toContain(done.title);

    await view('Mine').click();
    await expect.poll(titles).toEqual([bobs.title]);
    await view('Unassigned').click();
    await expect.poll(titles).toEqual([nobodys.title]);
    await view('All').click();
    await page.getByLabel('Stage filter').selectOption('resolved');
    await expect.poll(titles).toEqual([done.title]);
    await page.getByLabel('Stage filter').selectOption('any');
    await expect.poll(async () => (await titles()).length).toBe(4);

    // Staff start one with a customer, who is its member and reads the first message.
    await page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Customer').selectOption({ label: 'Zed Shaw · Globex · zed@globex.example' });
    await dialog.getByLabel('Subject').fill('Your plan renews soon');
    await dialog.getByLabel('First message').fill('Hi Zed, a heads-up about your renewal.');
    await dialog.getByRole('button', { name: 'Start conversation' }).click();
    await entryShown(page, 'Hi Zed, a heads-up about your renewal.');
    const { conversations } = await zed.client.call<{ conversations: { title?: string }[] }>('conversations.list', {});
    expect(conversations.map((conversation) => conversation.title)).toContain('Your plan renews soon');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has no serious accessibility findings and fits 1280 and 375 px, for staff and customers', async () => {
    const conversation = await createConversation(ada.client, { title: 'Dark mode request', messages: [{ body: 'Could the app have a dark mode?' }] });
    await admin.call('timeline-entries.create', { type: 'timeline_comment', object: conversation.id, body: 'Already on the roadmap for Q3', visibility: 'internal' });
    await admin.call('timeline-entries.create', { type: 'timeline_comment', object: conversation.id, body: 'It is planned: we will tell you when it ships.' });
    const href = `${confab.url}/#/support/${encodeURIComponent(conversation.id)}`;

    for (const width of [1280, 375]) {
      const staff = await browser.newPage({ width, height: width === 375 ? 740 : 800 });
      await signIn(staff.page, confab.url, confab.adminToken);
      await staff.page.goto(href);
      await entryShown(staff.page, 'Already on the roadmap for Q3');
      expect(await seriousViolations(staff.page)).toEqual([]);
      expect(await staff.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      if (width === 375) await screenshot(staff.page, 'support-staff-375');
      if (width === 375) {
        await staff.page.getByRole('link', { name: /Inbox/ }).click();
        await inbox(staff.page).waitFor();
        expect(await seriousViolations(staff.page)).toEqual([]);
        await screenshot(staff.page, 'support-inbox-375');
      }

      const buyer = await browser.newPage({ width, height: width === 375 ? 740 : 800 });
      await signInAsCustomer(buyer.page, ada.token);
      await buyer.page.goto(href);
      await entryShown(buyer.page, 'It is planned: we will tell you when it ships.');
      expect(await buyer.page.content()).not.toContain('roadmap for Q3');
      expect(await seriousViolations(buyer.page)).toEqual([]);
      expect(await buyer.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      if (width === 375) await screenshot(buyer.page, 'support-customer-375');
      expect([...staff.errors, ...buyer.errors]).toEqual([]);
      await staff.context.close();
      await buyer.context.close();
    }
    expect(offLoopback).toEqual([]);
  });
});
