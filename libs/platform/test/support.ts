import { Injectable, type Type } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, type PrismaClientLike, PrismaServiceBase, withDatabase } from '../src';

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

/** Stands in for a generated Prisma client: the same raw-SQL methods over node-postgres. */
export class PgClient implements PrismaClientLike {
  private readonly pool: Pool;
  constructor(url: string) {
    this.pool = new Pool({ connectionString: url, connectionTimeoutMillis: 1000 });
  }
  async $connect(): Promise<void> {}
  async $disconnect(): Promise<void> {
    await this.pool.end();
  }
  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.pool.query(query, values)).rowCount ?? 0;
  }
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.pool.query(query, values)).rows as T;
  }
}

/** A service's PrismaService as the platform sees it, over PgClient, for DatabaseModule.forRoot. */
export function testPrismaService(databaseUrl: string): Type<PrismaClientLike> {
  @Injectable()
  class TestPrismaService extends PrismaServiceBase(PgClient) {
    override readonly databaseUrl = databaseUrl;
    constructor() {
      super(databaseUrl);
    }
  }
  return TestPrismaService;
}
