import { serializeHeader, serializeRecord, type ExportRecord } from '../../src/portability/format.js';

/**
 * An export made by hand, in the canonical form an export has: organization `bulk`, two
 * users, `chats` chats and `messages` messages spread over them, a millisecond apart.
 */
export function synthetic({ chats, messages }: { chats: number; messages: number }): string {
  const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
  const records: ExportRecord[] = [
    { type: 'org', slug: 'bulk', name: 'Bulk', created_at: at(0), sequences: { chat: chats, dev_user: 2, timeline_comment: messages } },
  ];
  for (const [number, name] of [[1, 'Ada'], [2, 'Grace']] as const) {
    records.push({
      type: 'user',
      org: 'bulk',
      id: `DEVU-${number}`,
      email: `${name.toLowerCase()}@bulk.test`,
      display_name: name,
      state: 'active',
      is_admin: number === 1,
      created_at: at(number),
      modified_at: at(number),
    });
  }
  for (let number = 1; number <= chats; number++) {
    const lastMessage = messages - ((messages - number) % chats);
    records.push({
      type: 'chat',
      org: 'bulk',
      id: `CHAN-${number}`,
      title: `Chat ${number}`,
      is_default: false,
      users: ['DEVU-1', 'DEVU-2'],
      created_by: 'DEVU-1',
      modified_by: 'DEVU-1',
      created_at: at(10 + number),
      modified_at: at(10 + number),
      activity_at: lastMessage >= number ? at(1000 + lastMessage) : at(10 + number),
    });
  }
  for (let number = 1; number <= messages; number++) {
    const author = number % 2 === 0 ? 'DEVU-2' : 'DEVU-1';
    records.push({
      type: 'timeline_entry',
      org: 'bulk',
      id: `COMMENT-${number}`,
      chat: `CHAN-${((number - 1) % chats) + 1}`,
      body: `message ${number}: the quick brown fox jumps over the lazy dog`,
      body_type: 'text',
      visibility: 'external',
      created_by: author,
      modified_by: author,
      created_at: at(1000 + number),
      modified_at: at(1000 + number),
    });
  }
  return `${[serializeHeader(records.length), ...records.map(serializeRecord)].join('\n')}\n`;
}
