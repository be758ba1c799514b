import type { EventCatalog } from '@jsjb/contracts';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SqlExecutor } from '../sql';

/** The Postgres channel the relay listens on; notified at commit of every transaction that adds events. */
export const OUTBOX_CHANNEL = 'jsjb_outbox';

/** Rows per INSERT statement (7 parameters each). */
const INSERT_CHUNK = 1000;

export interface NewEvent<T extends string = string> {
  type: T;
  /** The aggregate id: CloudEvents subject and Kafka key, so an aggregate's events stay in order. */
  subject: string;
  data: unknown;
  /** Defaults to a new UUID. */
  id?: string;
  /** Defaults to now. */
  time?: Date;
  traceparent?: string;
}

export interface StoredEvent {
  id: string;
  topic: string;
  key: string;
  type: string;
}

/** Raised when a producer tries to store an event its catalogue does not know or whose payload is invalid. */
export class EventContractError extends Error {
  constructor(
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
    this.name = 'EventContractError';
  }
}

/**
 * The writing half of the transactional outbox: `add(tx, event)` stores the event in the same
 * database transaction as the state change it describes. The relay publishes it after commit.
 */
export class Outbox {
  constructor(
    private readonly catalog: EventCatalog,
    /** CloudEvents `source`, e.g. `jsjb/intake`. */
    private readonly source: string,
  ) {}

  async add(tx: SqlExecutor, event: NewEvent): Promise<StoredEvent> {
    const [stored] = await this.addMany(tx, [event]);
    if (!stored) throw new EventContractError('no event stored');
    return stored;
  }

  async addMany(tx: SqlExecutor, events: readonly NewEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const rows = events.map((event) => this.toRow(event));
    // PostgreSQL binds at most 65,535 parameters per statement: insert in chunks.
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const values: unknown[] = [];
      const tuples = chunk.map((row, j) => {
        values.push(row.id, row.topic, row.key, row.type, row.payload, row.headers, row.createdAt);
        const p = j * 7;
        return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb, $${p + 6}::jsonb, $${p + 7}::timestamptz)`;
      });
      await tx.$executeRawUnsafe(
        `INSERT INTO outbox_event (id, topic, key, type, payload, headers, created_at) VALUES ${tuples.join(', ')}`,
        ...values,
      );
    }
    // Delivered at commit (and folded with any other notification of this transaction).
    await tx.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return rows.map(({ id, topic, key, type }) => ({ id, topic, key, type }));
  }

  private toRow(event: NewEvent): StoredEvent & { payload: string; headers: string; createdAt: string } {
    const definition = this.catalog[event.type];
    if (!definition)
      throw new EventContractError(`Unknown event type "${event.type}": add it to the event catalogue`);
    const parsed = definition.schema.safeParse(event.data);
    if (!parsed.success) {
      throw new EventContractError(
        `Invalid ${event.type} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        parsed.error.issues,
      );
    }
    const id = event.id ?? randomUUID();
    const time = (event.time ?? new Date()).toISOString();
    const headers: Record<string, string> = { source: this.source, time };
    if (event.traceparent) headers['traceparent'] = event.traceparent;
    return {
      id,
      topic: definition.topic,
      key: event.subject,
      type: event.type,
      payload: JSON.stringify(parsed.data),
      headers: JSON.stringify(headers),
      createdAt: time,
    };
  }
}
