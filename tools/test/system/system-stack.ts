// The whole system for scenario tests: `npm start`'s launcher (tools/dev/start.ts --no-build) runs
// the Kafka dev broker and intake, routing and sla as separate processes on local PostgreSQL and
// Redis, each with its own databases, Redis prefix and ports; time moves with the development
// clock control (POST /dev/clock in every service), never with sleeps.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_POSTGRES_URL, SERVICES } from '../../dev/config.ts';
import { dropDatabases } from '../../dev/postgres.ts';
import { type SystemClient, systemClient } from '../../system/client.ts';
import { ensureStopped, freePortBase, launchNode, type Launched } from '../launch.ts';

export interface SystemStack extends SystemClient {
  output(): string;
  stop(): Promise<void>;
}

export async function startSystem(
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<SystemStack> {
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
      process.env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL,
      SERVICES.map((service) => `${prefix}_${service}`),
    );
  };
  try {
    await launched.waitForOutput('jsjb is ready', timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...systemClient(portBase), output: () => launched.output(), stop };
}
