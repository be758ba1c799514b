import { hostname } from 'node:os';
import { contextFromTraceparent, traceparentOf, tracer } from '@jsjb/platform';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Kafka, Message, Producer } from 'kafkajs';
import { Client, Pool } from 'pg';
import { Counter, Histogram, type Registry } from 'prom-client';
import { toKafkaHeaders } from '../cloud-events';
import { createProducer } from '../kafka/kafka';
import { describeError } from '../consumer/event-errors';
import type { EventCounters } from './event-counters';
import { OUTBOX_CHANNEL } from './outbox';

export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface OutboxRelayOptions {
  databaseUrl: string;
  kafka: Kafka;
  /** Stable across restarts of one instance (host name by default): a restarted relay takes its own claims back at once. */
  relayId?: string;
  batchSize?: number;
  /** How long a claim holds before another relay may take the rows over. */
  leaseMs?: number;
  /** Poll interval when no notification arrives (notifications wake the relay at once). */
  idlePollMs?: number;
  maxBackoffMs?: number;
  /** Sent rows older than this are deleted. */
  retainSentMs?: number;
  pruneIntervalMs?: number;
  logger?: RelayLogger;
  metrics?: Registry;
  /** The service's business counters, counted as their events are published. */
  eventCounters?: EventCounters;
  /** Called after a batch reached Kafka and before it is marked sent (a seam for crash tests). */
  onPublished?: (count: number) => void;
}

interface ClaimedRow {
  id: string;
  seq: string;
  topic: string;
  key: string;
  type: string;
  payload: unknown;
  headers: { source?: string; time?: string; traceparent?: string };
}

/** How many of the oldest unsent rows one claim looks at, in batches. */
const CLAIM_WINDOW_FACTOR = 8;

/**
 * The relay's session settings. Its statements must reach rows by index whatever the table's
 * statistics say, and a fast-churning outbox rarely has fresh ones (this CI server runs without
 * autovacuum; in production it lags):
 * - No bitmap scans. The claim reads the oldest unsent rows by index, in order. A bitmap scan (the
 *   planner's choice without statistics) visits the heap for every index entry a sent row left
 *   behind, as long as the table is not vacuumed: about 6 ms a poll after 5,000 events, growing
 *   with every event. A plain index scan marks those entries dead as it passes them.
 * - No sequential scans. A prepared statement's generic plan is made on its sixth run on a
 *   connection and kept until the table is analysed. Made while the outbox was nearly empty, the
 *   mark-sent's generic plan was a sequential scan, and it stayed one as the table grew: 2.5 ms a
 *   batch at 15,000 rows, the largest single cost in PostgreSQL during the benchmark.
 */
export const RELAY_SESSION_OPTIONS = '-c enable_bitmapscan=off -c enable_seqscan=off';

/** Marks published rows sent; prepared, so its plan is made once per connection. */
export const MARK_SENT = {
  name: 'jsjb.outbox.mark-sent',
  text: 'UPDATE outbox_event SET sent_at = now(), claimed_until = NULL, last_error = NULL WHERE id = ANY($1::uuid[])',
} as const;

