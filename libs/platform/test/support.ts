import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../src';

// libs/testing depends on this library, so platform's own tests cannot use it: they get
// this minimal equivalent, built on the same admin functions.
export const postgresUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function scratchDatabaseUrl(label: string): string {
  return withDatabase(postgresUrl, `jsjb_test_platform_${label}_${randomBytes(5).toString('hex')}`);
}

export async function createScratchDatabase(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = scratchDatabaseUrl(label);
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
