import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EVENTS, type EventType, TOPICS } from '@jsjb/contracts';
import { createKafka, createProducer, fromKafkaHeaders, toKafkaHeaders } from '@jsjb/messaging';
import { Clock, type TokenClaims } from '@jsjb/platform';
import { bearer, startTestApp, type TestApp, waitFor } from '@jsjb/testing';
import type { Consumer, Message, Producer } from 'kafkajs';
import { AppModule, SERVICE } from '../../src/app.module';
import { type SlaConfig, slaConfigSchema } from '../../src/config';
import { PrismaService } from '../../src/database/prisma.service';

export const TIMEOUT_MS = 20_000;

export interface PublishedEvent {
  topic: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The service that produces each event type sla consumes, for the CloudEvents source. */
const PRODUCERS: Partial<Record<EventType, string>> = {
  'ticket.received.v1': 'intake',
  'ticket.closed-directly.v1': 'intake',
  'ticket.diverted.v1': 'intake',
  'ticket.merged.v1': 'intake',
  'ticket.rated.v1': 'sla',
  'ticket.reopened.v1': 'sla',
};

/**
 * The sla service in-process against its own database, Redis and a dev broker, with a producer that
 * plays intake and routing, a collector of everything published on the ticket and whistle streams,
 * and HTTP helpers with tokens. The service's Clock is the platform's: tests fix and advance it.
 */
export interface SlaHarness {
  sut: TestApp<SlaConfig>;
  prisma: PrismaService;
  clock: Clock;
  published: PublishedEvent[];
  /**
   * Produces an event as its owner's relay would (validated against the contract first); returns
   * its CloudEvents id. `time` defaults to the harness clock's now.
   */
  produce(
    type: EventType,
    subject: string,
    data: unknown,
    options?: { eventId?: string; time?: Date },
  ): Promise<string>;
  /** Produces many events, in order, a few hundred to a request; their ids. */
  produceMany(events: readonly { type: EventType; subject: string; data: unknown }[]): Promise<string[]>;
  /** Produces and waits until sla's inbox has it. */
  deliver(type: EventType, subject: string, data: unknown): Promise<string>;
  /** Waits until the event id is in sla's inbox. */
  processed(eventId: string): Promise<void>;
  /** Waits for a published event of `type` about `subject` matching `where`. */
  event(
    type: EventType,
    subject: string,
    where?: (data: Record<string, unknown>) => boolean,
  ): Promise<PublishedEvent>;
  /** Service-side objects by class (they change with a restart). */
  get<T>(type: new (...args: never[]) => T): T;
  /** Stops the service and boots it again on the same database, Redis and broker. */
  restart(): Promise<void>;
  http(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    caller: TokenClaims | null,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startSlaHarness(env: Record<string, string> = {}): Promise<SlaHarness> {
  const sut = await startTestApp(
    {
      service: SERVICE,
      configSchema: slaConfigSchema,
      appModule: (config) => AppModule.forRoot(config),
      migrationsDir: join(__dirname, '../../prisma/migrations'),
    },
    env,
  );
  const kafka = createKafka({ brokers: sut.config.KAFKA_BROKERS, clientId: 'sla-harness' });
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const collector: Consumer = kafka.consumer({
    groupId: `harness-${randomUUID()}`,
    allowAutoTopicCreation: true,
  });
  await collector.connect();
  await collector.subscribe({ topics: [TOPICS.ticket, TOPICS.whistle], fromBeginning: true });
  const published: PublishedEvent[] = [];
  await collector.run({
    eachMessage: ({ topic, message }) => {
      const envelope = fromKafkaHeaders(message.headers ?? {});
      if (envelope && message.value) {
        published.push({
          topic,
          type: envelope.type,
          subject: envelope.subject,
          data: JSON.parse(message.value.toString()) as Record<string, unknown>,
        });
      }
      return Promise.resolve();
    },
  });

  const harness: SlaHarness = {
    sut,
    get prisma() {
      return sut.app.get(PrismaService);
    },
    get clock() {
      return sut.app.get(Clock);
    },
    published,
    get(type) {
      return sut.app.get(type);
    },
    async restart() {
      await sut.restart();
    },
    async produce(type, subject, data, options = {}) {
      const eventId = options.eventId ?? randomUUID();
      await producer.send({
        topic: EVENTS[type].topic,
        messages: [message(type, subject, data, eventId, options.time ?? harness.clock.now())],
      });
      return eventId;
    },
    async produceMany(events) {
      const ids: string[] = [];
      const now = harness.clock.now();
      for (let start = 0; start < events.length; start += 500) {
        const byTopic = new Map<string, Message[]>();
        for (const { type, subject, data } of events.slice(start, start + 500)) {
          const eventId = randomUUID();
          ids.push(eventId);
          const topic = EVENTS[type].topic;
          const messages = byTopic.get(topic) ?? [];
          messages.push(message(type, subject, data, eventId, now));
          byTopic.set(topic, messages);
        }
        await producer.sendBatch({
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      }
      return ids;
    },
    async deliver(type, subject, data) {
      const eventId = await harness.produce(type, subject, data);
      await harness.processed(eventId);
      return eventId;
    },
    async processed(eventId) {
      await waitFor(async () => (await harness.prisma.processedEvent.count({ where: { eventId } })) === 1, {
        description: `event ${eventId} in the inbox`,
        timeoutMs: TIMEOUT_MS,
      });
    },
    event(type, subject, where = () => true) {
      return waitFor(() => published.find((e) => e.type === type && e.subject === subject && where(e.data)), {
        description: `${type} about ${subject}`,
        timeoutMs: TIMEOUT_MS,
      });
    },
    async http(method, url, caller, body) {
      const response = await sut.app.inject({
        method,
        url,
        headers: caller ? { authorization: bearer(caller) } : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      const text = response.body;
      return {
        status: response.statusCode,
        body: text ? response.json<Record<string, unknown>>() : {},
      };
    },
    async close() {
      await collector.disconnect();
      await producer.disconnect();
      await sut.close();
    },
  };
  return harness;
}

/** One event as the services publish it: keyed by its subject, CloudEvents headers, JSON body. */
function message(type: EventType, subject: string, data: unknown, eventId: string, time: Date): Message {
  const payload: unknown = EVENTS[type].schema.parse(data);
  return {
    key: subject,
    value: JSON.stringify(payload),
    headers: toKafkaHeaders({
      id: eventId,
      type,
      source: `jsjb/${PRODUCERS[type] ?? 'routing'}`,
      subject,
      time: time.toISOString(),
    }),
  };
}
