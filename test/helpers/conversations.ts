/** The people of a support-conversation test: two organizations; in the first, staff and customers of two rev orgs. */
import type { Person, TestServer } from './server.js';

const unique = () => Math.random().toString(36).slice(2, 8);

export interface SupportSetting {
  admin: Person;
  agent: Person;
  other: Person;
  bot: Person;
  acme: string;
  globex: string;
  alice: Person;
  colleague: Person;
  rival: Person;
  outsider: Person;
}

export async function supportSetting(t: TestServer): Promise<SupportSetting> {
  const admin = await t.given.org();
  const agent = await t.given.user(admin, 'dev_user', `agent${unique()}`);
  const other = await t.given.user(admin, 'dev_user', `other${unique()}`);
  const bot = await t.given.user(admin, 'service_account', `bot${unique()}`);
  const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: `Acme ${unique()}` })).body.rev_org.id as string;
  const globex = (await t.as(admin).post('/rev-orgs.create', { display_name: `Globex ${unique()}` })).body.rev_org.id as string;
  const alice = await t.given.customer(admin, acme, `alice${unique()}`);
  const colleague = await t.given.customer(admin, acme, `carl${unique()}`);
  const rival = await t.given.customer(admin, globex, `gina${unique()}`);
  const outsider = await t.given.org();
  return { admin, agent, other, bot, acme, globex, alice, colleague, rival, outsider };
}
