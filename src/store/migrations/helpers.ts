import type { ColumnDefinitionBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** An integer primary key the database assigns, spelled the way each dialect wants it. */
export function idColumn(column: ColumnDefinitionBuilder, dialect: DialectName): ColumnDefinitionBuilder {
  return dialect === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity();
}
