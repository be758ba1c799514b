import { randomBytes } from 'node:crypto';
import { startDevBroker, type DevBroker } from '@jsjb/kafka-dev-broker';
import { startTracing, traceHttpRequests, type Tracing } from '@jsjb/platform';
import { waitFor } from '@jsjb/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { createKafka, Outbox, OutboxRelay } from '../../src';
import {
  createTestDb,
  defaultBehaviour,
  startConsumer,
  TEST_EVENT,
  testCatalog,
  type RunningConsumer,
  type TestDb,
} from '../support';

const TIMEOUT_MS = 60_000;
/** The caller's trace: the request continues it. */
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

describe('one trace across HTTP → outbox → Kafka → consumer → outbox → Kafka → consumer', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDb;
  let http: FastifyInstance;
  let relay: OutboxRelay;
  let consumer: RunningConsumer;
  let url: string;

  beforeAll(async () => {
    tracing = startTracing({
      service: 'tracing-test',
      config: { OTEL_TRACES_SAMPLER_ARG: 1 },
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    broker = await startDevBroker();
    kafka = createKafka({ brokers: [broker.brokers], clientId: 'tracing-test' });
    db = await createTestDb('tracing');
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');

    // An HTTP route that stores an event, as a service's command does: no traceparent passed.
    http = Fastify();
    traceHttpRequests(http);
    http.post<{ Body: { subject: string } }>('/things', async (request, reply) => {
      const { subject } = request.body;
      await db.prisma.$transaction(async (tx) => {
        await tx.testEffect.create({ data: { eventId: `http-${subject}`, subject, n: 0 } });
        await outbox.add(tx, { type: TEST_EVENT, subject, data: { subject, n: 1 } });
      });
      return reply.code(202).send({ accepted: subject });
    });
    await http.listen({ port: 0, host: '127.0.0.1' });
    const address = http.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;

    // The consumer handles n = 1 by storing the next event (n = 2) in its own transaction.
    const behaviour = defaultBehaviour();
    behaviour.afterEffect = async (tx, event) => {
      if (event.n === 1)
        await outbox.add(tx, {
          type: TEST_EVENT,
          subject: event.subject,
          data: { subject: event.subject, n: 2 },
        });
    };
    consumer = await startConsumer({
      kafka,
      prisma: db.prisma,
      catalog,
      groupId: `g-${randomBytes(4).toString('hex')}`,
      behaviour,
    });
    relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, idlePollMs: 20 });
    await relay.start();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await relay?.stop();
    await consumer?.close();
    await http?.close();
    await db?.close();
    await broker?.stop();
    await tracing?.shutdown();
  }, TIMEOUT_MS);

  it('parents every span on the one before it, from the caller’s traceparent to the second consumer', async () => {
    const response = await fetch(`${url}/things`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`,
      },
      body: JSON.stringify({ subject: 'S-1' }),
    });
    expect(response.status).toBe(202);
    const spans = await waitFor(
      () => {
        const finished = exporter.getFinishedSpans();
        return finished.filter((s) => s.kind === SpanKind.CONSUMER).length === 2 && finished;
      },
      { description: 'both consumer spans', timeoutMs: 30_000 },
    );

    const [server, ...others] = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(others).toEqual([]);
    if (server === undefined) throw new Error('no server span');
    const publishes = spans.filter((s) => s.kind === SpanKind.PRODUCER);
    const processes = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(publishes).toHaveLength(2);

    // One trace, the caller's.
    for (const span of spans) expect(span.spanContext().traceId).toBe(CALLER_TRACE_ID);

    // HTTP → publish n=1 → process n=1 → publish n=2 → process n=2.
    expect(server.name).toBe('POST /things');
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/things',
      'http.response.status_code': 202,
    });
    const chain: ReadableSpan[] = [server];
    for (let i = 0; i < 4; i++) {
      const last = chain[chain.length - 1];
      const children = spans.filter((s) => s.parentSpanContext?.spanId === last?.spanContext().spanId);
      expect(children).toHaveLength(1);
      chain.push(children[0] as ReadableSpan);
    }
    expect(chain.map((s) => [s.kind, s.name])).toEqual([
      [SpanKind.SERVER, 'POST /things'],
      [SpanKind.PRODUCER, `publish ${TEST_EVENT}`],
      [SpanKind.CONSUMER, `process ${TEST_EVENT}`],
      [SpanKind.PRODUCER, `publish ${TEST_EVENT}`],
      [SpanKind.CONSUMER, `process ${TEST_EVENT}`],
    ]);
    expect(new Set([...publishes, ...processes])).toEqual(new Set(chain.slice(1)));
    expect(chain[2]?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': consumer.groupId,
    });

    // The outbox rows carry the context they were written in: the request's, then the consumer's.
    const rows = await db.prisma.outboxEvent.findMany({ where: { key: 'S-1' }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => (r.headers as { traceparent?: string }).traceparent)).toEqual([
      `00-${CALLER_TRACE_ID}-${server.spanContext().spanId}-01`,
      `00-${CALLER_TRACE_ID}-${chain[2]?.spanContext().spanId}-01`,
    ]);
  });

  it('carries an unsampled trace on without recording it: the same trace id, flags 00, no spans', async () => {
    exporter.reset();
    const unsampled = '1f0a6b8bd5d8e1b9c0e6a0e9f1c2d3e4';
    const response = await fetch(`${url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${unsampled}-${CALLER_SPAN_ID}-00` },
      body: JSON.stringify({ subject: 'S-2' }),
    });
    expect(response.status).toBe(202);
    const rows = await waitFor(
      async () => {
        const found = await db.prisma.outboxEvent.findMany({
          where: { key: 'S-2' },
          orderBy: { seq: 'asc' },
        });
        return found.length === 2 && found.every((r) => r.sentAt !== null) && found;
      },
      { description: 'both events of S-2 published', timeoutMs: 30_000 },
    );
    const traceparents = rows.map((r) => String((r.headers as { traceparent?: string }).traceparent));
    for (const traceparent of traceparents)
      expect(traceparent).toMatch(new RegExp(`^00-${unsampled}-[0-9a-f]{16}-00$`));
    // The request's span, then the consumer's: each a span of its own, though neither was recorded.
    expect(new Set(traceparents.map((t) => t.split('-')[2])).size).toBe(2);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
