// The pipeline's end-to-end latency per ticket, from the stores' own timestamps: intake's answer
// (the load generator's clock) → routing's `ticket.dispatched.v1` (its event time, the outbox row's
// `created_at`) → sla's clocks armed (each clock's first BullMQ timer job: its `timestamp`, when
// sla added it to Redis). One machine, one clock.
import { Redis } from 'ioredis';
import pg from 'pg';
import { pollUntil } from '../dev/process.ts';

export interface PipelineStores {
  routingUrl: string;
  slaUrl: string;
  redisUrl: string;
  /** The stack's REDIS_KEY_PREFIX (sla's timer queue lives under `<prefix>sla:bull:clock-timers:`). */
  redisKeyPrefix: string;
}

export interface PipelineTimes {
  /** Ticket id → event time of its first `ticket.dispatched.v1` (epoch ms). */
  dispatchedAt: Map<string, number>;
  /** Ticket id → when the last of its first-cycle clocks got its timer (epoch ms). */
  armedAt: Map<string, number>;
}

const TIMER_QUEUE_KEY = 'sla:bull:clock-timers';
const CHUNK = 2000;

/**
 * Waits (up to `timeoutMs`) until every ticket is dispatched and its clocks are armed, then reads
 * when each happened. Tickets still missing at the deadline are left out (the caller counts them).
 */
export async function pipelineTimes(
  stores: PipelineStores,
  ticketIds: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PipelineTimes> {
  const routing = new pg.Client({ connectionString: stores.routingUrl });
  const sla = new pg.Client({ connectionString: stores.slaUrl });
  const redis = new Redis(stores.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await Promise.all([routing.connect(), sla.connect(), redis.connect()]);
  try {
    const times: PipelineTimes = { dispatchedAt: new Map(), armedAt: new Map() };
    await pollUntil(
      async () => {
        const pending = ticketIds.filter((id) => !times.dispatchedAt.has(id));
        for (let i = 0; i < pending.length; i += CHUNK) {
          const { rows } = await routing.query<{ id: string; at: Date }>(
            `SELECT payload->>'ticketId' AS id, min(created_at) AS at FROM outbox_event
             WHERE type = 'ticket.dispatched.v1' AND payload->>'ticketId' = ANY($1::text[]) GROUP BY 1`,
            [pending.slice(i, i + CHUNK)],
          );
          for (const row of rows) times.dispatchedAt.set(row.id, row.at.getTime());
        }
        const unarmed = ticketIds.filter((id) => times.dispatchedAt.has(id) && !times.armedAt.has(id));
        for (let i = 0; i < unarmed.length; i += CHUNK) {
          const armed = await armedTimes(sla, redis, stores.redisKeyPrefix, unarmed.slice(i, i + CHUNK));
          for (const [id, at] of armed) times.armedAt.set(id, at);
        }
        return times.armedAt.size === ticketIds.length ? true : undefined;
      },
      { timeoutMs, intervalMs: 500, signal },
    );
    return times;
  } finally {
    await Promise.all([routing.end(), sla.end()]);
    redis.disconnect();
  }
}

/**
 * For tickets whose first-cycle clocks all have a timer job: when the last of them was armed.
 * A clock's first job is for its first warning or its due time, version 1 (sla's `timerJobId`).
 */
async function armedTimes(
  sla: pg.Client,
  redis: Redis,
  keyPrefix: string,
  ticketIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await sla.query<{ id: string; ticket_id: string; warnings: number[] }>(
    `SELECT id::text, ticket_id, warnings FROM sla_clock
     WHERE ticket_id = ANY($1::text[]) AND cycle = 1 AND assignment_id IS NOT NULL`,
    [ticketIds],
  );
  const candidates = rows.map((clock) => [
    `${clock.id}:v1:due`,
    ...clock.warnings.map((w) => `${clock.id}:v1:w${w}`),
  ]);
  const pipeline = redis.pipeline();
  for (const jobs of candidates)
    for (const job of jobs) pipeline.hget(`${keyPrefix}${TIMER_QUEUE_KEY}:${job}`, 'timestamp');
  const answers = (await pipeline.exec()) ?? [];
  const byTicket = new Map<string, { clocks: number; armed: number; at: number }>();
  let next = 0;
  rows.forEach((clock, i) => {
    let first = Infinity;
    for (let j = 0; j < (candidates[i]?.length ?? 0); j++) {
      const value = answers[next++]?.[1];
      if (typeof value === 'string') first = Math.min(first, Number(value));
    }
    const entry = byTicket.get(clock.ticket_id) ?? { clocks: 0, armed: 0, at: 0 };
    entry.clocks++;
    if (Number.isFinite(first)) {
      entry.armed++;
      entry.at = Math.max(entry.at, first);
    }
    byTicket.set(clock.ticket_id, entry);
  });
  const armed = new Map<string, number>();
  for (const [id, entry] of byTicket)
    if (entry.clocks > 0 && entry.armed === entry.clocks) armed.set(id, entry.at);
  return armed;
}
