import { resolve } from 'node:path';
import type { RootStore } from './index.js';
import { openSqlite } from './sqlite.js';

export class UnsupportedDatabaseUrl extends Error {}

/** Opens the store a DATABASE_URL names: `sqlite:<path>`, `sqlite::memory:`. */
export async function openStore(url: string): Promise<RootStore> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return openSqlite(path === ':memory:' ? path : resolve(path));
  }
  throw new UnsupportedDatabaseUrl(
    `unsupported DATABASE_URL '${url.replace(/\/\/[^@]*@/, '//***@')}': use sqlite:<path> or sqlite::memory:`,
  );
}
