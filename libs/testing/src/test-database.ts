import { dropDatabase, ensureDatabase, migrate, withDatabase } from '@jsjb/platform';
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from './environment';

export interface TestDatabase {
  /** URL of the new, migrated database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A unique database name for this run: `jsjb_test_<label>_<random>`. */
export function uniqueDatabaseName(label: string): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `jsjb_test_${safe}_${randomBytes(5).toString('hex')}`;
}

/**
 * Creates a uniquely named database on the test server and applies `migrationsDir` to it
 * (when given). Call `drop()` when done.
 */
export async function createTestDatabase(label: string, migrationsDir?: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(label);
  const url = withDatabase(testPostgresUrl(), name);
  await ensureDatabase(url);
  try {
    if (migrationsDir !== undefined) await migrate({ databaseUrl: url, migrationsDir });
  } catch (error) {
    await dropDatabase(url);
    throw error;
  }
  return { url, name, drop: () => dropDatabase(url) };
}
