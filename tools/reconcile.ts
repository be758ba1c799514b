// `npm run reconcile`: proves a stack's stores agree — every accepted ticket dispatched exactly once,
// every clock armed once, no event lost or applied twice, counters equal to a recount — and exits 1
// on any mismatch. It reads the stack `npm start` runs, found as npm start finds it: POSTGRES_URL,
// JSJB_DATABASE_PREFIX, REDIS_URL, REDIS_KEY_PREFIX, and KAFKA_BROKERS (else the dev broker on
// 127.0.0.1:9092 when one listens there; Kafka's checks are skipped when none does).
// Run it on a quiet stack: work in flight shows as not yet published or not yet applied.
import { DEFAULT_DEV_BROKER_PORT, parseDevOptions, stackDatabaseUrls } from './dev/config.ts';
import { isPortOpen } from './dev/net.ts';
import { findWorkspaceRoot, workspaceNode } from './dev/workspace.ts';
import { formatReport, reconcile, reconcileTarget } from './system/reconcile.ts';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseDevOptions([], process.env);
  const root = findWorkspaceRoot();
  const databaseUrls = stackDatabaseUrls(options.postgresUrl, options.databasePrefix);
  let kafkaBrokers = options.kafkaBrokers;
  if (kafkaBrokers === undefined && (await isPortOpen(DEFAULT_DEV_BROKER_PORT))) {
    kafkaBrokers = `127.0.0.1:${DEFAULT_DEV_BROKER_PORT}`;
  }
  if (kafkaBrokers === undefined)
    out('Kafka: none at KAFKA_BROKERS or 127.0.0.1:9092, its checks are skipped');
  out(
    `reconciling databases ${Object.values(databaseUrls)
      .map((u) => new URL(u).pathname.slice(1))
      .join(', ')}`,
  );
  const started = Date.now();
  const report = await reconcile(
    reconcileTarget({
      root,
      node: workspaceNode(root),
      env: process.env,
      databaseUrls,
      redisUrl: options.redisUrl,
      ...(kafkaBrokers !== undefined ? { kafkaBrokers } : {}),
    }),
  );
  for (const line of formatReport(report)) out(line);
  out(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `reconcile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
