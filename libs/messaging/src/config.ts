import { envFlag } from '@jsjb/platform';
import { z } from 'zod';

const brokerList = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1));

/** The variables of the event backbone, merged into each service's configuration schema. */
export const messagingConfigShape = {
  /** Comma-separated host:port list of Kafka brokers. */
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Defaults to `jsjb-<service>`. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).optional(),
  OUTBOX_RELAY_ENABLED: envFlag('true'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(100).default(30_000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(5).default(500),
  OUTBOX_RETAIN_SENT_MS: z.coerce.number().int().min(0).default(3_600_000),
  CONSUMER_TRANSACTION_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * A fetch answers once it has this many bytes, or after CONSUMER_FETCH_MAX_WAIT_MS: under load a
   * consumer's batches (one transaction each) grow, so each event carries less of a batch's fixed
   * cost; with little traffic an event waits up to the maximum.
   */
  CONSUMER_FETCH_MIN_BYTES: z.coerce.number().int().min(1).default(65_536),
  CONSUMER_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(50),
};

export type MessagingConfig = z.infer<z.ZodObject<typeof messagingConfigShape>>;
