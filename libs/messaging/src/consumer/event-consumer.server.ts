import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { EventCatalog } from '@jsjb/contracts';
import { contextFromTraceparent, tracer } from '@jsjb/platform';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Admin, Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { fromKafkaHeaders, type EventEnvelope } from '../cloud-events';
import { createProducer } from '../kafka/kafka';
import type { RelayLogger } from '../outbox/outbox-relay';
import type { SqlExecutor, TransactionRunner } from '../sql';
import { deadLetterRecord } from './dead-letter';
import { withCommitHooks } from './commit-hooks';
import { EventContext } from './event-context';
import { describeError, isTransientError, TransientError } from './event-errors';

export interface EventConsumerOptions {
  kafka: Kafka;
  /** The consumer group: one per service (`jsjb-<service>`). */
  groupId: string;
  catalog: EventCatalog;
  /** Event types this service handles: boot fails unless each has exactly one handler, and no handler is for another. */
  consumes: readonly string[];
  transactions: TransactionRunner;
  logger?: RelayLogger;
  metrics?: Registry;
  /** Events handled in one database transaction (a failure falls back to one at a time). */
  transactionBatchSize?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxWaitTimeMs?: number;
  /** A fetch waits for this much data, up to maxWaitTimeMs (default 1: answers with whatever is there). */
  minBytes?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** Codes of the boot-time wiring checks. */
export class EventWiringError extends Error {
  constructor(
    readonly code:
      | 'MESSAGING.UNKNOWN_EVENT_TYPE'
      | 'MESSAGING.DUPLICATE_HANDLER'
      | 'MESSAGING.MISSING_HANDLER'
      | 'MESSAGING.UNDECLARED_HANDLER',
    message: string,
  ) {
    super(message);
    this.name = 'EventWiringError';
  }
}

/** Poison: the record can never be handled as it is (no envelope, not JSON, fails its schema). */
class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/** Nest turns unknown handler errors into a generic one; this keeps the original, so it can be classified. */
@Catch()
export class RethrowEventErrorsFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

interface Decoded {
  message: KafkaMessage;
  /** Undefined for types this service does not handle (skipped). */
  handled?: { envelope: EventEnvelope; data: unknown };
  poison?: PoisonMessageError;
}

const silent: RelayLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const INBOX_INSERT_COLUMNS = 3;

/**
 * A Nest transport strategy over kafkajs for `@EventPattern` handlers: validates every event
 * against its schema, records its id in the inbox in the handler's own transaction (a
 * redelivery is a no-op), handles batches in one transaction, retries transient failures with
 * backoff without losing its place, and sends poison records to `<topic>.dlq` so the partition
 * goes on.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** Reads end and committed offsets for the lag gauge; connected at the first scrape. */
  private admin: { client: Admin; connected: Promise<void> } | undefined;
  private topics: string[] = [];
  private readonly log: RelayLogger;
  private readonly txBatch: number;
  private readonly handledCounter: Counter<'type' | 'outcome'> | undefined;
  private readonly handleSeconds: Histogram | undefined;
  private stopping = false;

  constructor(private readonly options: EventConsumerOptions) {
    super();
    this.log = options.logger ?? silent;
    this.txBatch = options.transactionBatchSize ?? 100;
    if (options.metrics) {
      this.handledCounter = new Counter({
        name: 'events_consumed_total',
        help: 'Events consumed, by type and outcome (handled, duplicate, dead_lettered, skipped)',
        labelNames: ['type', 'outcome'],
        registers: [options.metrics],
      });
      this.handleSeconds = new Histogram({
        name: 'events_transaction_seconds',
        help: 'Time of one consumer transaction (inbox + handlers)',
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [options.metrics],
      });
      const lag: Gauge<'topic' | 'partition'> = new Gauge({
        name: 'jsjb_consumer_lag_messages',
        help: "Records of a topic partition the service's consumer group has not committed yet (end offset minus committed offset)",
        labelNames: ['topic', 'partition'],
        registers: [options.metrics],
        collect: (): Promise<void> => this.collectLag(lag),
      });
    }
  }

