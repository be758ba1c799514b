import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, PlatformError } from '../../src';
import { createScratchDatabase } from '../support';

describe('migration runner (real PostgreSQL)', () => {
  let dir: string;
  let db: { url: string; drop: () => Promise<void> };

  const write = async (name: string, sql: string): Promise<void> => {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'migration.sql'), sql);
  };
  const query = async <T extends object>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const codeOf = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
    } catch (error) {
      if (error instanceof PlatformError) return error.code;
      throw error;
    }
    throw new Error('expected a PlatformError');
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jsjb-migrations-'));
    db = await createScratchDatabase('migrations');
  });

  afterEach(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies migrations in order and records them like Prisma Migrate', async () => {
    const first = 'CREATE TABLE "a" ("id" INT PRIMARY KEY);\n';
    await write('20260101000000_first', first);
    await write('20260102000000_second', 'ALTER TABLE "a" ADD COLUMN "b" TEXT;\n');

    const result = await migrate({ databaseUrl: db.url, migrationsDir: dir });

    expect(result).toEqual({ applied: ['20260101000000_first', '20260102000000_second'], alreadyApplied: 0 });
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(rows[0]?.checksum).toBe(createHash('sha256').update(first).digest('hex'));
    expect(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);
    expect(await query('SELECT "id", "b" FROM "a"')).toEqual([]);
  });

  it('applies nothing twice', async () => {
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" INT);');
    await migrate({ databaseUrl: db.url, migrationsDir: dir });
    await write('20260102000000_second', 'CREATE TABLE "b" ("id" INT);');

    expect(await migrate({ databaseUrl: db.url, migrationsDir: dir })).toEqual({
      applied: ['20260102000000_second'],
      alreadyApplied: 1,
    });
    expect(await migrate({ databaseUrl: db.url, migrationsDir: dir })).toEqual({
      applied: [],
      alreadyApplied: 2,
    });
  });

  it('refuses to run when an applied migration was edited', async () => {
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" INT);');
    await migrate({ databaseUrl: db.url, migrationsDir: dir });
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" BIGINT);');
    await write('20260102000000_second', 'CREATE TABLE "b" ("id" INT);');

    expect(await codeOf(migrate({ databaseUrl: db.url, migrationsDir: dir }))).toBe(
      'MIGRATION.EDITED_AFTER_APPLY',
    );
    expect(await query(`SELECT 1 FROM pg_tables WHERE tablename = 'b'`)).toEqual([]);
  });

  it('refuses to run when an applied migration is missing locally', async () => {
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" INT);');
    await migrate({ databaseUrl: db.url, migrationsDir: dir });
    await rm(join(dir, '20260101000000_first'), { recursive: true });

    expect(await codeOf(migrate({ databaseUrl: db.url, migrationsDir: dir }))).toBe(
      'MIGRATION.MISSING_LOCALLY',
    );
  });

  it('rolls a failing migration back, records why, and applies the fixed script later', async () => {
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" INT);');
    await write('20260102000000_broken', 'CREATE TABLE "b" ("id" INT); INSERT INTO "nope" VALUES (1);');

    expect(await codeOf(migrate({ databaseUrl: db.url, migrationsDir: dir }))).toBe('MIGRATION.APPLY_FAILED');
    expect(await query(`SELECT 1 FROM pg_tables WHERE tablename = 'b'`)).toEqual([]);
    const [failed] = await query<{ logs: string; rolled_back_at: Date | null }>(
      `SELECT logs, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = '20260102000000_broken'`,
    );
    expect(failed?.logs).toContain('relation "nope" does not exist');
    expect(failed?.rolled_back_at).toBeInstanceOf(Date);

    await write('20260102000000_broken', 'CREATE TABLE "b" ("id" INT);');
    expect(await migrate({ databaseUrl: db.url, migrationsDir: dir })).toEqual({
      applied: ['20260102000000_broken'],
      alreadyApplied: 1,
    });
  });

  it('refuses to run after a migration that started and never finished', async () => {
    await write('20260101000000_first', 'CREATE TABLE "a" ("id" INT);');
    await migrate({ databaseUrl: db.url, migrationsDir: dir });
    await query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('00000000-0000-0000-0000-000000000001', 'x', '20260102000000_half')`,
    );
    expect(await codeOf(migrate({ databaseUrl: db.url, migrationsDir: dir }))).toBe(
      'MIGRATION.FAILED_BEFORE',
    );
  });

  it('serialises concurrent runners with the advisory lock: each migration applied once', async () => {
    for (let i = 1; i <= 5; i++) await write(`2026010${i}000000_m${i}`, `CREATE TABLE "t${i}" ("id" INT);`);

    const results = await Promise.all(
      [1, 2, 3].map(() => migrate({ databaseUrl: db.url, migrationsDir: dir })),
    );

    expect(results.flatMap((r) => r.applied).sort()).toEqual(
      [1, 2, 3, 4, 5].map((i) => `2026010${i}000000_m${i}`),
    );
    const [count] = await query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(count?.n).toBe('5');
  });

  it('rejects a folder that is not <timestamp>_<name>', async () => {
    await write('first', 'SELECT 1;');
    expect(await codeOf(migrate({ databaseUrl: db.url, migrationsDir: dir }))).toBe('MIGRATION.BAD_NAME');
  });

  it('fails with DATABASE.UNREACHABLE when the server does not answer', async () => {
    await write('20260101000000_first', 'SELECT 1;');
    expect(
      await codeOf(migrate({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', migrationsDir: dir })),
    ).toBe('DATABASE.UNREACHABLE');
  });
});
