import { randomUUID } from 'node:crypto';
import type { TicketDispatchedV1 } from '@jsjb/contracts';
import { waitFor } from '@jsjb/testing';
import { Redis } from 'ioredis';
import { SlaEventBus } from '../../src/events/sla-event-bus';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

describe('sla stream events', () => {
  let h: SlaHarness;
  beforeAll(async () => {
    h = await startSlaHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('hands a consumed event to every subscriber once, in the consumer transaction, and records it in the inbox', async () => {
    const bus = h.sut.app.get(SlaEventBus);
    const seen: string[] = [];
    bus.on('ticket.dispatched.v1', (data) => {
      seen.push(`a:${data.ticketId}`);
      return Promise.resolve();
    });
    bus.on('ticket.dispatched.v1', async (data, { tx, envelope }) => {
      // the transaction is the consumer's: a query through it sees the inbox row of this very event
      const rows = await tx.processedEvent.count({ where: { eventId: envelope.id } });
      seen.push(`b:${data.ticketId}:${rows}`);
    });
    const ticketId = `T-${randomUUID()}`;
    const dispatched: TicketDispatchedV1 = {
      ticketId,
      assignments: [
        { assignmentId: 'A-1', unitId: 'street-1', role: 'lead', emergency: false, onDutyStaffId: null },
      ],
      rule: 'territorial',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: new Date().toISOString(),
    };
    const eventId = await h.deliver('ticket.dispatched.v1', ticketId, dispatched);
    await h.produce('ticket.dispatched.v1', ticketId, dispatched, { eventId }); // a redelivery
    const marker = await h.deliver('ticket.dispatched.v1', `T-${randomUUID()}`, {
      ...dispatched,
      ticketId: 'T-marker',
    });
    expect(marker).toBeTruthy();
    await waitFor(() => seen.includes('a:T-marker'), {
      description: 'the marker handled',
      timeoutMs: 20_000,
    });
    expect(seen.filter((s) => s.startsWith(`a:${ticketId}`))).toHaveLength(1);
    expect(seen).toContain(`b:${ticketId}:1`);
  });

  it('leaves no Redis keys of its run behind when closed (timers included)', async () => {
    const other = await startSlaHarness();
    const { REDIS_URL, REDIS_KEY_PREFIX } = other.sut.config;
    const raw = new Redis(REDIS_URL);
    try {
      await raw.set(`${REDIS_KEY_PREFIX}sla:probe`, 'here');
      expect((await raw.keys(`${REDIS_KEY_PREFIX}*`)).length).toBeGreaterThan(0);
      await other.close();
      expect(await raw.keys(`${REDIS_KEY_PREFIX}*`)).toEqual([]);
    } finally {
      raw.disconnect();
    }
  }, 60_000);
});
