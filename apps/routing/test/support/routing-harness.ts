import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type EventType, TOPICS, type TicketReceivedV1, ticketReceivedV1 } from '@jsjb/contracts';
import { createKafka, createProducer, fromKafkaHeaders, toKafkaHeaders } from '@jsjb/messaging';
import { Clock, type TokenClaims } from '@jsjb/platform';
import { bearer, startTestApp, type TestApp, waitFor } from '@jsjb/testing';
import type { Consumer, Producer } from 'kafkajs';
import { AppModule, SERVICE } from '../../src/app.module';
import type { CatalogueItem } from '../../src/catalogue/catalogue.domain';
import { type RoutingConfig, routingConfigSchema } from '../../src/config';
import { PrismaService } from '../../src/database/prisma.service';
import { type ReferenceData, ReferenceStore } from '../../src/reference/reference-data';
import { interiorPoint } from '../../src/territory/geometry.domain';

export const TIMEOUT_MS = 20_000;

/** A ticket routing dispatched, as its `ticket.dispatched.v1` named the units. */
export interface DispatchedTicket {
  ticketId: string;
  lead: { id: string; unitId: string };
  co: { id: string; unitId: string }[];
  copies: { id: string; unitId: string }[];
  streetCode: string;
}

export interface PublishedEvent {
  topic: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/**
 * The routing service in-process against its own database and a dev broker, with a producer to
 * play intake and sla, a collector of everything routing publishes, and HTTP helpers with tokens.
 */
export interface RoutingHarness {
  sut: TestApp<RoutingConfig>;
  prisma: PrismaService;
  clock: Clock;
  reference: () => ReferenceData;
  published: PublishedEvent[];
  /** A valid `ticket.received.v1` with a new id and number; overrides on top. */
  received(overrides?: Partial<TicketReceivedV1>): TicketReceivedV1;
  /** Produces an event as another service's relay would; returns its CloudEvents id. */
  produce(type: EventType, subject: string, data: unknown, eventId?: string): Promise<string>;
  /** Waits until the event id is in routing's inbox. */
  processed(eventId: string): Promise<void>;
  /** Waits for a published event of `type` about `subject` matching `where`. */
  event(
    type: EventType,
    subject: string,
    where?: (data: Record<string, unknown>) => boolean,
  ): Promise<PublishedEvent>;
  http(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    caller: TokenClaims | null,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  item(predicate: (item: CatalogueItem) => boolean): CatalogueItem;
  /** An interior point of the n-th grid of the sample city and its street and district codes. */
  pointInGrid(n: number): {
    lng: number;
    lat: number;
    gridCode: string;
    streetCode: string;
    districtCode: string;
  };
  /**
   * Produces a 属地 (territorial) matter located in the n-th grid — one with co-handlers when asked —
   * and waits for its dispatch: a street lead, copied to its district.
   */
  dispatchTerritorial(gridIndex: number, options?: { withCoHandlers?: boolean }): Promise<DispatchedTicket>;
  close(): Promise<void>;
}

export async function startRoutingHarness(env: Record<string, string> = {}): Promise<RoutingHarness> {
  const sut = await startTestApp(
    {
      service: SERVICE,
      configSchema: routingConfigSchema,
      appModule: (config) => AppModule.forRoot(config),
      migrationsDir: join(__dirname, '../../prisma/migrations'),
    },
    env,
  );
  const prisma = sut.app.get(PrismaService);
  const store = sut.app.get(ReferenceStore);
  const kafka = createKafka({ brokers: sut.config.KAFKA_BROKERS, clientId: 'routing-harness' });
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const collector: Consumer = kafka.consumer({
    groupId: `harness-${randomUUID()}`,
    allowAutoTopicCreation: true,
  });
  await collector.connect();
  await collector.subscribe({
    topics: [TOPICS.ticket, TOPICS.whistle, TOPICS.reference],
    fromBeginning: true,
  });
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
  let serial = 0;

  const harness: RoutingHarness = {
    sut,
    prisma,
    clock: sut.app.get(Clock),
    reference: () => store.current(),
    published,
    received(overrides = {}) {
      serial += 1;
      return ticketReceivedV1.schema.parse({
        ticketId: `T-${randomUUID()}`,
        number: `20261121${String(serial).padStart(6, '0')}`,
        channel: 'hotline',
        requestType: 'complaint',
        categoryCode: null,
        urgency: 'general',
        content: '楼下夜间施工噪音扰民',
        location: {
          districtCode: null,
          streetCode: null,
          communityCode: null,
          address: null,
          lng: null,
          lat: null,
        },
        confidential: false,
        receivedAt: new Date().toISOString(),
        ...overrides,
      });
    },
    async produce(type, subject, data, eventId = randomUUID()) {
      await producer.send({
        topic: TOPICS.ticket,
        messages: [
          {
            key: subject,
            value: JSON.stringify(data),
            headers: toKafkaHeaders({
              id: eventId,
              type,
              source: type === 'ticket.reopened.v1' ? 'jsjb/sla' : 'jsjb/intake',
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
    async http(method, url, caller, body) {
      const response = await sut.app.inject({
        method,
        url,
        headers: caller ? { authorization: bearer(caller) } : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
    },
    item(predicate) {
      const found = store.current().catalogue.items.find(predicate);
      if (!found) throw new Error('no such catalogue item');
      return found;
    },
    pointInGrid(n) {
      const { territory, index } = store.current();
      const grid = territory.areas.filter((a) => a.level === 'grid')[n];
      if (!grid) throw new Error('no such grid');
      const [lng = 0, lat = 0] = interiorPoint(grid.geometry);
      const location = index.locate(lng, lat);
      if (location?.grid.code !== grid.code)
        throw new Error(`grid ${grid.code} does not contain its interior point`);
      return {
        lng,
        lat,
        gridCode: grid.code,
        streetCode: location.street.code,
        districtCode: location.district.code,
      };
    },
    async dispatchTerritorial(gridIndex, options = {}) {
      const matter = harness.item(
        (i) => i.rule.kind === 'territorial' && (!options.withCoHandlers || i.coHandlers.length > 0),
      );
      const point = harness.pointInGrid(gridIndex);
      const event = harness.received({
        categoryCode: matter.code,
        location: { ...harness.received().location, lng: point.lng, lat: point.lat },
      });
      await harness.produce('ticket.received.v1', event.ticketId, event);
      const published = await harness.event('ticket.dispatched.v1', event.ticketId);
      const assignments = published.data['assignments'] as {
        assignmentId: string;
        unitId: string;
        role: string;
      }[];
      const of = (role: string) =>
        assignments.filter((a) => a.role === role).map((a) => ({ id: a.assignmentId, unitId: a.unitId }));
      const [lead] = of('lead');
      if (lead?.unitId !== `street-${point.streetCode}`)
        throw new Error(`${event.ticketId} did not go to its street`);
      return {
        ticketId: event.ticketId,
        lead,
        co: of('co'),
        copies: of('copy'),
        streetCode: point.streetCode,
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
