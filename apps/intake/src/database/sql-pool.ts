import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import { Pool, type QueryResultRow } from 'pg';
import type { IntakeConfig } from '../config';

/**
 * node-postgres for the create path's two statements (the group-committed insert and the batched
 * duplicate read): Prisma's raw-query layer costs several times the driver's CPU per statement, and
 * these run for every ticket. Used only inside *.repository.ts files, like Prisma.
 */
@Injectable()
export class SqlPool implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(@Inject(PLATFORM_CONFIG) config: IntakeConfig) {
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_HOT_POOL_MAX,
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', () => undefined); // an idle client's error surfaces on its next query
  }

  async query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    const result = await this.pool.query<R>(text, [...values]);
    return result.rows;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

@Global()
@Module({ providers: [SqlPool], exports: [SqlPool] })
export class SqlPoolModule {}
