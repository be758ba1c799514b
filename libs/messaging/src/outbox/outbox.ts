import type { EventCatalog } from '@jsjb/contracts';
import { traceparentOf } from '@jsjb/platform';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CommitBuffer } from '../consumer/commit-hooks';
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
  /** W3C trace context the event continues; defaults to the active span's (the request or event being handled). */
  traceparent?: string;
}

/** Wakes the relay at commit of the transaction that stored events: an expression for a statement's SELECT. */
export const OUTBOX_NOTIFY = `pg_notify('${OUTBOX_CHANNEL}', '')`;

/** An outbox row as stored: the event validated and serialised. */
export interface OutboxRow extends StoredEvent {
  payload: string;
  headers: string;
  createdAt: string;
}

/** The outbox table's columns, in the order {@link outboxValues} binds them. */
export const OUTBOX_COLUMNS = 'id, topic, key, type, payload, headers, created_at';

/**
 * The `VALUES` tuples of `rows` for {@link OUTBOX_COLUMNS}, numbering parameters from `firstParam`,
 * so that a caller can make them one part of a larger statement.
 */
export function outboxValues(
  rows: readonly OutboxRow[],
  firstParam = 1,
): { tuples: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row, j) => {
    values.push(row.id, row.topic, row.key, row.type, row.payload, row.headers, row.createdAt);
    const p = firstParam + j * 7;
    return `($${p}::uuid, $${p + 1}::text, $${p + 2}::text, $${p + 3}::text, $${p + 4}::jsonb, $${p + 5}::jsonb, $${p + 6}::timestamptz)`;
  });
  return { tuples: tuples.join(', '), values };
}

/** `INSERT INTO outbox_event … VALUES …` for `rows`, and the relay's notification: one statement. */
export function outboxInsert(rows: readonly OutboxRow[]): { sql: string; values: unknown[] } {
  const { tuples, values } = outboxValues(rows);
  return {
    sql: `WITH stored AS (INSERT INTO outbox_event (${OUTBOX_COLUMNS}) VALUES ${tuples} RETURNING 1)
      SELECT ${OUTBOX_NOTIFY} FROM (SELECT count(*) FROM stored) AS once`,
    values,
  };
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
 *
 * In a consumer's batch the events of all its handlers are stored together at the batch's end (a
 * `CommitBuffer`), still in its transaction and in the order added; nothing reads the outbox before
 * the commit. Elsewhere (an HTTP request's transaction) `addMany` stores its events at once.
 */
export class Outbox {
  private readonly pending = new CommitBuffer<SqlExecutor, OutboxRow>('outbox_event', (tx, rows) =>
    this.insert(tx, rows),
  );

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
    const rows = events.map((event) => this.prepare(event));
    await this.pending.addAll(tx, rows);
    return rows.map(({ id, topic, key, type }) => ({ id, topic, key, type }));
  }

  private async insert(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
    // PostgreSQL binds at most 65,535 parameters per statement: insert in chunks. The notification
    // is delivered at commit (and folded with any other of this transaction).
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const { sql, values } = outboxInsert(rows.slice(i, i + INSERT_CHUNK));
      await tx.$executeRawUnsafe(sql, ...values);
    }
  }

  /**
   * Validates an event against its contract and returns the outbox row to store, for a caller that
   * writes it in its own statement (e.g. one `WITH … INSERT` with the state change: one round trip,
   * one implicit transaction). Such a statement must also run {@link OUTBOX_NOTIFY}.
   */
  prepare(event: NewEvent): OutboxRow {
    return this.toRow(event);
  }

  private toRow(event: NewEvent): OutboxRow {
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
    const traceparent = event.traceparent ?? traceparentOf();
    if (traceparent) headers['traceparent'] = traceparent;
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
