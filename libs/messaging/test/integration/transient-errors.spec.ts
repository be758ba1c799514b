// What Prisma 7 (through @prisma/adapter-pg) really throws when PostgreSQL drops a connection or
// deadlocks: the consumer must retry these, never dead-letter them (a PostgreSQL restart once
// dead-lettered 120 events in the chaos run).
import { isTransientError } from '../../src/consumer/event-errors';
import { createTestDb, type TestDb } from '../support';

describe('transient errors as Prisma 7 throws them', () => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb('transient');
  });

  afterAll(async () => {
    await db?.close();
  });

  /** Runs `work` in a transaction whose connection another session terminates meanwhile. */
  async function terminatedDuring(work: 'raw' | 'model'): Promise<unknown> {
    const failure = db.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('application_name', 'doomed', false)`);
        if (work === 'raw') await tx.$executeRawUnsafe('SELECT pg_sleep(10)');
        else await tx.$queryRawUnsafe('SELECT pg_sleep(10)');
      })
      .then(
        () => new Error('the transaction was not interrupted'),
        (error: unknown) => error,
      );
    // Terminate the doomed backend once it sleeps (no sleep here: poll the activity view).
    for (let tries = 0; tries < 500; tries++) {
      const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE application_name = 'doomed' AND query LIKE '%pg_sleep%' AND state = 'active'`,
      );
      if ((row?.n ?? 0) > 0) break;
    }
    return failure;
  }

  it.each(['raw', 'model'] as const)('retries a terminated connection (57P01, %s query)', async (work) => {
    const error = await terminatedDuring(work);
    expect(String(error)).toMatch(/57P01|terminat|Connection/i);
    expect(isTransientError(error)).toBe(true);
  });

  it('retries a deadlock (40P01) and not a unique violation (23505)', async () => {
    await db.prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS lock_pair (id int PRIMARY KEY)');
    await db.prisma.$executeRawUnsafe('INSERT INTO lock_pair VALUES (1), (2) ON CONFLICT DO NOTHING');
    let ready = 0;
    const both = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (ready === 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const lockThen = (first: number, second: number) =>
      db.prisma
        .$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SELECT * FROM lock_pair WHERE id = ${first} FOR UPDATE`);
          ready += 1;
          await both;
          await tx.$executeRawUnsafe(`SELECT * FROM lock_pair WHERE id = ${second} FOR UPDATE`);
        })
        .then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
    const outcomes = await Promise.all([lockThen(1, 2), lockThen(2, 1)]);
    const deadlock = outcomes.find((o) => o !== undefined);
    expect(deadlock?.message).toContain('40P01');
    expect(isTransientError(deadlock)).toBe(true);

    const duplicate = await db.prisma.$executeRawUnsafe('INSERT INTO lock_pair VALUES (1)').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(duplicate)).toContain('23505');
    expect(isTransientError(duplicate)).toBe(false);
  });
});
