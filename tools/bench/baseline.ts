// The physical limit of this machine for a durable write: single-row INSERTs into PostgreSQL through
// `pg`, each its own transaction with synchronous_commit on, from N connections at once — what a
// service without group commit could at best do per request. Runs in a scratch database of its own.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { withDatabase } from '../dev/config.ts';
import { dropDatabases, ensureDatabases } from '../dev/postgres.ts';

export interface BaselineResult {
  connections: number;
  seconds: number;
  inserts: number;
  insertsPerSecond: number;
  /** Per INSERT round trip (ms): p50, p99. */
  latencyMs: { p50: number; p99: number };
}

/** About the size of a ticket's row: its text, caller, place. */
const PAYLOAD = JSON.stringify({
  content: '市民来电反映：小区门口的工地每天晚上十一点以后还在施工，噪音很大，影响休息。'.repeat(3),
  caller: { name: '王先生', phone: '13800000000' },
  location: { address: '安定门东里3号楼', lng: 116.41, lat: 39.95 },
});

export async function durableInsertBaseline(
  serverUrl: string,
  database: string,
  connections: number,
  seconds: number,
): Promise<BaselineResult> {
  await ensureDatabases(serverUrl, [database]);
  const url = withDatabase(serverUrl, database);
  const clients = Array.from({ length: connections }, () => new pg.Client({ connectionString: url }));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const [setup] = clients;
    await setup?.query(
      `CREATE TABLE IF NOT EXISTS baseline_ticket (id bigserial PRIMARY KEY, payload jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now())`,
    );
    // Durability as the services have it: each commit waits for its WAL flush.
    await Promise.all(clients.map((c) => c.query('SET synchronous_commit = on')));
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < until) {
          const sent = performance.now();
          await client.query('INSERT INTO baseline_ticket (payload) VALUES ($1)', [PAYLOAD]);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
    return {
      connections,
      seconds: +elapsed.toFixed(2),
      inserts: latencies.length,
      insertsPerSecond: Math.round(latencies.length / elapsed),
      latencyMs: { p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2) },
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await dropDatabases(serverUrl, [database]);
  }
}
