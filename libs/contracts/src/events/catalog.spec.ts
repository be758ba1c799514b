import { z } from 'zod';
import { TOPICS } from '../topics';
import { EVENTS, type TicketReceivedV1 } from './catalog';
import { defineEvent, eventCatalog } from './event-definition';

describe('event catalogue', () => {
  it('keys every definition by its type and puts ticket events on the ticket stream', () => {
    for (const [type, definition] of Object.entries(EVENTS)) {
      expect(definition.type).toBe(type);
      expect(type).toMatch(/\.v\d+$/);
    }
    expect(EVENTS['ticket.received.v1'].topic).toBe(TOPICS.ticket);
  });

  it('validates payloads with the schema', () => {
    const valid: TicketReceivedV1 = {
      ticketId: 't-1',
      number: '20261121000123',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'urban.property.elevator',
      urgency: 'general',
      content: '小区电梯故障三天未修',
      location: {
        districtCode: '110105',
        streetCode: null,
        communityCode: null,
        address: '朝阳区某小区',
        lng: null,
        lat: null,
      },
      confidential: false,
      receivedAt: '2026-11-21T08:00:00.000+08:00',
    };
    expect(EVENTS['ticket.received.v1'].schema.safeParse(valid).success).toBe(true);
    expect(EVENTS['ticket.received.v1'].schema.safeParse({ ...valid, number: '123' }).success).toBe(false);
  });

  it('refuses badly named or duplicate event types', () => {
    expect(() =>
      defineEvent({ type: 'TicketReceived', topic: 't', description: '', schema: z.object({}) }),
    ).toThrow();
    const a = defineEvent({ type: 'x.happened.v1', topic: 't', description: '', schema: z.object({}) });
    expect(() => eventCatalog([a, a])).toThrow(/defined twice/);
  });
});
