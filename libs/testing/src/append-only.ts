import { Client } from 'pg';

const MUTATIONS = ['UPDATE', 'DELETE', 'TRUNCATE'] as const;
export type TableMutation = (typeof MUTATIONS)[number];

/**
 * Tries UPDATE, DELETE and TRUNCATE of every row of `table`, each in a transaction rolled back
 * afterwards, and answers PostgreSQL's error message for each (null when it let the statement
 * through): an append-only table refuses all three.
 */
export async function tryMutations(
  databaseUrl: string,
  table: string,
  updateColumn: string,
): Promise<Record<TableMutation, string | null>> {
  const statements: Record<TableMutation, string> = {
    UPDATE: `UPDATE "${table}" SET "${updateColumn}" = "${updateColumn}"`,
    DELETE: `DELETE FROM "${table}"`,
    TRUNCATE: `TRUNCATE "${table}"`,
  };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const outcome = {} as Record<TableMutation, string | null>;
    for (const mutation of MUTATIONS) {
      await client.query('BEGIN');
      try {
        await client.query(statements[mutation]);
        outcome[mutation] = null;
      } catch (error) {
        outcome[mutation] = error instanceof Error ? error.message : String(error);
      } finally {
        await client.query('ROLLBACK');
      }
    }
    return outcome;
  } finally {
    await client.end();
  }
}
