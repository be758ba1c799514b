import type { TokenClaims } from '@jsjb/platform';
import { waitFor } from '@jsjb/testing';
import { TimerService } from '../../src/clocks/timer.service';
import { deliverReference } from '../support/reference-fixture';
import { type SlaHarness, startSlaHarness, TIMEOUT_MS } from '../support/sla-harness';
import { dispatchedAssignment, ticketReceived } from '../support/ticket-events';

const MINUTE = 60_000;
const T0 = new Date('2026-11-23T02:00:00.000Z');
const manager: TokenClaims = { sub: 'manager-1', role: 'manager' };
const agent: TokenClaims = { sub: 'agent-1', role: 'callback_agent' };

/**
 * sla end to end, through its own events: a timer's 督办 on a late first contact and a 回访 answer reach
 * the assessment by the outbox, Kafka and the consumer, as in production.
 */
describe('sla: clocks, timers, 回访 and 考评 together', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0' });
    await deliverReference(h);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  async function urgentTicketFor(unitId: string): Promise<{ ticketId: string; lead: string }> {
    const received = ticketReceived(h.clock.now(), {
      number: '20261123000002',
      requestType: 'help',
      categoryCode: null,
      urgency: 'urgent',
      content: '楼道燃气泄漏气味明显',
    });
    const ticketId = received.ticketId;
    await h.deliver('ticket.received.v1', ticketId, received);
    const lead = dispatchedAssignment(unitId, 'lead');
    await h.deliver('ticket.dispatched.v1', ticketId, {
      ticketId,
      assignments: [lead],
      rule: 'territorial',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: h.clock.now().toISOString(),
    });
    return { ticketId, lead: lead.assignmentId };
  }

  it('a late first contact lowers 响应率 and a 回访 answer sets 解决率 and 满意率', async () => {
    h.clock.setFixed(T0);
    const late = await urgentTicketFor('street-a');
    const onTime = await urgentTicketFor('street-a');
    h.clock.advance(30 * MINUTE);
    await h.deliver('resident.contacted.v1', onTime.ticketId, {
      ticketId: onTime.ticketId,
      assignmentId: onTime.lead,
      unitId: 'street-a',
      method: 'phone',
      result: 'reached',
      note: '已联系',
      contactedAt: h.clock.now().toISOString(),
      firstReached: true,
      staffId: 'staff-a',
    });
    await h.deliver('ticket.replied.v1', onTime.ticketId, {
      ticketId: onTime.ticketId,
      assignmentId: onTime.lead,
      unitId: 'street-a',
      result: 'resolved',
      content: '已联系燃气公司关阀检修',
      attachments: [],
      cycle: 1,
      staffId: 'staff-a',
      repliedAt: h.clock.now().toISOString(),
    });

    // 2 h (urgent response and reply limits) pass: 督办 for the late one; the 回访 opens for both
    h.clock.advance(90 * MINUTE + MINUTE);
    await h.get(TimerService).promoteDue();
    await h.event('sla.breached.v1', late.ticketId, (d) => d['kind'] === 'response');
    const task = await waitFor(
      async () => {
        const res = await h.http('GET', `/callbacks?ticketId=${onTime.ticketId}`, agent);
        return (res.body['items'] as { id: string }[] | undefined)?.[0];
      },
      { description: 'the 回访 task', timeoutMs: TIMEOUT_MS },
    );
    const answered = await h.http('POST', `/callbacks/${task.id}/answers`, agent, {
      contacted: true,
      resolved: true,
      satisfaction: 'basically-satisfied',
      comment: '处理及时',
    });
    expect(answered.status).toBe(201);
    await h.event('ticket.rated.v1', onTime.ticketId);

    const rates = await waitFor(
      async () => {
        const res = await h.http('GET', '/assessment/rates?month=2026-11&unitClass=street', manager);
        const row = (res.body['units'] as Record<string, unknown>[] | undefined)?.find(
          (u) => u['unitId'] === 'street-a',
        );
        return row && row['resolutionRate'] !== null && row['resolutionRate'] !== undefined ? row : undefined;
      },
      { description: 'street-a’s rates', timeoutMs: TIMEOUT_MS },
    );
    expect(rates).toMatchObject({ responseRate: 0.5, resolutionRate: 1, satisfactionRate: 0.8 });
  });
});
