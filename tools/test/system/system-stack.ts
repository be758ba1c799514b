// The whole system for scenario tests: `npm start`'s launcher (tools/dev/start.ts --no-build) runs
// the Kafka dev broker and intake, routing and sla as separate processes on local PostgreSQL and
// Redis, each with its own databases, Redis prefix and ports; time moves with the development
// clock control (POST /dev/clock in every service), never with sleeps.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_POSTGRES_URL, planPorts, SERVICES, type ServiceName } from '../../dev/config.ts';
import { dropDatabases } from '../../dev/postgres.ts';
import { pollUntil } from '../../dev/process.ts';
import { findWorkspaceRoot } from '../../dev/workspace.ts';
import { ensureStopped, freePortBase, launchNode, node, type Launched } from '../launch.ts';

const root = findWorkspaceRoot();

/** Claims of a caller, as `npm run token` takes them. */
export interface Caller {
  role: 'operator' | 'dispatcher' | 'unit_staff' | 'callback_agent' | 'manager' | 'admin' | 'resident';
  sub?: string;
  unit?: string;
  district?: string;
  street?: string;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface SystemStack {
  ports: Record<ServiceName, number>;
  http(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    caller: Caller,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** Moves every service's clock forward by `ms` (sla then runs the timers that became due). */
  advance(ms: number): Promise<void>;
  /** Polls `probe` until it returns a value; fails naming `what` after `timeoutMs`. */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

const tokens = new Map<string, string>();

/** A development token from the project's own tool (`npm run token`), minted once per caller. */
function token(caller: Caller): string {
  const args = ['--role', caller.role, '--sub', caller.sub ?? `${caller.role}-system`];
  for (const claim of ['unit', 'district', 'street'] as const) {
    const value = caller[claim];
    if (value !== undefined) args.push(`--${claim}`, value);
  }
  const key = args.join(' ');
  let minted = tokens.get(key);
  if (minted === undefined) {
    minted = execFileSync(node, [join(root, 'libs/platform/dist/auth/token.cli.js'), ...args], {
      encoding: 'utf8',
    }).trim();
    tokens.set(key, minted);
  }
  return minted;
}

export async function startSystem(timeoutMs = 120_000): Promise<SystemStack> {
  const prefix = `jsjb_sys_${randomBytes(4).toString('hex')}`;
  const portBase = await freePortBase();
  const ports = planPorts(portBase);
  const launched: Launched = launchNode([join('tools', 'dev', 'start.ts'), '--no-build'], {
    JSJB_DATABASE_PREFIX: prefix,
    JSJB_PORT_BASE: String(portBase),
    REDIS_KEY_PREFIX: `jsjb:${prefix}:`,
    DEV_CLOCK_CONTROL: 'true',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: undefined,
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

  const http: SystemStack['http'] = async (service, method, path, caller, body, headers = {}) => {
    const response = await fetch(`http://127.0.0.1:${ports[service]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token(caller)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  };

  const until: SystemStack['until'] = async (what, probe, wait = 30_000) => {
    const value = await pollUntil(probe, { timeoutMs: wait, intervalMs: 100 });
    if (value === undefined) throw new Error(`${what} did not happen within ${wait} ms`);
    return value;
  };

  const admin: Caller = { role: 'admin', sub: 'system-clock' };
  const advance: SystemStack['advance'] = async (ms) => {
    for (const service of SERVICES) {
      const moved = await http(service, 'POST', '/dev/clock', admin, { advanceMs: ms });
      if (moved.status !== 200)
        throw new Error(`${service} did not move its clock: ${JSON.stringify(moved)}`);
    }
  };

  return { ports, http, advance, until, output: () => launched.output(), stop };
}
