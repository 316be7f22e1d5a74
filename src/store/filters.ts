/** Query pieces several entity stores share. */
import { sql, type Expression, type ExpressionBuilder, type ReferenceExpression, type SqlBool } from 'kysely';

/**
 * `column IN (values)` for a list filter. A filter given as an empty list matches nothing
 * (DevRev's lists treat `state: []` so), and SQL has no empty IN list, so it becomes false.
 */
export function inList<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: ReferenceExpression<DB, TB>,
  values: readonly unknown[],
): Expression<SqlBool> {
  if (values.length === 0) return sql<SqlBool>`1 = 0`;
  return eb(column, 'in', values as never);
}
