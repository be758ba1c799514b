import { fromKafkaHeaders, toKafkaHeaders, type EventEnvelope } from './cloud-events';

describe('CloudEvents binary mode headers', () => {
  const envelope: EventEnvelope = {
    id: '8c1f6f9e-2b1e-4f5e-9a57-1f0c1c7b9a10',
    type: 'ticket.received.v1',
    source: 'jsjb/intake',
    subject: 'T-1',
    time: '2026-11-21T08:00:00.000Z',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };

  it('round-trips through Kafka headers as buffers', () => {
    const headers = Object.fromEntries(
      Object.entries(toKafkaHeaders(envelope)).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(fromKafkaHeaders(headers)).toEqual(envelope);
  });

  it('rejects headers without a required attribute', () => {
    const headers: Record<string, string> = toKafkaHeaders(envelope);
    delete headers['ce_type'];
    expect(fromKafkaHeaders(headers)).toBeUndefined();
  });
});
