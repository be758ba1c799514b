import { Client } from 'pg';
import { PlatformError } from '../errors/platform.error';
import { databaseName, describeDatabase, withDatabase } from './database-url';

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function assertSafeName(name: string): void {
  if (!SAFE_NAME.test(name)) {
    throw new PlatformError(
      'DATABASE.BAD_NAME',
      `Refusing database name "${name}": use [a-z0-9_], 63 characters at most`,
    );
  }
}

async function withMaintenanceClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
  } catch (cause) {
    throw new PlatformError('DATABASE.UNREACHABLE', `PostgreSQL at ${describeDatabase(url)} is unreachable`, {
      cause,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` when it does not exist yet. Returns whether it created it. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  assertSafeName(name);
  return withMaintenanceClient(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
  });
}

/** Drops the database named in `url`, disconnecting anyone still on it. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  assertSafeName(name);
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
