// System scenarios (tools/system/scenarios.ts) against a stack of their own: intake, routing and sla
// as separate processes with the Kafka dev broker, PostgreSQL and Redis (tools/dev/start.ts),
// asserted through the three services' APIs. One stack serves every scenario, in order.
import pg from 'pg';
import { scenarios } from '../../system/scenarios.ts';
import { scenarioTests } from './scenario-suite.ts';
import { startSystem } from './system-stack.ts';

describe('system scenarios', () => {
  const stack = scenarioTests(() => startSystem(), scenarios);

  it('reconciliation finds an event lost from an inbox and a miscounted counter', async () => {
    const system = stack();
    if (!system) throw new Error('the system did not start');
    const sla = new pg.Client({ connectionString: system.databaseUrls.sla });
    await sla.connect();
    try {
      // What a consumer that marked an event processed without its effect would leave, and a lost update.
      const { rows } = await sla.query<{ event_id: string }>(
        `DELETE FROM processed_event WHERE event_id IN (
           SELECT event_id FROM processed_event WHERE event_type = 'ticket.received.v1' LIMIT 1) RETURNING event_id`,
      );
      await sla.query(
        `UPDATE assessment_unit_day SET orders = orders + 1 WHERE (day, unit_id) IN (
           SELECT day, unit_id FROM assessment_unit_day LIMIT 1)`,
      );
      const report = await system.reconcile();
      expect(report.ok).toBe(false);
      expect(
        report.checks.filter((c) => c.mismatches > 0).map((c) => [c.name, c.mismatches, c.examples[0]]),
      ).toEqual([
        ['sla: every consumed event applied', 1, rows[0]?.event_id],
        ['sla: counters equal a recount of the facts', 1, expect.stringMatching(/^assessment_unit_day /)],
      ]);
    } finally {
      await sla.end();
    }
  }, 60_000);
});
