import type { NewTicket, TicketRepository } from './ticket.repository';
import { TicketWriter } from './ticket-writer';

/** A repository double that records each statement and can be told which tickets break one. */
class FakeTickets {
  readonly statements: string[][] = [];
  readonly broken = new Set<string>();
  readonly existing = new Set<string>();
  private release: (() => void) | null = null;
  private hold: Promise<void> | null = null;

  pause(): void {
    this.hold = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  resume(): void {
    this.release?.();
    this.hold = null;
  }

  async insertMany(tickets: readonly NewTicket[]): Promise<Set<string>> {
    const ids = tickets.map((t) => t.row.id);
    this.statements.push(ids);
    if (this.hold) await this.hold;
    if (ids.some((id) => this.broken.has(id))) throw new Error('value too long');
    return new Set(ids.filter((id) => !this.existing.has(id)));
  }
}

const ticket = (id: string) =>
  ({ row: { id }, timeline: [], events: [], suggestions: [] }) as unknown as NewTicket;

describe('TicketWriter (group commit)', () => {
  let fake: FakeTickets;
  let sut: TicketWriter;

  beforeEach(() => {
    fake = new FakeTickets();
    sut = new TicketWriter(fake as unknown as TicketRepository);
  });

  it('writes a lone ticket at once, in its own statement', async () => {
    await expect(sut.write(ticket('a'))).resolves.toBe(true);
    expect(fake.statements).toEqual([['a']]);
  });

  it('gathers the tickets that arrive while a statement runs into the next one', async () => {
    fake.pause();
    const first = sut.write(ticket('a'));
    const rest = ['b', 'c', 'd'].map((id) => sut.write(ticket(id)));
    fake.resume();
    await expect(Promise.all([first, ...rest])).resolves.toEqual([true, true, true, true]);
    expect(fake.statements).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('answers false for a ticket the statement did not store (its idempotency key exists)', async () => {
    fake.existing.add('b');
    fake.pause();
    const writes = ['a', 'b', 'c'].map((id) => sut.write(ticket(id)));
    fake.resume();
    await expect(Promise.all(writes)).resolves.toEqual([true, false, true]);
  });

  it('writes each ticket alone when a shared statement fails, so only the bad one fails', async () => {
    fake.broken.add('c');
    fake.pause();
    const first = sut.write(ticket('a'));
    const rest = ['b', 'c', 'd'].map((id) => sut.write(ticket(id)));
    fake.resume();
    const results = await Promise.allSettled([first, ...rest]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(fake.statements).toEqual([['a'], ['b', 'c', 'd'], ['b'], ['c'], ['d']]);
  });

  it('never puts more than 200 tickets in one statement', async () => {
    fake.pause();
    const writes = Array.from({ length: 451 }, (_, i) => sut.write(ticket(`t${i}`)));
    fake.resume();
    await Promise.all(writes);
    expect(fake.statements.map((s) => s.length)).toEqual([1, 200, 200, 50]);
  });
});