  /** Checks the wiring of handlers against the catalogue and the declared subscriptions. */
  checkWiring(): string[] {
    const handled = [...this.messageHandlers.keys()];
    for (const type of handled) {
      if (!this.options.catalog[type]) {
        throw new EventWiringError(
          'MESSAGING.UNKNOWN_EVENT_TYPE',
          `@EventPattern('${type}') names no event in the catalogue`,
        );
      }
      if (this.messageHandlers.get(type)?.next) {
        throw new EventWiringError(
          'MESSAGING.DUPLICATE_HANDLER',
          `Event type ${type} has more than one handler`,
        );
      }
      if (!this.options.consumes.includes(type)) {
        throw new EventWiringError(
          'MESSAGING.UNDECLARED_HANDLER',
          `A handler for ${type} exists but the service does not declare it consumes it`,
        );
      }
    }
    for (const type of this.options.consumes) {
      if (!this.messageHandlers.has(type)) {
        throw new EventWiringError(
          'MESSAGING.MISSING_HANDLER',
          `The service consumes ${type} but no @EventPattern handler handles it`,
        );
      }
    }
    return handled;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  private async start(): Promise<void> {
    const types = this.checkWiring();
    if (types.length === 0) return;
    const topics = [
      ...new Set(types.map((t) => this.options.catalog[t]?.topic).filter((t): t is string => !!t)),
    ];
    this.topics = topics;
    this.producer = createProducer(this.options.kafka);
    this.consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 100,
      minBytes: this.options.minBytes ?? 1,
      allowAutoTopicCreation: true,
      // kafkajs restarts a crashed consumer on a timer; once we are closing, it must not.
      retry: { restartOnFailure: () => Promise.resolve(!this.stopping) },
    });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.log.log(`consuming ${types.join(', ')} from ${topics.join(', ')} as group ${this.options.groupId}`);
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.admin?.client.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
    this.admin = undefined;
  }

  /**
   * The group's lag per partition of its topics, as Kafka's tools compute it: each partition's end
   * offset minus the offset the group committed (or the partition's start before any commit). Read
   * from the brokers at scrape time (a metadata, a ListOffsets and an OffsetFetch request) rather
   * than from the consumer's fetches, so a consumer that is stuck, retrying or gone still shows its
   * lag growing, and every partition is reported whichever instance holds it — every instance
   * reports the same figures: aggregate with max, not sum. Offsets commit each second, so up to a
   * second of handled records counts too. When Kafka does not answer within 2 s the series are
   * left out of the scrape rather than reported stale.
   */
  private async collectLag(gauge: Gauge<'topic' | 'partition'>): Promise<void> {
    gauge.reset();
    if (this.topics.length === 0 || this.stopping) return;
    if (this.admin === undefined) {
      const client = this.options.kafka.admin();
      this.admin = { client, connected: client.connect() };
    }
    const admin = this.admin;
    const read = async (): Promise<{ topic: string; partition: number; lag: number }[]> => {
      await admin.connected;
      const [ends, committed] = await Promise.all([
        Promise.all(
          this.topics.map(async (topic) => ({ topic, offsets: await admin.client.fetchTopicOffsets(topic) })),
        ),
        admin.client.fetchOffsets({ groupId: this.options.groupId, topics: this.topics }),
      ]);
      const committedAt = new Map<string, number>();
      for (const t of committed)
        for (const p of t.partitions) committedAt.set(`${t.topic}:${p.partition}`, Number(p.offset));
      return ends.flatMap(({ topic, offsets }) =>
        offsets.map((p) => {
          const at = committedAt.get(`${topic}:${p.partition}`) ?? -1;
          const from = at >= 0 ? at : Number(p.low);
          return { topic, partition: p.partition, lag: Math.max(0, Number(p.high) - from) };
        }),
      );
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const lags = await Promise.race([
        read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Kafka did not answer within 2 s')), 2000);
        }),
      ]);
      for (const { topic, partition, lag } of lags) gauge.set({ topic, partition: String(partition) }, lag);
    } catch (error) {
      if (this.admin === admin) {
        // A failed connect is not retried by kafkajs: the next scrape connects anew.
        this.admin = undefined;
        void admin.client.disconnect().catch(() => undefined);
      }
      this.log.warn(`consumer lag unavailable: ${describeError(error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  on(): never {
    throw new Error('EventConsumerServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('The consumer is not running');
    return this.consumer as T;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const isRunning = (): boolean => payload.isRunning();
    for (let i = 0; i < batch.messages.length; i += this.txBatch) {
      if (!isRunning() || payload.isStale() || this.stopping) return;
      const chunk = batch.messages.slice(i, i + this.txBatch);
      await this.handleChunk(
        batch,
        chunk.map((m) => this.decode(m)),
        heartbeat,
        isRunning,
      );
      const last = chunk[chunk.length - 1];
      if (last) payload.resolveOffset(last.offset);
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private decode(message: KafkaMessage): Decoded {
    const envelope = fromKafkaHeaders(message.headers ?? {});
    if (!envelope)
      return {
        message,
        poison: new PoisonMessageError('The record has no CloudEvents headers (ce_id, ce_type, …)'),
      };
    if (!this.messageHandlers.has(envelope.type)) return { message };
    const definition = this.options.catalog[envelope.type];
    if (!definition)
      return { message, poison: new PoisonMessageError(`Unknown event type ${envelope.type}`) };
    let json: unknown;
    try {
      json = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      return {
        message,
        poison: new PoisonMessageError(`${envelope.type} ${envelope.id}: the value is not JSON`),
      };
    }
    const parsed = definition.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return {
        message,
        poison: new PoisonMessageError(`${envelope.type} ${envelope.id} fails its schema: ${issues}`),
      };
    }
    return { message, handled: { envelope, data: parsed.data } };
  }

  /** One transaction for the chunk; on a handler failure, one transaction per event to isolate it. */
  private async handleChunk(
    batch: Batch,
    items: Decoded[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    for (const item of items) {
      if (!item.handled && !item.poison) this.handledCounter?.inc({ type: 'other', outcome: 'skipped' });
    }
    const valid = items.filter((i) => i.handled);
    if (valid.length > 1) {
      try {
        await this.withTransientRetry(() => this.handleInTransaction(batch, valid), heartbeat, isRunning);
        await this.deadLetterAll(
          batch,
          items.filter((i) => i.poison),
          heartbeat,
          isRunning,
        );
        return;
      } catch (error) {
        if (isTransientError(error)) throw error; // stopping: nothing committed, redelivered later
        this.log.warn(
          `batch of ${valid.length} failed (${describeError(error).message}); handling one at a time`,
        );
      }
    }
    for (const item of items) {
      if (item.poison) {
        await this.deadLetterAll(batch, [item], heartbeat, isRunning);
      } else if (item.handled) {
        try {
          await this.withTransientRetry(() => this.handleInTransaction(batch, [item]), heartbeat, isRunning);
        } catch (error) {
          if (isTransientError(error)) throw error;
          await this.deadLetterAll(batch, [{ ...item, poison: asError(error) }], heartbeat, isRunning);
        }
      }
    }
  }

  private async handleInTransaction(batch: Batch, items: Decoded[]): Promise<void> {
    const started = performance.now();
    const outcomes = await this.options.transactions.$transaction(
      (tx: SqlExecutor) =>
        withCommitHooks(tx, async () => {
          const values: unknown[] = [];
          const tuples = items.map((item, i) => {
            values.push(this.options.groupId, item.handled?.envelope.id, item.handled?.envelope.type);
            const p = i * INBOX_INSERT_COLUMNS;
            return `($${p + 1}, $${p + 2}, $${p + 3})`;
          });
          const inserted = await tx.$queryRawUnsafe<{ event_id: string }[]>(
            `INSERT INTO processed_event (consumer_group, event_id, event_type) VALUES ${tuples.join(', ')}
           ON CONFLICT DO NOTHING RETURNING event_id`,
            ...values,
          );
          const fresh = new Set(inserted.map((r) => r.event_id));
          const result: { type: string; outcome: 'handled' | 'duplicate' }[] = [];
          for (const item of items) {
            const handled = item.handled;
            if (!handled) continue;
            if (!fresh.delete(handled.envelope.id)) {
              result.push({ type: handled.envelope.type, outcome: 'duplicate' });
              continue;
            }
            await this.invoke(handled.envelope, handled.data, tx, batch, item.message);
            result.push({ type: handled.envelope.type, outcome: 'handled' });
          }
          return result;
        }),
      { maxWait: 10_000, timeout: 60_000 },
    );
    this.handleSeconds?.observe((performance.now() - started) / 1000);
    for (const o of outcomes) this.handledCounter?.inc(o);
  }

  private async invoke(
    envelope: EventEnvelope,
    data: unknown,
    tx: SqlExecutor,
    batch: Batch,
    message: KafkaMessage,
  ): Promise<void> {
    const handler = this.messageHandlers.get(envelope.type);
    if (!handler) return;
    const eventContext = new EventContext([tx, envelope, batch.topic, batch.partition, message.offset]);
    // A consumer span, child of the producer's: events the handler writes carry its context on.
    const parent = contextFromTraceparent(envelope.traceparent);
    const span = tracer().startSpan(
      `process ${envelope.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': batch.topic,
          'messaging.destination.partition.id': String(batch.partition),
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.message.id': envelope.id,
          'messaging.kafka.offset': Number(message.offset),
          'cloudevents.event_type': envelope.type,
          'cloudevents.event_subject': envelope.subject,
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), async () => {
        const result: unknown = await handler(data, eventContext);
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    } catch (error) {
      span.recordException(asError(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  private async deadLetterAll(
    batch: Batch,
    items: Decoded[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    for (const item of items) {
      const record = deadLetterRecord(
        {
          topic: batch.topic,
          partition: batch.partition,
          message: item.message,
          groupId: this.options.groupId,
        },
        item.poison,
      );
      await this.withTransientRetry(
        async () => {
          if (!this.producer) throw new TransientError('producer not connected');
          await this.producer.send({ topic: record.topic, messages: [record.message], acks: -1 });
        },
        heartbeat,
        isRunning,
      );
      const type = item.handled?.envelope.type ?? 'unknown';
      this.handledCounter?.inc({ type, outcome: 'dead_lettered' });
      this.log.error(
        `dead-lettered ${type} at ${batch.topic}[${batch.partition}]@${item.message.offset} to ${record.topic}: ${describeError(item.poison).message}`,
      );
    }
  }

  /** Runs `work`, retrying transient failures with capped exponential backoff for as long as the consumer runs. */
  private async withTransientRetry<T>(
    work: () => Promise<T>,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<T> {
    let delay = this.options.retryInitialMs ?? 100;
    const max = this.options.retryMaxMs ?? 10_000;
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!isTransientError(error) || !isRunning() || this.stopping) throw error;
        this.log.warn(`transient failure (${describeError(error).message}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, max);
        await heartbeat().catch(() => undefined);
      }
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
