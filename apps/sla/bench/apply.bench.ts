import { loadavg } from 'node:os';
import type { EventType, TicketDispatchedV1 } from '@jsjb/contracts';
import { machineInfo, percentile, waitFor, writeBenchResult } from '@jsjb/testing';
import { deliverReference } from '../test/support/reference-fixture';
import { type SlaHarness, startSlaHarness } from '../test/support/sla-harness';
import { dispatchedAssignment, ticketReceived } from '../test/support/ticket-events';

/**
 * sla applying ticket events on its own (issue 9): BENCH_TICKETS (default 2,000) tickets, each a
 * `ticket.received.v1` and a `ticket.dispatched.v1` to a lead, a co-handler and a copy, produced up
 * front in bulk; timed until every event is in sla's inbox. It reports tickets applied per second and
 * the process's CPU per ticket. That process also runs the in-process dev broker and the producer, so
 * compare runs of this bench with each other (an A/B of sla's consumer path), not with the parts of
 * `npm run bench`, whose whole system on one machine is too noisy to show a change of a few per cent.
 */
const TICKETS = Number(process.env['BENCH_TICKETS'] ?? 2_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

interface Round {
  tickets: number;
  seconds: number;
  ticketsPerSecond: number;
  cpuMsPerTicket: number;
}

describe('sla applying ticket events (BENCH_TICKETS tickets, received + dispatched)', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0', LOG_LEVEL: 'warn' });
    await deliverReference(h);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  function events(): { type: EventType; subject: string; data: unknown }[] {
    const now = h.clock.now();
    return Array.from({ length: TICKETS }, (_, i) => {
      const received = ticketReceived(now, { number: `2026112${String(i).padStart(7, '0')}` });
      const ticketId = received.ticketId;
      const dispatched: TicketDispatchedV1 = {
        ticketId,
        assignments: [
          dispatchedAssignment('street-a', 'lead'),
          dispatchedAssignment('dept-housing', 'co'),
          dispatchedAssignment('gov-110105', 'copy'),
        ],
        rule: 'territorial',
        catalogVersion: '2026.1',
        cycle: 1,
        dispatchedAt: now.toISOString(),
      };
      return [
        { type: 'ticket.received.v1' as const, subject: ticketId, data: received },
        { type: 'ticket.dispatched.v1' as const, subject: ticketId, data: dispatched },
      ];
    }).flat();
  }

  const inbox = async () => h.prisma.processedEvent.count();

  it('applies every event; tickets per second and CPU per ticket', async () => {
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = events();
      const before = await inbox();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await h.produceMany(batch);
      await waitFor(async () => (await inbox()) >= before + batch.length, {
        description: `${batch.length} events in sla's inbox`,
        timeoutMs: 600_000,
        intervalMs: 100,
      });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      rounds.push({
        tickets: TICKETS,
        seconds: +seconds.toFixed(2),
        ticketsPerSecond: Math.round(TICKETS / seconds),
        cpuMsPerTicket: +((used.user + used.system) / 1000 / TICKETS).toFixed(2),
      });
    }
    const clocks = await h.prisma.slaClock.count();
    // Two clocks at receipt, the dispatch clock stopped, three for the lead and one for the co-handler.
    expect(clocks).toBe(ROUNDS * TICKETS * 6);
    const result = {
      benchmark: 'sla-apply',
      date: new Date().toISOString(),
      machine: { ...machineInfo(), loadAverage1m: +(loadavg()[0] ?? 0).toFixed(2) },
      tickets: TICKETS,
      rounds,
      medianTicketsPerSecond: percentile(
        rounds.map((r) => r.ticketsPerSecond).sort((a, b) => a - b),
        50,
      ),
      medianCpuMsPerTicket: percentile(
        rounds.map((r) => r.cpuMsPerTicket).sort((a, b) => a - b),
        50,
      ),
    };
    const file = await writeBenchResult('sla-apply', result.date, result);
    console.log(
      [
        `sla applying ${TICKETS} tickets (received + dispatched), ${ROUNDS} rounds:`,
        ...rounds.map(
          (r, i) =>
            `  round ${i + 1}: ${r.ticketsPerSecond} tickets/s (${r.seconds} s), ${r.cpuMsPerTicket} ms CPU per ticket`,
        ),
        `  median: ${result.medianTicketsPerSecond} tickets/s, ${result.medianCpuMsPerTicket} ms CPU per ticket`,
        `  → ${file}`,
      ].join('\n'),
    );
  });
});
