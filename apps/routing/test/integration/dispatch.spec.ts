import type { TicketDispatchedV1, TicketReceivedV1 } from '@jsjb/contracts';
import type { CatalogueItem } from '../../src/catalogue/catalogue.domain';
import type { PrismaService } from '../../src/database/prisma.service';
import type { ReferenceData } from '../../src/reference/reference-data';
import { startRoutingHarness, type RoutingHarness } from '../support/routing-harness';

describe('routing dispatch on ticket.received', () => {
  let h: RoutingHarness;
  let prisma: PrismaService;
  let reference: ReferenceData;

  beforeAll(async () => {
    h = await startRoutingHarness();
    prisma = h.prisma;
    reference = h.reference();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const received = (overrides?: Partial<TicketReceivedV1>): TicketReceivedV1 => h.received(overrides);
  /** Produces the event as intake's relay would; returns its CloudEvents id. */
  const produce = (event: TicketReceivedV1, eventId?: string): Promise<string> =>
    h.produce('ticket.received.v1', event.ticketId, event, eventId);
  const processed = (eventId: string): Promise<void> => h.processed(eventId);
  const item = (predicate: (item: CatalogueItem) => boolean): CatalogueItem => h.item(predicate);
  const pointInGrid = (n: number) => h.pointInGrid(n);

  async function publishedDispatch(ticketId: string): Promise<TicketDispatchedV1> {
    return (await h.event('ticket.dispatched.v1', ticketId)).data as unknown as TicketDispatchedV1;
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
      // The district's own bureau (区级部门) where it has one, else the city-level department.
      noise.coHandlers.map(
        (sector) => reference.directory.department(sector, point.districtCode)?.id ?? `city-${sector}`,
      ),
    );

    const rows = await prisma.assignment.findMany({ where: { ticketId: event.ticketId } });
    expect(rows.map((r) => ({ id: r.id, unitId: r.unitId, role: r.role })).sort(byId)).toEqual(
      published.assignments.map((a) => ({ id: a.assignmentId, unitId: a.unitId, role: a.role })).sort(byId),
    );
    expect(rows.every((r) => r.rule === published.rule)).toBe(true);
    expect(rows.map((r) => [r.role, r.status]).sort()).toEqual(
      published.assignments.map((a) => [a.role, a.role === 'copy' ? 'copied' : 'dispatched']).sort(),
    );
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
