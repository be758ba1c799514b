import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TOPICS, type TicketDispatchedV1, type TicketReceivedV1, ticketReceivedV1 } from '@jsjb/contracts';
import { createKafka, createProducer, fromKafkaHeaders, toKafkaHeaders } from '@jsjb/messaging';
import { startTestApp, type TestApp, waitFor } from '@jsjb/testing';
import type { Consumer, Producer } from 'kafkajs';
import { AppModule, SERVICE } from '../../src/app.module';
import type { CatalogueItem } from '../../src/catalogue/catalogue.domain';
import { type RoutingConfig, routingConfigSchema } from '../../src/config';
import { PrismaService } from '../../src/database/prisma.service';
import { ReferenceData } from '../../src/reference/reference-data';
import { interiorPoint } from '../../src/territory/geometry.domain';

const TIMEOUT_MS = 20_000;

describe('routing dispatch on ticket.received', () => {
  let sut: TestApp<RoutingConfig>;
  let prisma: PrismaService;
  let reference: ReferenceData;
  let producer: Producer;
  let collector: Consumer;
  /** Every ticket.dispatched.v1 published on the ticket topic, with its subject. */
  const dispatched: { subject: string; data: TicketDispatchedV1 }[] = [];
  let serial = 0;

  beforeAll(async () => {
    sut = await startTestApp({
      service: SERVICE,
      configSchema: routingConfigSchema,
      appModule: (config) => AppModule.forRoot(config),
      migrationsDir: join(__dirname, '../../prisma/migrations'),
    });
    prisma = sut.app.get(PrismaService);
    reference = sut.app.get(ReferenceData);
    const kafka = createKafka({ brokers: sut.config.KAFKA_BROKERS, clientId: 'dispatch-spec' });
    producer = createProducer(kafka);
    await producer.connect();
    collector = kafka.consumer({ groupId: `dispatch-spec-${randomUUID()}`, allowAutoTopicCreation: true });
    await collector.connect();
    await collector.subscribe({ topic: TOPICS.ticket, fromBeginning: true });
    await collector.run({
      eachMessage: ({ message }) => {
        const envelope = fromKafkaHeaders(message.headers ?? {});
        if (envelope?.type === 'ticket.dispatched.v1' && message.value) {
          dispatched.push({
            subject: envelope.subject,
            data: JSON.parse(message.value.toString()) as TicketDispatchedV1,
          });
        }
        return Promise.resolve();
      },
    });
  }, 60_000);

  afterAll(async () => {
    await collector?.disconnect();
    await producer?.disconnect();
    await sut?.close();
  }, 60_000);

  function received(overrides: Partial<TicketReceivedV1> = {}): TicketReceivedV1 {
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
  }

  /** Produces the event as intake's relay would; returns its CloudEvents id. */
  async function produce(event: TicketReceivedV1, eventId: string = randomUUID()): Promise<string> {
    await producer.send({
      topic: TOPICS.ticket,
      messages: [
        {
          key: event.ticketId,
          value: JSON.stringify(event),
          headers: toKafkaHeaders({
            id: eventId,
            type: 'ticket.received.v1',
            source: 'jsjb/intake',
            subject: event.ticketId,
            time: new Date().toISOString(),
          }),
        },
      ],
    });
    return eventId;
  }

  async function processed(eventId: string): Promise<void> {
    await waitFor(async () => (await prisma.processedEvent.count({ where: { eventId } })) === 1, {
      description: `event ${eventId} in the inbox`,
      timeoutMs: TIMEOUT_MS,
    });
  }

  async function publishedDispatch(ticketId: string): Promise<TicketDispatchedV1> {
    const found = await waitFor(() => dispatched.find((d) => d.subject === ticketId), {
      description: `ticket.dispatched.v1 for ${ticketId} on ${TOPICS.ticket}`,
      timeoutMs: TIMEOUT_MS,
    });
    return found.data;
  }

  function item(predicate: (item: CatalogueItem) => boolean): CatalogueItem {
    const found = reference.catalogue.items.find(predicate);
    if (!found) throw new Error('no such catalogue item');
    return found;
  }

  /** An interior point of a grid of the sample city, and where the index puts it. */
  function pointInGrid(n: number): { lng: number; lat: number; streetCode: string; districtCode: string } {
    const grid = reference.territory.areas.filter((a) => a.level === 'grid')[n];
    if (!grid) throw new Error('no such grid');
    const [lng = 0, lat = 0] = interiorPoint(grid.geometry);
    const location = reference.index.locate(lng, lat);
    expect(location?.grid.code).toBe(grid.code);
    return { lng, lat, streetCode: location?.street.code ?? '', districtCode: location?.district.code ?? '' };
  }

  it('dispatches a territorial matter to the street of the grid, copied to its district government', async () => {
    const noise = item((i) => i.rule.kind === 'territorial' && i.path.join('').includes('噪'));
    const point = pointInGrid(123);
    const event = received({
      categoryCode: noise.code,
      location: { ...received().location, lng: point.lng, lat: point.lat },
    });
    await produce(event);

    const published = await publishedDispatch(event.ticketId);
    const lead = `street-${point.streetCode}`;
    const copy = `gov-${point.districtCode}`;
    expect(published.rule).toBe(`territorial:street ${point.streetCode}`);
    expect(published.catalogVersion).toBe(reference.catalogue.version);
    expect(published.assignments[0]).toMatchObject({ unitId: lead, role: 'lead' });
    expect(published.assignments.filter((a) => a.role === 'copy').map((a) => a.unitId)).toEqual([copy]);
    expect(published.assignments.filter((a) => a.role === 'co').map((a) => a.unitId)).toEqual(
      noise.coHandlers.map((sector) => `city-${sector}`),
    );

    const rows = await prisma.assignment.findMany({ where: { ticketId: event.ticketId } });
    expect(rows.map((r) => ({ id: r.id, unitId: r.unitId, role: r.role })).sort(byId)).toEqual(
      published.assignments.map((a) => ({ id: a.assignmentId, unitId: a.unitId, role: a.role })).sort(byId),
    );
    expect(rows.every((r) => r.status === 'dispatched' && r.rule === published.rule)).toBe(true);
    const ticket = await prisma.routingTicket.findUnique({ where: { ticketId: event.ticketId } });
    expect(ticket).toMatchObject({ status: 'dispatched', categoryCode: noise.code, number: event.number });
  });

  it('dispatches a city department matter to its department, never to a street', async () => {
    const matter = item((i) => i.rule.kind === 'department' && i.rule.level === 'city');
    if (matter.rule.kind !== 'department') throw new Error('unreachable');
    const point = pointInGrid(2000);
    const event = received({
      categoryCode: matter.code,
      location: { ...received().location, lng: point.lng, lat: point.lat },
    });
    await produce(event);

    const published = await publishedDispatch(event.ticketId);
    expect(published.assignments[0]).toMatchObject({ unitId: `city-${matter.rule.sector}`, role: 'lead' });
    expect(published.assignments.some((a) => a.unitId.startsWith('street-'))).toBe(false);
    expect(published.assignments.some((a) => a.role === 'copy')).toBe(false);
    expect(await prisma.assignment.count({ where: { ticketId: event.ticketId } })).toBe(
      published.assignments.length,
    );
  });

  it('queues a ticket without a category for manual dispatch, publishing nothing', async () => {
    const event = received({ categoryCode: null });
    const eventId = await produce(event);
    await processed(eventId);

    expect(await prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject({
      reason: 'unknown-category',
      resolvedAt: null,
    });
    expect(await prisma.routingTicket.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject({
      status: 'manual',
    });
    expect(await prisma.assignment.count({ where: { ticketId: event.ticketId } })).toBe(0);
    expect(await prisma.outboxEvent.count({ where: { key: event.ticketId } })).toBe(0);
  });

  it('dispatches a ticket once, whether its event is redelivered or the ticket is received again', async () => {
    const noise = item((i) => i.rule.kind === 'territorial');
    const point = pointInGrid(4321);
    const event = received({
      categoryCode: noise.code,
      location: { ...received().location, lng: point.lng, lat: point.lat },
    });
    const first = await produce(event);
    await produce(event, first); // the same event again (redelivery)
    const again = await produce(event); // the same ticket under a new event id
    // Same key, same partition: once the last one is in the inbox, the two before it were handled.
    await processed(again);

    const published = await publishedDispatch(event.ticketId);
    expect(await prisma.routingTicket.count({ where: { ticketId: event.ticketId } })).toBe(1);
    expect(await prisma.assignment.count({ where: { ticketId: event.ticketId } })).toBe(
      published.assignments.length,
    );
    expect(await prisma.outboxEvent.count({ where: { key: event.ticketId } })).toBe(1);
    expect(await prisma.processedEvent.count({ where: { eventId: { in: [first, again] } } })).toBe(2);
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id.localeCompare(b.id);
}