const silent: RelayLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes the outbox to Kafka. Claims rows in `seq` order with FOR UPDATE SKIP LOCKED and a
 * lease, a key at a time (see claim()), so any number of relays keep every aggregate's events in
 * order; sends a batch; marks it sent. While Kafka is down it releases
 * its claims and backs off. Delivery is at least once: consumers dedupe by event id.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly relayId: string;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  private readonly maxBackoffMs: number;
  private readonly retainSentMs: number;
  private readonly pruneIntervalMs: number;
  private readonly logger: RelayLogger;
  private readonly producer: Producer;
  private producerConnected = false;
  private listener: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A notification that arrived while the relay was busy: the next idle() returns at once. */
  private notified = false;
  private lastPrune = 0;
  private readonly published: Counter | undefined;
  private readonly failures: Counter | undefined;
  private readonly batchSeconds: Histogram | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      max: 2,
      connectionTimeoutMillis: 5000,
      options: RELAY_SESSION_OPTIONS,
    });
    this.pool.on('error', () => undefined); // idle-client errors surface on the next query
    this.relayId = options.relayId ?? hostname();
    // One in-flight request: a retried send cannot overtake the one before it.
    this.producer = createProducer(options.kafka, { maxInFlightRequests: 1, retry: { retries: 2 } });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.producerConnected = false;
    });
    this.batchSize = options.batchSize ?? 500;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.idlePollMs = options.idlePollMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.retainSentMs = options.retainSentMs ?? 3_600_000;
    this.pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
    this.logger = options.logger ?? silent;
    if (options.metrics) {
      const registers = [options.metrics];
      this.published = new Counter({
        name: 'outbox_published_total',
        help: 'Events published from the outbox',
        registers,
      });
      this.failures = new Counter({
        name: 'outbox_publish_failures_total',
        help: 'Failed outbox publish attempts',
        registers,
      });
      this.batchSeconds = new Histogram({
        name: 'outbox_publish_batch_seconds',
        help: 'Time to claim, publish and mark one outbox batch',
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      });
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Rows this relay claimed before a crash or restart need not wait for their lease.
    await this.pool.query(
      'UPDATE outbox_event SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = $1 AND sent_at IS NULL',
      [this.relayId],
    );
    await this.listen();
    this.loop = this.run();
  }

  /** Finishes the batch in flight, hands back unsent claims, and closes connections. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.pool.end().catch(() => undefined);
      return;
    }
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.pool
      .query(
        'UPDATE outbox_event SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = $1 AND sent_at IS NULL',
        [this.relayId],
      )
      .catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.producer.disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** One claim → publish → mark cycle; returns how many events were published. */
  async publishBatch(): Promise<number> {
    const rows = await this.claim();
    if (rows.length === 0) return 0;
    const started = performance.now();
    const sends = rows.map(startPublishSpan);
    try {
      if (!this.producerConnected) {
        await this.producer.connect();
        this.producerConnected = true;
      }
      await this.producer.sendBatch({ topicMessages: toTopicMessages(sends), acks: -1 });
      for (const { span } of sends) span?.end();
    } catch (error) {
      for (const { span } of sends) {
        span?.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
        span?.end();
      }
      this.failures?.inc();
      await this.pool
        .query(
          'UPDATE outbox_event SET claimed_until = NULL, claimed_by = NULL, last_error = $2 WHERE id = ANY($1::uuid[]) AND claimed_by = $3',
          [rows.map((r) => r.id), describeError(error).message.slice(0, 2000), this.relayId],
        )
        .catch(() => undefined);
      throw error;
    }
    this.options.onPublished?.(rows.length);
    await this.pool.query({ ...MARK_SENT, values: [rows.map((r) => r.id)] });
    this.published?.inc(rows.length);
    if (this.options.eventCounters)
      for (const row of rows) this.options.eventCounters.count(row.type, row.payload);
    this.batchSeconds?.observe((performance.now() - started) / 1000);
    return rows.length;
  }

  /** Deletes sent rows past retention, a bounded chunk at a time. */
  async prune(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM outbox_event WHERE id IN (
         SELECT id FROM outbox_event WHERE sent_at < now() - ($1 * interval '1 millisecond') LIMIT 10000)`,
      [this.retainSentMs],
    );
    return rowCount ?? 0;
  }

  /**
   * Claims up to a batch of rows, keeping each key's order across any number of relays.
   *
   * It reads a bounded window of the oldest unsent rows in `seq` order (through the
   * (sent_at, seq) index); every key present there has its oldest unsent row, its head, in the
   * window too, and its rows in the window are its first unsent ones. A key is claimable when
   * its head is unclaimed (or its lease expired); the claim then takes the key's rows in `seq`
   * order. The head row's lock is the key's mutex: heads are locked with SKIP LOCKED and the
   * claim conditions are re-checked on the locked row (EvalPlanQual), so two relays never claim
   * one key, and a key's later rows are never claimed without the earlier ones.
   *
   * The plan must not depend on table statistics, which a fast-churning outbox rarely has:
   * rows are reached by index or by `id = ANY(ARRAY(…))`, never a join the planner could nest.
   */
  private async claim(): Promise<ClaimedRow[]> {
    // Not prepared: with the LIMITs as parameters, the generic plan sorts every unsent row before
    // limiting, where a custom plan reads the index in order (planning costs about 0.7 ms).
    const { rows } = await this.pool.query<ClaimedRow>(
      `WITH oldest AS (
         SELECT id, key, seq, claimed_until FROM outbox_event
         WHERE sent_at IS NULL ORDER BY seq LIMIT $4),
       ranked AS (
         SELECT id, seq,
                first_value(id) OVER (PARTITION BY key ORDER BY seq) AS head_id,
                first_value(claimed_until) OVER (PARTITION BY key ORDER BY seq) AS head_claimed_until
         FROM oldest),
       candidates AS (
         SELECT id, head_id FROM ranked
         WHERE head_claimed_until IS NULL OR head_claimed_until < now()
         ORDER BY seq LIMIT $1),
       locked_heads AS (
         SELECT o.id FROM outbox_event o
         WHERE o.id = ANY (ARRAY(SELECT DISTINCT head_id FROM candidates))
           AND o.sent_at IS NULL AND (o.claimed_until IS NULL OR o.claimed_until < now())
         FOR UPDATE SKIP LOCKED)
       UPDATE outbox_event o
       SET claimed_until = now() + ($2 * interval '1 millisecond'), claimed_by = $3, attempts = o.attempts + 1
       WHERE o.id = ANY (ARRAY(
         SELECT id FROM candidates WHERE head_id = ANY (ARRAY(SELECT id FROM locked_heads))))
       RETURNING o.id, o.seq::text AS seq, o.topic, o.key, o.type, o.payload, o.headers`,
      [this.batchSize, this.leaseMs, this.relayId, this.batchSize * CLAIM_WINDOW_FACTOR],
    );
    return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const published = await this.publishBatch();
        backoff = 100;
        if (Date.now() - this.lastPrune > this.pruneIntervalMs) {
          this.lastPrune = Date.now();
          const pruned = await this.prune();
          if (pruned > 0) this.logger.log(`pruned ${pruned} sent outbox events`);
        }
        if (published === 0) await this.idle(this.idlePollMs);
        else this.notified = false; // the next claim sees whatever a notification announced
      } catch (error) {
        const { name, message } = describeError(error);
        this.logger.warn(`outbox relay: ${name}: ${message}; retrying in ${backoff} ms`);
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
        if (this.listener === undefined) await this.listen();
      }
    }
  }

  /** Waits for a notification, stop(), or the timeout. */
  private idle(ms: number): Promise<void> {
    if (!this.running || this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 5000 });
    client.on('notification', () => {
      if (this.wake) this.wake();
      else this.notified = true;
    });
    client.on('error', () => {
      // Lost: fall back to polling; the loop reconnects after its next failure or idle period.
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn(
        `outbox relay: cannot listen for notifications (${describeError(error).message}); polling`,
      );
    }
  }
}

interface PublishSend {
  row: ClaimedRow;
  /** Undefined for an event of a trace not sampled: nothing would record it. */
  span: Span | undefined;
  /** The trace context the record carries: its publish span's, else the row's own. */
  traceparent: string | undefined;
}

/** W3C trace flags, the last field of a traceparent: bit 0 is "sampled". */
function sampled(traceparent: string): boolean {
  return (Number.parseInt(traceparent.slice(-2), 16) & 1) === 1;
}

/**
 * A producer span for one event, child of the context it was written in (the HTTP request or
 * event handling whose transaction stored it), or a new trace for an event written outside any.
 * The record carries this span's context, so the consumer's span is its child. An event of a trace
 * not sampled gets no span (a few microseconds saved per event): its record carries the row's
 * context, and the consumer continues the same trace id.
 */
function startPublishSpan(row: ClaimedRow): PublishSend {
  const stored = row.headers.traceparent;
  if (stored !== undefined && !sampled(stored)) return { row, span: undefined, traceparent: stored };
  const parent = contextFromTraceparent(stored);
  const span = tracer().startSpan(
    `publish ${row.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': row.topic,
        'messaging.message.id': row.id,
        'messaging.kafka.message.key': row.key,
        'cloudevents.event_type': row.type,
      },
    },
    parent,
  );
  return { row, span, traceparent: traceparentOf(trace.setSpan(parent, span)) ?? stored };
}

/** Rows in seq order → one message list per topic, each in seq order (kafkajs keeps per-partition order). */
function toTopicMessages(sends: readonly PublishSend[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const { row, traceparent } of sends) {
    const headers = toKafkaHeaders({
      id: row.id,
      type: row.type,
      source: row.headers.source ?? 'jsjb',
      subject: row.key,
      time: row.headers.time ?? new Date().toISOString(),
      ...(traceparent ? { traceparent } : {}),
    });
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({
      key: row.key,
      value: JSON.stringify(row.payload),
      headers: { ...headers, 'content-type': 'application/json' },
    });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
