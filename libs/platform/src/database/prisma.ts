import {
  Logger,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { BaseConfig } from '../config/config';
import { PlatformError } from '../errors/platform.error';
import { ReadinessRegistry } from '../health/health';
import { DATABASE_CLIENT } from '../platform.tokens';
import { describeDatabase } from './database-url';
import { inTransactionScope, TransactionTrackingPool } from './transaction-sql';

/** What the platform needs of a generated Prisma client. */
export interface PrismaClientLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * The driver adapter every service uses: node-postgres, no native query engine. Its pool knows
 * which connection an interactive transaction runs on (`transactionSql`).
 */
export function createPgAdapter(
  config: Pick<BaseConfig, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'DATABASE_CONNECT_TIMEOUT_MS'>,
): PrismaPg {
  const pool = new TransactionTrackingPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
  return new PrismaPg(pool, { disposeExternalPool: true });
}

/** Fails with DATABASE.UNREACHABLE unless the database answers a query. */
export async function assertDatabaseReachable(client: PrismaClientLike, url: string): Promise<void> {
  try {
    await client.$executeRawUnsafe('SELECT 1');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PlatformError(
      'DATABASE.UNREACHABLE',
      `Database ${describeDatabase(url)} is unreachable: ${reason}`,
      {
        cause,
      },
    );
  }
}

// TypeScript's mixin pattern requires a constructor type taking any[].
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = new (...args: any[]) => T;

/**
 * Base for each service's PrismaService: connects at boot and stops the boot when the
 * database does not answer (a service without its database must not pretend to be up).
 */
export function PrismaServiceBase<TBase extends Constructor<PrismaClientLike>>(Base: TBase) {
  abstract class PrismaService extends Base implements OnModuleInit, OnModuleDestroy {
    abstract readonly databaseUrl: string;

    async onModuleInit(): Promise<void> {
      await assertDatabaseReachable(this, this.databaseUrl);
      new Logger('Database').log(`connected to ${describeDatabase(this.databaseUrl)}`);
    }

    async onModuleDestroy(): Promise<void> {
      await this.$disconnect();
    }
  }
  // The interactive form runs in a transaction scope, so that its repositories may reach its
  // connection (transactionSql). Defined outside the class body: declared there, it would add a
  // signature of its own to the generated client's typed overloads.
  const generated = Base.prototype as { $transaction?: (...args: unknown[]) => unknown };
  const original = generated.$transaction;
  if (original !== undefined)
    Object.defineProperty(PrismaService.prototype, '$transaction', {
      configurable: true,
      writable: true,
      value(this: unknown, work: unknown, ...rest: unknown[]): unknown {
        if (typeof work !== 'function') return original.call(this, work, ...rest);
        const callback = work as (tx: object) => unknown;
        return inTransactionScope((bind) =>
          original.call(
            this,
            (tx: object) => {
              bind(tx);
              return callback(tx);
            },
            ...rest,
          ),
        );
      },
    });
  return PrismaService;
}

const DATABASE_READINESS = Symbol('jsjb.database.readiness');

/**
 * Provides a service's PrismaService, registers it as the `database` readiness check and offers it
 * as DATABASE_CLIENT to the platform's own tables (the audit trail), which run raw SQL through it.
 */
export class DatabaseModule {
  static forRoot<T extends PrismaClientLike>(service: Type<T>): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        service,
        { provide: DATABASE_CLIENT, useExisting: service },
        {
          provide: DATABASE_READINESS,
          inject: [service, ReadinessRegistry],
          useFactory: (client: T, registry: ReadinessRegistry) => {
            registry.register({
              name: 'database',
              check: async () => void (await client.$executeRawUnsafe('SELECT 1')),
            });
            return true;
          },
        },
      ],
      exports: [service, DATABASE_CLIENT],
    };
  }
}
