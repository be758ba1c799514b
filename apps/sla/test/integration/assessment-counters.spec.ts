import { withCommitHooks } from '@jsjb/messaging';
import { type Counters, ZERO } from '../../src/assessment/assessment.domain';
import { AssessmentRepository, type Tx } from '../../src/assessment/assessment.repository';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

/**
 * Two consumer batches (partitions) applying events at once bump the same counter rows in opposite
 * orders. Bumped event by event they deadlock (PostgreSQL aborts one: 40P01, retried with back-off
 * under load); deferred to the batch's end (`deferToCommit`), every batch locks them in one order.
 */
describe('assessment counters under concurrent batches', () => {
  let h: SlaHarness;
  let counters: AssessmentRepository;
  const one: Counters = { ...ZERO, orders: 1, assessable: 1 };

  beforeAll(async () => {
    h = await startSlaHarness();
    counters = h.get(AssessmentRepository);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** A resolved promise pair: each transaction signals it holds its first row, then waits for the other. */
  function barrier(): { arrive: () => Promise<void> } {
    let count = 0;
    let release: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (release = resolve));
    return {
      arrive: () => {
        count += 1;
        if (count === 2) release();
        return all;
      },
    };
  }

  /** A batch adding one order to each unit in turn, meeting the other batch after its first. */
  const batch = (units: readonly string[], meet: () => Promise<void>, deferred: boolean) =>
    h.prisma.$transaction(async (tx: Tx) => {
      const work = async () => {
        for (const [i, unitId] of units.entries()) {
          await counters.addToUnitDay(tx, unitId, '2026-05-01', one);
          if (i === 0) await meet();
        }
      };
      if (deferred) await withCommitHooks(tx, work);
      else await work();
    });

  const orders = async (unitId: string) =>
    (
      await h.prisma.assessmentUnitDay.findUnique({
        where: { day_unitId: { day: new Date('2026-05-01T00:00:00Z'), unitId } },
      })
    )?.orders ?? 0;

  it('deadlocks when each event bumps its counters at once (the old way)', async () => {
    // Rows exist first: both transactions then wait on each other's row lock.
    await batch(['unit-x', 'unit-y'], () => Promise.resolve(), false);
    const meet = barrier();
    const outcomes = await Promise.allSettled([
      batch(['unit-x', 'unit-y'], meet.arrive, false),
      batch(['unit-y', 'unit-x'], meet.arrive, false),
    ]);
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('40P01');
  }, 30_000);

  it('never deadlocks when a batch defers its counters to its end, and every increment counts', async () => {
    const before = { a: await orders('unit-a'), b: await orders('unit-b') };
    await batch(['unit-a', 'unit-b'], () => Promise.resolve(), true);
    const meet = barrier();
    await Promise.all([
      batch(['unit-a', 'unit-b', 'unit-a'], meet.arrive, true),
      batch(['unit-b', 'unit-a'], meet.arrive, true),
    ]);
    expect({ a: await orders('unit-a'), b: await orders('unit-b') }).toEqual({
      a: before.a + 4,
      b: before.b + 3,
    });
  }, 30_000);

  it('writes at once outside a consumer batch (an HTTP request)', async () => {
    await h.prisma.$transaction(async (tx: Tx) => {
      await counters.addToUnitDay(tx, 'unit-now', '2026-05-01', one);
      const [row] = await tx.$queryRaw<{ orders: number }[]>`
        SELECT orders FROM assessment_unit_day WHERE unit_id = 'unit-now'`;
      expect(row?.orders).toBe(1);
    });
  }, 30_000);
});
