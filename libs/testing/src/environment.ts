/**
 * Where tests find their services. Tests use the real PostgreSQL and Redis: DATABASE_URL /
 * REDIS_URL when set (any database in the URL: tests create their own), else the local ones.
 */
export function testPostgresUrl(): string {
  return process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** A real Kafka to test against instead of the in-process dev broker (e.g. `localhost:9094` from docker compose). */
export function externalKafkaBrokers(): string | undefined {
  return process.env['KAFKA_BROKERS'] || undefined;
}
