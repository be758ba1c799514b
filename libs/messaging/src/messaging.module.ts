import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestApplication,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Type,
} from '@nestjs/common';
import type { EventCatalog } from '@jsjb/contracts';
import {
  APP_CONNECTORS,
  MetricsRegistry,
  ReadinessRegistry,
  type AppConnector,
  type BaseConfig,
} from '@jsjb/platform';
import type { NestMicroservice } from '@nestjs/microservices';
import type { Admin, Kafka } from 'kafkajs';
import type { MessagingConfig } from './config';
import { EventConsumerServer, RethrowEventErrorsFilter } from './consumer/event-consumer.server';
import { createKafka, pingKafka } from './kafka/kafka';
import { EventCounters, type EventCounterDefinition } from './outbox/event-counters';
import { Outbox } from './outbox/outbox';
import { registerOutboxGauges } from './outbox/outbox-metrics';
import { OutboxRelay } from './outbox/outbox-relay';
import type { SqlExecutor, TransactionRunner } from './sql';

/** DI token of the service's kafkajs client. */
export const KAFKA = Symbol.for('jsjb.messaging.kafka');
const MESSAGING_OPTIONS = Symbol.for('jsjb.messaging.options');
const OUTBOX_GAUGES = Symbol.for('jsjb.messaging.outbox-gauges');

export interface MessagingModuleOptions {
  service: string;
  config: BaseConfig & MessagingConfig;
  catalog: EventCatalog;
  /** Event types the service handles with `@EventPattern` (checked at boot). */
  consumes: readonly string[];
  /** The service's PrismaService: handlers' transactions and the outbox's database. */
  database: Type<TransactionRunner & SqlExecutor>;
  /** The service's business counters over its own events (see EventCounters). */
  eventCounters?: readonly EventCounterDefinition[];
}

/** Runs the outbox relay while the application runs; stops it before connections close. */
@Injectable()
class OutboxRelayRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private relay: OutboxRelay | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MetricsRegistry) private readonly metrics: MetricsRegistry,
    @Inject(EventCounters) private readonly eventCounters: EventCounters,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this.options;
    if (!config.OUTBOX_RELAY_ENABLED) return;
    this.relay = new OutboxRelay({
      databaseUrl: config.DATABASE_URL,
      kafka: this.kafka,
      batchSize: config.OUTBOX_BATCH_SIZE,
      leaseMs: config.OUTBOX_LEASE_MS,
      idlePollMs: config.OUTBOX_POLL_MS,
      retainSentMs: config.OUTBOX_RETAIN_SENT_MS,
      logger: new Logger('OutboxRelay'),
      metrics: this.metrics.registry,
      eventCounters: this.eventCounters,
    });
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

/** Kafka in /readyz, through one admin connection. */
@Injectable()
class KafkaReadiness implements OnModuleDestroy {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(ReadinessRegistry) registry: ReadinessRegistry) {
    this.admin = kafka.admin();
    registry.register({
      name: 'kafka',
      check: async () => {
        this.connected ??= this.admin.connect().catch((error: unknown) => {
          this.connected = undefined;
          throw error;
        });
        await this.connected;
        await pingKafka(this.admin);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }
}

/**
 * The event backbone of a service: the outbox (`Outbox.add(tx, event)`), its relay, the Kafka
 * consumer serving the service's `@EventPattern` handlers, and Kafka's readiness check.
 */
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const { config, service } = options;
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: config.KAFKA_BROKERS,
              clientId: config.KAFKA_CLIENT_ID ?? `jsjb-${service}`,
              logger: new Logger('Kafka'),
            }),
        },
        { provide: Outbox, useValue: new Outbox(options.catalog, `jsjb/${service}`) },
        {
          provide: EventCounters,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) =>
            new EventCounters(options.eventCounters ?? [], metrics.registry),
        },
        {
          // Every instance, relay or not, exports the outbox's lag.
          provide: OUTBOX_GAUGES,
          inject: [MetricsRegistry, options.database],
          useFactory: (metrics: MetricsRegistry, database: SqlExecutor) =>
            registerOutboxGauges(metrics.registry, database),
        },
        {
          provide: EventConsumerServer,
          inject: [KAFKA, options.database, MetricsRegistry],
          useFactory: (kafka: Kafka, database: TransactionRunner, metrics: MetricsRegistry) =>
            new EventConsumerServer({
              kafka,
              groupId: config.KAFKA_CONSUMER_GROUP ?? `jsjb-${service}`,
              catalog: options.catalog,
              consumes: options.consumes,
              transactions: database,
              logger: new Logger('EventConsumer'),
              metrics: metrics.registry,
              transactionBatchSize: config.CONSUMER_TRANSACTION_BATCH,
              sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
              minBytes: config.CONSUMER_FETCH_MIN_BYTES,
              maxWaitTimeMs: config.CONSUMER_FETCH_MAX_WAIT_MS,
            }),
        },
        {
          provide: APP_CONNECTORS,
          inject: [EventConsumerServer],
          useFactory: (server: EventConsumerServer): AppConnector[] => [
            (app: INestApplication) => {
              // Nest binds a handler's exception filters when it registers the handler, so the
              // filter goes on before the listeners (deferInitialization) — otherwise handler errors
              // would reach the consumer wrapped, without their class or code.
              const microservice = app.connectMicroservice(
                { strategy: server },
                { inheritAppConfig: false, deferInitialization: true },
              ) as NestMicroservice;
              microservice.useGlobalFilters(new RethrowEventErrorsFilter());
              microservice.registerListeners();
              microservice.setIsInitialized(true);
              microservice.setIsInitHookCalled(true);
            },
          ],
        },
        OutboxRelayRunner,
        KafkaReadiness,
      ],
      exports: [Outbox, KAFKA, EventConsumerServer],
    };
  }
}
