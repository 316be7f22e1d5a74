/** A unique constraint said no; the domain decides what that means (conflict, retry, …). */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string | undefined, cause: unknown) {
    super(`unique constraint violated${constraint ? `: ${constraint}` : ''}`, { cause });
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // better-sqlite3 and node-postgres name it differently.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Runs a write, turning the driver's unique-violation error into `UniqueViolation`. */
export async function translateUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      const constraint = (error as { constraint?: string }).constraint;
      throw new UniqueViolation(constraint, error);
    }
    throw error;
  }
}
