/**
 * CloudEvents binary mode over Kafka: the envelope travels in headers prefixed `ce_`,
 * the payload in the record value. See ARCHITECTURE.md, Events.
 */
export const CE_HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  time: 'ce_time',
  specversion: 'ce_specversion',
  traceparent: 'traceparent',
} as const;

export interface EventEnvelope {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  traceparent?: string;
}

/** Envelope → Kafka headers. */
export function toKafkaHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: '1.0',
    [CE_HEADERS.id]: envelope.id,
    [CE_HEADERS.type]: envelope.type,
    [CE_HEADERS.source]: envelope.source,
    [CE_HEADERS.subject]: envelope.subject,
    [CE_HEADERS.time]: envelope.time,
  };
  if (envelope.traceparent !== undefined) headers[CE_HEADERS.traceparent] = envelope.traceparent;
  return headers;
}

/** Kafka headers → envelope; undefined when a required attribute is missing. */
export function fromKafkaHeaders(
  headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>,
): EventEnvelope | undefined {
  const read = (name: string): string | undefined => {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value === undefined ? undefined : value.toString();
  };
  const id = read(CE_HEADERS.id);
  const type = read(CE_HEADERS.type);
  const source = read(CE_HEADERS.source);
  const subject = read(CE_HEADERS.subject);
  const time = read(CE_HEADERS.time);
  if (!id || !type || !source || !subject || !time) return undefined;
  const traceparent = read(CE_HEADERS.traceparent);
  return traceparent === undefined
    ? { id, type, source, subject, time }
    : { id, type, source, subject, time, traceparent };
}
