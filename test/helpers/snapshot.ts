/**
 * Every row of every table of a server's SQLite file, read over a second connection:
 * what a rejected request must leave exactly as it was.
 */
import BetterSqlite3 from 'better-sqlite3';

export function snapshotDatabase(file: string): string {
  const database = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) dump[name] = database.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
    return JSON.stringify(dump);
  } finally {
    database.close();
  }
}
