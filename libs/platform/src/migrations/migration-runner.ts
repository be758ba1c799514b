import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { describeDatabase } from '../database/database-url';
import { PlatformError } from '../errors/platform.error';

/**
 * The advisory lock key Prisma Migrate takes, so that our runner and `prisma migrate deploy`
 * exclude each other as well as concurrent replicas of a service.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's bookkeeping table, created exactly as Prisma creates it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const MIGRATION_DIR = /^\d{14}_[a-z0-9_]+$/;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface MigrateOptions {
  databaseUrl: string;
  /** The `prisma/migrations` folder: `<timestamp>_<name>/migration.sql` per migration. */
  migrationsDir: string;
  logger?: MigrationLogger;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** SHA-256 of the script's bytes, hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Reads the migrations folder in order. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of dirs) {
    if (!MIGRATION_DIR.test(name)) {
      throw new PlatformError(
        'MIGRATION.BAD_NAME',
        `Migration folder "${name}" is not <14-digit timestamp>_<snake_name>`,
      );
    }
    const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
    files.push({ name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) });
  }
  return files;
}

const silentLogger: MigrationLogger = { log: () => undefined, warn: () => undefined };

/**
 * Applies pending migrations in order under Prisma's advisory lock, recording each in
 * `_prisma_migrations` like `prisma migrate deploy` does. Refuses to run when an applied
 * migration was edited, is missing its script or failed earlier.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const logger = options.logger ?? silentLogger;
  const migrations = await readMigrations(options.migrationsDir);
  const client = new Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (cause) {
    throw new PlatformError(
      'DATABASE.UNREACHABLE',
      `Database ${describeDatabase(options.databaseUrl)} is unreachable`,
      {
        cause,
      },
    );
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const pending = checkHistory(migrations, rows, logger);
      const applied: string[] = [];
      for (const migration of pending) {
        await applyOne(client, migration);
        logger.log(`applied migration ${migration.name}`);
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: migrations.length - pending.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Validates what the database has against the folder; returns the migrations still to apply. */
function checkHistory(
  migrations: MigrationFile[],
  rows: AppliedRow[],
  logger: MigrationLogger,
): MigrationFile[] {
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new PlatformError(
      'MIGRATION.FAILED_BEFORE',
      `Migration ${failed.migration_name} started but never finished. Inspect the database, then mark it rolled back ` +
        `(prisma migrate resolve --rolled-back ${failed.migration_name}) before migrating again.`,
      { details: { migration: failed.migration_name } },
    );
  }
  const finished = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r]));
  const local = new Map(migrations.map((m) => [m.name, m]));
  for (const row of finished.values()) {
    const file = local.get(row.migration_name);
    if (!file) {
      throw new PlatformError(
        'MIGRATION.MISSING_LOCALLY',
        `Migration ${row.migration_name} is applied to the database but missing from the migrations folder`,
        { details: { migration: row.migration_name } },
      );
    }
    if (file.checksum !== row.checksum) {
      throw new PlatformError(
        'MIGRATION.EDITED_AFTER_APPLY',
        `Migration ${row.migration_name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… ` +
          `in the database, ${file.checksum.slice(0, 12)}… on disk). Restore it and add a new migration instead.`,
        { details: { migration: row.migration_name } },
      );
    }
  }
  const pending = migrations.filter((m) => !finished.has(m.name));
  const lastApplied = migrations.findLastIndex((m) => finished.has(m.name));
  const firstPending = migrations.findIndex((m) => !finished.has(m.name));
  if (firstPending !== -1 && firstPending < lastApplied) {
    logger.warn(
      `migration ${migrations[firstPending]?.name} is older than the last applied one; applying it now`,
    );
  }
  return pending;
}

/**
 * Runs one script and its bookkeeping row in one transaction: a crash mid-script leaves no
 * trace and the next run retries it; a failing script is recorded as rolled back, with its error.
 */
async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK');
    const reason = cause instanceof Error ? cause.message : String(cause);
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, rolled_back_at) VALUES ($1, $2, $3, now(), $4, now())',
      [id, migration.checksum, migration.name, reason],
    );
    throw new PlatformError(
      'MIGRATION.APPLY_FAILED',
      `Migration ${migration.name} failed and was rolled back: ${reason}`,
      {
        cause,
        details: { migration: migration.name },
      },
    );
  }
}
