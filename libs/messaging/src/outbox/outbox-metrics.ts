import { Gauge, type Registry } from 'prom-client';
import type { SqlExecutor } from '../sql';

/**
 * `jsjb_outbox_lag_seconds` (age of the oldest event not yet published) and `jsjb_outbox_pending`
 * (how many), read from the outbox table at each scrape, through the (sent_at, seq) index. Every
 * instance exports them, relay or not: they are the database's figures, the same from each.
 */
export function registerOutboxGauges(registry: Registry, database: SqlExecutor): void {
  const registers = [registry];
  new Gauge({
    name: 'jsjb_outbox_lag_seconds',
    help: 'Age of the oldest outbox event not yet published to Kafka (0 when every event is published)',
    registers,
    async collect() {
      const rows = await database.$queryRawUnsafe<{ lag: number | null }[]>(
        'SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS lag FROM outbox_event WHERE sent_at IS NULL',
      );
      this.set(Math.max(0, rows[0]?.lag ?? 0));
    },
  });
  new Gauge({
    name: 'jsjb_outbox_pending',
    help: 'Outbox events not yet published to Kafka',
    registers,
    async collect() {
      const rows = await database.$queryRawUnsafe<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM outbox_event WHERE sent_at IS NULL',
      );
      this.set(rows[0]?.n ?? 0);
    },
  });
}
