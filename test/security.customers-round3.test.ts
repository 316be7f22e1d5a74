import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient, streamOpener } from './helpers/sse.js';

/**
 * Security round three (issue 22, findings 2 and 3): a customer learns a staff member's
 * email only through a chat staff made or joined, never by search, and never sees what
 * another rev org's customer is known by (email, external_ref), in answers or events.
 */
const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, streamMaxBufferBytes: 64 * 1024 } });

const open = streamOpener(t);

async function setting() {
  const admin = await t.given.org();
  const agent = await t.given.user(admin, 'dev_user', 'agent');
  const other = await t.given.user(admin, 'dev_user', 'other');
  const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  const globex = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Globex' })).body.rev_org.id;
  const suffix = () => Math.random().toString(36).slice(2, 8);
  const alice = await t.given.customer(admin, acme, `alice${suffix()}`);
  const colleague = await t.given.customer(admin, acme, `carl${suffix()}`);
  const rival = await t.given.customer(admin, globex, `gina${suffix()}`);
  return { admin, agent, other, alice, colleague, rival };
}

type Summary = { id: string; email?: string; external_ref?: string };
const byId = (users: Summary[], person: Person) => users.find((user) => user.id === person.id)!;

describe('customers and staff emails', () => {
  it('a chat a customer makes shows them no staff email in its answer, until that staff member posts in it', async () => {
    const { agent, other, alice } = await setting();
    const created = await t.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, agent.id, other.id], is_default: false });
    expect(created.status).toBe(201);
    expect(byId(created.body.chat.users, agent).email).toBeUndefined();
    expect(byId(created.body.chat.users, alice).email).toBe(alice.user.email);
    const chat = created.body.chat.id;

    // The agent joins the conversation by posting: from then on the customer sees who they are.
    const reply = await t.given.message(agent, { id: chat }, 'hello, how can I help?');
    expect(reply.created_by.email).toBe(agent.user.email);
    const read = await t.as(alice).post('/chats.get', { id: chat });
    expect(read.status).toBe(200);
    expect(byId(read.body.chat.users, agent).email).toBe(agent.user.email);
    expect(byId(read.body.chat.users, other).email).toBeUndefined();
    // Staff see every email whoever made the chat.
    expect(byId((await t.as(other).post('/chats.get', { id: chat })).body.chat.users, agent).email).toBe(agent.user.email);
  });

  it('dev-users.get shows a customer no email of staff they put in a chat, only of staff who made or joined one with them', async () => {
    const { agent, other, alice } = await setting();
    await t.given.chat(alice, [agent]);
    const got = await t.as(alice).post('/dev-users.get', { id: agent.id });
    expect(got.status).toBe(200);
    expect(got.body.dev_user.email).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(agent.user.email!);

    // A chat staff made with the customer shows its staff.
    await t.given.chat(other, [alice]);
    expect((await t.as(alice).post('/dev-users.get', { id: other.id })).body.dev_user.email).toBe(other.user.email);
    // A customer adding staff to that chat vouches for nobody.
    const staffMade = await t.given.chat(other, [alice]);
    const updated = await t.as(alice).post('/chats.update', { id: staffMade.id, users: { set: [alice.id, other.id, agent.id] } });
    expect(updated.status).toBe(200);
    expect(byId(updated.body.chat.users, agent).email).toBeUndefined();
    expect((await t.as(alice).post('/dev-users.get', { id: agent.id })).body.dev_user.email).toBeUndefined();
  });

  it('search.core never matches a customer on an email they may not see', async () => {
    const { agent, alice } = await setting();
    await t.given.chat(alice, [agent]);
    const localPart = agent.user.email!.split('@')[0]!;
    // The address recovered one character at a time: every prefix of it finds nothing.
    for (const prefix of [localPart, localPart.slice(0, -1), agent.user.email!]) {
      const found = await t.as(alice).post('/search.core', { query: prefix, namespaces: ['dev_user'] });
      expect(found.status).toBe(200);
      expect(found.body.results.map((result: { user: Summary }) => result.user.id)).not.toContain(agent.id);
    }
    // By name they find the agent, without the email; staff still find by email.
    const byName = await t.as(alice).post('/search.core', { query: 'agent', namespaces: ['dev_user'] });
    expect(byName.body.results.map((result: { user: Summary }) => result.user.id)).toContain(agent.id);
    expect(JSON.stringify(byName.body)).not.toContain(agent.user.email!);
    const staff = await t.as(agent).post('/search.core', { query: localPart, namespaces: ['dev_user'] });
    expect(staff.body.results.map((result: { user: Summary }) => result.user.id)).toEqual([agent.id]);
    // Once the agent joins by posting, the customer may find them by the address they now see.
    const chat = await t.given.chat(agent, [alice]);
    await t.given.message(agent, chat);
    const joined = await t.as(alice).post('/search.core', { query: localPart, namespaces: ['dev_user'] });
    expect(joined.body.results.map((result: { user: Summary }) => result.user.id)).toEqual([agent.id]);
  });
});

describe('customers of other rev orgs', () => {
  it("a typing event shows the typer as each recipient may see them: no email or external_ref to another rev org's customer", async () => {
    const { agent, alice, colleague, rival } = await setting();
    const chat = await t.given.chat(agent, [alice, colleague, rival]);
    const [aliceStream, colleagueStream, agentStream] = [await open(alice), await open(colleague), await open(agent)];
    expect((await t.as(rival).post('/chats.typing', { id: chat.id })).status).toBe(200);
    for (const stream of [aliceStream, agentStream]) await stream.until(() => stream.events.some((event) => event.event === 'typing'));
    const seenBy = (stream: SseClient) => stream.events.find((event) => event.event === 'typing')!.data.typing.user;
    expect(seenBy(aliceStream)).toMatchObject({ id: rival.id, display_name: rival.user.displayName });
    expect(seenBy(aliceStream).email).toBeUndefined();
    expect(seenBy(aliceStream).external_ref).toBeUndefined();
    expect(JSON.stringify(aliceStream.events)).not.toContain(rival.user.email!);
    // Staff see the customer whole.
    expect(seenBy(agentStream)).toMatchObject({ email: rival.user.email, external_ref: rival.user.externalRef });

    // A colleague typing is seen with what colleagues see of each other.
    expect((await t.as(alice).post('/chats.typing', { id: chat.id })).status).toBe(200);
    const fromAlice = () => colleagueStream.events.find((event) => event.event === 'typing' && event.data.typing.user.id === alice.id);
    await colleagueStream.until(() => fromAlice() !== undefined);
    expect(fromAlice()!.data.typing.user).toMatchObject({ email: alice.user.email, external_ref: alice.user.externalRef });
  });

  it("answers never show a customer another rev org's customer's external_ref", async () => {
    const { agent, alice, colleague, rival } = await setting();
    const chat = await t.given.chat(agent, [alice, colleague, rival]);
    await t.given.message(rival, chat, 'hello from Globex');
    const read = await t.as(alice).post('/chats.get', { id: chat.id });
    expect(read.status).toBe(200);
    expect(byId(read.body.chat.users, rival).external_ref).toBeUndefined();
    expect(byId(read.body.chat.users, colleague).external_ref).toBe(colleague.user.externalRef);
    const entries = await t.as(alice).post('/timeline-entries.list', { object: chat.id });
    expect(entries.status).toBe(200);
    expect(entries.body.timeline_entries[0].created_by.external_ref).toBeUndefined();
    // Staff still see it.
    expect(byId((await t.as(agent).post('/chats.get', { id: chat.id })).body.chat.users, rival).external_ref).toBe(rival.user.externalRef);
  });
});
