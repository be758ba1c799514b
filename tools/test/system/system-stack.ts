// The whole system for scenario tests: `npm start`'s launcher (tools/dev/start.ts --no-build) runs
// intake, routing and sla as separate processes, each with its own databases, Redis prefix and
// ports; time moves with the development clock control (POST /dev/clock in every service), never
// with sleeps. By default on the Kafka dev broker and the local PostgreSQL and Redis; `env` may
// point POSTGRES_URL, REDIS_URL and KAFKA_BROKERS elsewhere (the containers suite does).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  databaseName,
  DEFAULT_POSTGRES_URL,
  DEFAULT_REDIS_URL,
  SERVICES,
  stackDatabaseUrls,
} from '../../dev/config.ts';
import { dropDatabases } from '../../dev/postgres.ts';
import { deleteKeys } from '../../dev/redis.ts';
import { findWorkspaceRoot, workspaceNode } from '../../dev/workspace.ts';
import { type SystemClient, systemClient } from '../../system/client.ts';
import { reconcile, reconcileTarget, type ReconcileReport } from '../../system/reconcile.ts';
import { ensureStopped, freePortBase, launchNode, type Launched } from '../launch.ts';

export interface SystemStack extends SystemClient {
  output(): string;
  /** JSJB_PORT_BASE of its launcher (`planPorts`, `planConsolePort`). */
  portBase: number;
  /** The services' databases. */
  databaseUrls: Record<(typeof SERVICES)[number], string>;
  /** `npm run reconcile`'s checks on this stack's databases, Redis and Kafka. */
  reconcile(): Promise<ReconcileReport>;
  stop(): Promise<void>;
}

/**
 * Starts the stack with `env` on top of the test's environment and resolves once it is ready.
 * Without KAFKA_BROKERS in `env` the launcher starts its own dev broker (a KAFKA_BROKERS of the
 * test's environment is not used); POSTGRES_URL and REDIS_URL come from `env`, else from the
 * test's environment, else the defaults, as `npm start` reads them.
 */
export async function startSystem(
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<SystemStack> {
  // The server the launcher creates the databases on, which `stop` drops them from.
  const postgresUrl = (env['POSTGRES_URL'] ?? process.env['POSTGRES_URL'])?.trim() || DEFAULT_POSTGRES_URL;
  const redisUrl = (env['REDIS_URL'] ?? process.env['REDIS_URL'])?.trim() || DEFAULT_REDIS_URL;
  const prefix = `jsjb_sys_${randomBytes(4).toString('hex')}`;
  const portBase = await freePortBase();
  const launched: Launched = launchNode([join('tools', 'dev', 'start.ts'), '--no-build'], {
    JSJB_DATABASE_PREFIX: prefix,
    JSJB_PORT_BASE: String(portBase),
    REDIS_KEY_PREFIX: `jsjb:${prefix}:`,
    DEV_CLOCK_CONTROL: 'true',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: undefined,
    ...env,
  });
  const stop = async (): Promise<void> => {
    await ensureStopped(launched);
    await dropDatabases(
      postgresUrl,
      SERVICES.map((service) => databaseName(prefix, service)),
    );
    await deleteKeys(redisUrl, `jsjb:${prefix}:`);
  };
  try {
    await launched.waitForOutput('jsjb is ready', timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  const databaseUrls = stackDatabaseUrls(postgresUrl, prefix);
  const reconcileStack = (): Promise<ReconcileReport> => {
    // The Kafka the launcher used: KAFKA_BROKERS, or the dev broker it reported.
    const kafkaBrokers =
      env['KAFKA_BROKERS'] ?? /Kafka: dev broker on (\S+)/.exec(launched.output())?.[1] ?? undefined;
    const root = findWorkspaceRoot();
    return reconcile(
      reconcileTarget({
        root,
        node: workspaceNode(root),
        env: { ...process.env, REDIS_KEY_PREFIX: `jsjb:${prefix}:`, ...env },
        databaseUrls,
        redisUrl,
        ...(kafkaBrokers !== undefined ? { kafkaBrokers } : {}),
      }),
    );
  };
  return {
    ...systemClient(portBase),
    portBase,
    output: () => launched.output(),
    databaseUrls,
    reconcile: reconcileStack,
    stop,
  };
}
