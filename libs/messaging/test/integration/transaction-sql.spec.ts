// platform's transactionSql (the driver on a Prisma interactive transaction's connection), tested
// here because this library has a generated Prisma client and a test database to run it against.
import {
  createPgAdapter,
  definedColumns,
  PrismaServiceBase,
  sqlStatement,
  sqlStatementOf,
  transactionSql,
} from '@jsjb/platform';
import { createTestDatabase, type TestDatabase } from '@jsjb/testing';
import { PrismaClient } from '../generated/prisma/client';
import { migrationsDir } from '../support';

class TestPrisma extends PrismaServiceBase(PrismaClient) {
  override readonly databaseUrl: string;

  constructor(url: string) {
    super({
      adapter: createPgAdapter({
        DATABASE_URL: url,
        DATABASE_POOL_MAX: 4,
        DATABASE_CONNECT_TIMEOUT_MS: 5000,
      }),
    });
    this.databaseUrl = url;
  }
}

const insertEffect = sqlStatement(
  'test.effect.insert',
  'INSERT INTO test_effect (event_id, subject, n) VALUES ($1, $2, $3) RETURNING id::text AS id',
);
const backend = sqlStatement('test.backend', 'SELECT pg_backend_pid() AS pid');

describe('transactionSql: the driver on a Prisma transaction’s connection', () => {
  let database: TestDatabase;
  let prisma: TestPrisma;

  beforeAll(async () => {
    database = await createTestDatabase('messaging_txsql', migrationsDir);
    prisma = new TestPrisma(database.url);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  const effects = (subject: string) => prisma.testEffect.count({ where: { subject } });

  /** The stable code `work` fails with. */
  function codeOf(work: () => unknown): unknown {
    try {
      work();
    } catch (error) {
      return (error as { code?: unknown }).code;
    }
    return 'no error';
  }

  it('runs in the transaction: each side sees the other’s writes, and both commit together', async () => {
    await prisma.$transaction(async (tx) => {
      await tx.testEffect.create({ data: { eventId: 'e1', subject: 'commit', n: 1 } });
      await transactionSql(tx).query(insertEffect, ['e2', 'commit', 2]);
      expect(await tx.testEffect.count({ where: { subject: 'commit' } })).toBe(2);
      const [mine] = await transactionSql(tx).query<{ pid: number }>(backend, []);
      const [prismas] = await tx.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      expect(mine?.pid).toBe(prismas?.pid);
    });
    expect(await effects('commit')).toBe(2);
  });

  it('rolls back with the transaction', async () => {
    const failure = prisma
      .$transaction(async (tx) => {
        await transactionSql(tx).query(insertEffect, ['e3', 'rollback', 1]);
        await tx.testEffect.create({ data: { eventId: 'e4', subject: 'rollback', n: 2 } });
        throw new Error('handler failed');
      })
      .catch((error: unknown) => error);
    expect(await failure).toEqual(new Error('handler failed'));
    expect(await effects('rollback')).toBe(0);
  });

  it('concurrent transactions each run on their own connection', async () => {
    const pids = await Promise.all(
      [1, 2, 3].map((n) =>
        prisma.$transaction(async (tx) => {
          const [row] = await transactionSql(tx).query<{ pid: number }>(backend, []);
          await transactionSql(tx).query(insertEffect, [`c${n}`, 'concurrent', n]);
          // hold the connection until every transaction has one
          await tx.$executeRawUnsafe('SELECT pg_sleep(0.05)');
          return row?.pid;
        }),
      ),
    );
    expect(new Set(pids).size).toBe(3);
    expect(await effects('concurrent')).toBe(3);
  });

  it('refuses anything but the running transaction’s tx, and a handle kept past its end', async () => {
    expect(codeOf(() => transactionSql(prisma))).toBe('DATABASE.NOT_IN_TRANSACTION');
    let kept: ReturnType<typeof transactionSql> | undefined;
    await prisma.$transaction((tx) => {
      expect(codeOf(() => transactionSql(prisma))).toBe('DATABASE.NOT_IN_TRANSACTION');
      kept = transactionSql(tx);
      return Promise.resolve();
    });
    await expect(kept?.query(insertEffect, ['e5', 'late', 1])).rejects.toMatchObject({
      code: 'DATABASE.NOT_IN_TRANSACTION',
    });
    expect(await effects('late')).toBe(0);
  });

  it('a statement name stands for one text, and fits PostgreSQL’s 63 bytes', () => {
    expect(sqlStatement('test.effect.insert', insertEffect.text)).toEqual(insertEffect);
    expect(codeOf(() => sqlStatement('test.effect.insert', 'SELECT 1'))).toBe(
      'DATABASE.STATEMENT_NAME_TAKEN',
    );
    expect(codeOf(() => sqlStatement('x'.repeat(64), 'SELECT 1'))).toBe('DATABASE.STATEMENT_NAME_TOO_LONG');
  });

  it('names a built statement by its text, and takes the defined fields of a change in one order', () => {
    const a = sqlStatementOf('test.update', 'UPDATE test_effect SET n = $2 WHERE id = $1');
    expect(sqlStatementOf('test.update', 'UPDATE test_effect SET n = $2 WHERE id = $1')).toBe(a);
    const b = sqlStatementOf('test.update', 'UPDATE test_effect SET subject = $2 WHERE id = $1');
    expect(a.name).toMatch(/^test\.update\./);
    expect(b.name).not.toBe(a.name);
    const columns = { subject: 'subject', n: 'n', appliedAt: 'applied_at' };
    expect(definedColumns(columns, { appliedAt: null, n: 2, subject: undefined })).toEqual({
      columns: ['n', 'applied_at'],
      values: [2, null],
    });
  });
});
