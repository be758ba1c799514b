import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EVENTS, type EventType, TOPICS } from '@jsjb/contracts';
import { createKafka, createProducer, fromKafkaHeaders, toKafkaHeaders } from '@jsjb/messaging';
import { Clock, type TokenClaims } from '@jsjb/platform';
import { bearer, startTestApp, type TestApp, waitFor } from '@jsjb/testing';
import type { Consumer, Producer } from 'kafkajs';
import { AppModule, SERVICE } from '../../src/app.module';
import { type IntakeConfig, intakeConfigSchema } from '../../src/config';
import { PrismaService } from '../../src/database/prisma.service';

export const TIMEOUT_MS = 20_000;

/** An event as it went over Kafka: topic, CloudEvents type and subject, payload. */
export interface PublishedEvent {
  topic: string;
  type: string;
  subject: string;
  id: string;
  data: Record<string, unknown>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpResponse {
  status: number;
  /** The JSON object body; an empty object when the body is empty, not JSON or not an object. */
  body: Record<string, unknown>;
  /** The parsed JSON body of any shape (arrays, e.g. Open311 lists); undefined when not JSON. */
  json: unknown;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface ProduceOptions {
  /** The CloudEvents id (default: a new UUID); the same id again is a redelivery. */
  eventId?: string;
  /** ce_source (default `jsjb/routing`). */
  source?: string;
}

/**
 * The intake service in-process against its own database and a dev broker, with a producer to play
 * routing and sla, a collector of everything published on the project's topics, and HTTP with tokens.
 */
export interface IntakeHarness {
  sut: TestApp<IntakeConfig>;
  prisma: PrismaService;
  clock: Clock;
  /** Every event seen on jsjb.* topics since the harness started (intake's own and produced ones). */
  published: PublishedEvent[];
  /**
   * Produces an event as another service's relay would: to its catalogue topic, key = subject.
   * The payload is sent as given (build it with the contract's schema to get a valid one).
   */
  produce(type: EventType, subject: string, data: unknown, options?: ProduceOptions): Promise<string>;
  /** Waits until the event id is in intake's inbox (its transaction has committed). */
  processed(eventId: string): Promise<void>;
  /** Waits for an event of `type` about `subject` matching `where`. */
  event(
    type: EventType,
    subject: string,
    where?: (data: Record<string, unknown>) => boolean,
  ): Promise<PublishedEvent>;
  /** An HTTP request with a bearer token for `caller` (none when null). */
  http(
    method: HttpMethod,
    url: string,
    caller: TokenClaims | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResponse>;
  close(): Promise<void>;
}

export async function startIntakeHarness(env: Record<string, string> = {}): Promise<IntakeHarness> {
  const sut = await startTestApp(
    {
      service: SERVICE,
      configSchema: intakeConfigSchema,
      appModule: (config) => AppModule.forRoot(config),
      migrationsDir: join(__dirname, '../../prisma/migrations'),
    },
    env,
  );
  const prisma = sut.app.get(PrismaService);
  const kafka = createKafka({ brokers: sut.config.KAFKA_BROKERS, clientId: 'intake-harness' });
  const producer: Producer = createProducer(kafka);
  let collector: Consumer | undefined;
  const published: PublishedEvent[] = [];
  try {
    await producer.connect();
    collector = kafka.consumer({ groupId: `harness-${randomUUID()}`, allowAutoTopicCreation: true });
    await collector.connect();
    await collector.subscribe({ topics: Object.values(TOPICS), fromBeginning: true });
    await collector.run({
      eachMessage: ({ topic, message }) => {
        const envelope = fromKafkaHeaders(message.headers ?? {});
        if (envelope && message.value) {
          published.push({
            topic,
            type: envelope.type,
            subject: envelope.subject,
            id: envelope.id,
            data: JSON.parse(message.value.toString()) as Record<string, unknown>,
          });
        }
        return Promise.resolve();
      },
    });
  } catch (error) {
    await collector?.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await sut.close();
    throw error;
  }
  const running = collector;

  return {
    sut,
    prisma,
    clock: sut.app.get(Clock),
    published,
    async produce(type, subject, data, options = {}) {
      const eventId = options.eventId ?? randomUUID();
      await producer.send({
        topic: EVENTS[type].topic,
        messages: [
          {
            key: subject,
            value: JSON.stringify(data),
            headers: toKafkaHeaders({
              id: eventId,
              type,
              source: options.source ?? 'jsjb/routing',
              subject,
              time: new Date().toISOString(),
            }),
          },
        ],
      });
      return eventId;
    },
    async processed(eventId) {
      await waitFor(async () => (await prisma.processedEvent.count({ where: { eventId } })) === 1, {
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
    async http(method, url, caller, body, headers = {}) {
      const asJson = body !== undefined && typeof body !== 'string';
      const response = await sut.app.inject({
        method,
        url,
        headers: {
          ...(asJson ? { 'content-type': 'application/json' } : {}),
          ...(caller ? { authorization: bearer(caller) } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: asJson ? JSON.stringify(body) : body }),
      });
      let json: unknown;
      try {
        json = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        json = undefined; // not JSON: the caller reads `text`
      }
      const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
      return {
        status: response.statusCode,
        body: isObject ? (json as Record<string, unknown>) : {},
        json,
        text: response.body,
        headers: response.headers,
      };
    },
    async close() {
      await running.disconnect();
      await producer.disconnect();
      await sut.close();
    },
  };
}
