// `npm run test:chaos`: fault injection under load, then reconciliation. Runs its own stack (own
// databases, Redis prefix and ports; the Kafka dev broker; the local PostgreSQL and Redis), creates
// a few thousand hotline tickets at a steady rate with retries under the same Idempotency-Key, has
// the units sign (签收) a third of what routing dispatches, and meanwhile, in turn: kill -9 intake,
// routing and sla (each restarted at once), suspends the broker for 30 s, restarts PostgreSQL. Once
// the load is done it waits for the stores to settle and reconciles them (tools/system/reconcile.ts);
// it exits 1 when anything does not match.
//
// Environment (whole numbers): CHAOS_TICKETS (3000), CHAOS_RATE (tickets per second, 25),
// CHAOS_BROKER_OUTAGE_SECONDS (30), CHAOS_SETTLE_SECONDS (480); CHAOS_POSTGRES_RESTART (a shell
// command restarting PostgreSQL; default: pg_ctlcluster on a local server), CHAOS_KEEP=true (keep
// the databases and Redis keys to look into); POSTGRES_URL and REDIS_URL as for npm start.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { integerSetting, SERVICES, type DevOptions, type ServiceName } from './dev/config.ts';
import { describeExit, pollUntil, sendSignal, type ChildHandle } from './dev/process.ts';
import {
  prepareThrowawayStack,
  runLauncher,
  spawnService,
  startKafkaDevBroker,
  throwIfStopping,
  waitForReady,
  type DevContext,
  type KafkaInUse,
  type PreparedStack,
} from './dev/stack.ts';
import { DevError } from './dev/workspace.ts';
import { systemClient, type Caller, type SystemClient } from './system/client.ts';
import { formatReport, reconcile, reconcileTarget, type ReconcileReport } from './system/reconcile.ts';

const sh = promisify(execFile);

const operator: Caller = { role: 'operator', sub: 'chaos-operator' };

/** Where and what the load's tickets are about: communities and matters of the sample city. */
interface Places {
  communities: string[];
  categories: string[];
}

interface Load {
  /** Idempotency key → ticket id, for every ticket a client was told was accepted. */
  acknowledged: Map<string, string>;
  /** Requests sent; each ticket ends acknowledged or rejected, so the rest were retries. */
  attempts: number;
  /** Answers other than 2xx, 429, 5xx or no answer at all: the load's own bugs. */
  rejected: string[];
  done: Promise<void>;
}

interface Fault {
  name: string;
  at: number;
  /** ms from the fault's start until the stack served again. */
  recoveryMs: number;
}

/** The services of the run: restartable, with unexpected exits recorded. */
class Services {
  private readonly handles = {} as Record<ServiceName, ChildHandle>;
  private readonly killing = new Set<ChildHandle>();
  readonly crashes: string[] = [];

  private readonly ctx: DevContext;
  private readonly stack: PreparedStack;
  private readonly kafkaBrokers: string;
  private readonly ports: Record<ServiceName, number>;

  constructor(
    ctx: DevContext,
    stack: PreparedStack,
    kafkaBrokers: string,
    ports: Record<ServiceName, number>,
  ) {
    this.ctx = ctx;
    this.stack = stack;
    this.kafkaBrokers = kafkaBrokers;
    this.ports = ports;
  }

  start(service: ServiceName): void {
    const handle = spawnService(this.ctx, service, this.stack, this.kafkaBrokers, this.ports[service]);
    this.handles[service] = handle;
    void handle.exit.then((exit) => {
      if (!this.killing.has(handle) && !this.ctx.signal.aborted) {
        this.crashes.push(`${service} exited on its own (${describeExit(exit)})`);
        this.ctx.output.error(`${service} exited on its own (${describeExit(exit)})`);
      }
    });
  }

  ready(service: ServiceName, timeoutMs = 90_000): Promise<void> {
    return waitForReady(service, this.ports[service], {
      timeoutMs,
      intervalMs: 200,
      signal: this.ctx.signal,
    });
  }

  /** kill -9, then start it again. */
  async kill(service: ServiceName): Promise<void> {
    const handle = this.handles[service];
    this.killing.add(handle);
    sendSignal(handle, 'SIGKILL');
    await handle.exit;
    this.start(service);
  }
}

async function samplePlaces(intakeUrl: string, signal: AbortSignal): Promise<Places> {
  const client = new pg.Client({ connectionString: intakeUrl });
  await client.connect();
  try {
    const places = await pollUntil(
      async () => {
        const communities = (
          await client.query<{ code: string }>(
            `SELECT code FROM reference_area WHERE level = 'community' ORDER BY code LIMIT 400`,
          )
        ).rows.map((r) => r.code);
        const categories = (
          await client.query<{ code: string }>(
            `SELECT code FROM reference_catalogue_item WHERE urgency <> 'urgent' ORDER BY code LIMIT 40`,
          )
        ).rows.map((r) => r.code);
        return communities.length > 0 && categories.length > 0 ? { communities, categories } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, signal },
    );
    if (places === undefined) throw new DevError('intake did not receive the sample territory and catalogue');
    return places;
  } finally {
    await client.end();
  }
}

/** `total` hotline tickets at `rate` per second; each retried under its Idempotency-Key until accepted. */
function startLoad(system: SystemClient, places: Places, run: string, total: number, rate: number): Load {
  const load: Load = {
    acknowledged: new Map(),
    attempts: 0,
    rejected: [],
    done: Promise.resolve(),
  };
  const started = Date.now();
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const key = `chaos-${run}-${i}`;
    const body = {
      requestType: 'complaint',
      categoryCode: places.categories[i % places.categories.length],
      content: `压力测试工单 ${i}：小区门口的问题一直没有解决，希望尽快处理。`,
      caller: { name: '测试', phone: `139${String(i).padStart(8, '0')}` },
      location: {
        communityCode: places.communities[i % places.communities.length],
        address: `${(i % 40) + 1}号楼`,
      },
      triage: { outcome: 'dispatch' },
    };
    const deadline = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      load.attempts += 1;
      const reply = await system
        .http('intake', 'POST', '/tickets', operator, body, { 'idempotency-key': key })
        .catch(() => undefined);
      if (reply !== undefined && (reply.status === 201 || reply.status === 200)) {
        load.acknowledged.set(key, String(reply.body['id']));
        return;
      }
      if (reply !== undefined && reply.status !== 429 && reply.status < 500) {
        load.rejected.push(`${key}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
        return;
      }
      if (Date.now() > deadline) {
        load.rejected.push(`${key}: not accepted within 180 s (last: ${reply?.status ?? 'no answer'})`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
    }
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < total; i = next++) {
      // Paced: ticket i is due at started + i / rate; a worker held up by a fault catches up.
      const wait = started + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await one(i);
    }
  };
  // Enough workers that requests stuck in a fault do not stop the others.
  const workers = Math.max(16, Math.ceil(rate));
  load.done = Promise.all(Array.from({ length: workers }, () => worker())).then(() => undefined);
  return load;
}

interface Signing {
  /** Assignments the units signed (签收), acknowledged by routing. */
  signed: Set<string>;
  /** Answers to the sign requests by status ('none': no answer). */
  answers: Map<string, number>;
  rejected: string[];
  done: Promise<void>;
}

/**
 * Units sign (签收) every third lead assignment routing dispatched, while the load runs and until
 * `finished()` and none is left (or `deadlineMs` after that), each through the API as its unit's
 * staff; a sign whose answer was lost is checked on the assignment itself.
 */
function startSigning(
  system: SystemClient,
  routingUrl: string,
  finished: () => boolean,
  deadlineMs: number,
  signal: AbortSignal,
): Signing {
  const signing: Signing = {
    signed: new Set(),
    answers: new Map(),
    rejected: [],
    done: Promise.resolve(),
  };
  const chosen = (id: string): boolean => Number.parseInt(id.slice(-2), 16) % 3 === 0;
  /** The dispatched leads not signed yet, from routing's database (the harness's view of the inboxes). */
  const toSign = async (): Promise<{ id: string; unit_id: string }[] | undefined> => {
    const client = new pg.Client({ connectionString: routingUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ id: string; unit_id: string }>(
        `SELECT id::text, unit_id FROM assignment WHERE role = 'lead' AND status = 'dispatched'`,
      );
      return rows.filter((row) => chosen(row.id) && !signing.signed.has(row.id));
    } catch {
      return undefined; // PostgreSQL is restarting: come back
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  /** One pass: each unit signs its chosen assignments through the API; how many were left to sign. */
  const pass = async (): Promise<number> => {
    const rows = await toSign();
    if (rows === undefined) return 1;
    for (const { id, unit_id: unit } of rows) {
      const staff: Caller = { role: 'unit_staff', sub: `chaos-${unit}`, unit };
      const reply = await system
        .http('routing', 'POST', `/assignments/${id}/sign`, staff)
        .catch(() => undefined);
      const answer = String(reply?.status ?? 'none');
      signing.answers.set(answer, (signing.answers.get(answer) ?? 0) + 1);
      if (reply?.status === 200) {
        signing.signed.add(id);
      } else if (reply?.status === 409) {
        // Signed by an attempt whose answer was lost?
        const now = await system.http('routing', 'GET', `/assignments/${id}`, staff).catch(() => undefined);
        if (now?.body['status'] === 'signed') signing.signed.add(id);
      } else if (reply !== undefined && reply.status < 500 && reply.status !== 429) {
        signing.rejected.push(`sign ${id}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
        signing.signed.add(id); // not again
      }
    }
    return rows.length;
  };
  signing.done = (async () => {
    let finishedAt: number | undefined;
    for (;;) {
      const left = await pass();
      if (finished()) {
        finishedAt ??= Date.now();
        if (left === 0) return;
        if (Date.now() - finishedAt > deadlineMs) {
          signing.rejected.push(`${left} assignments still to sign ${deadlineMs / 1000} s after the load`);
          return;
        }
      }
      if (signal.aborted) return;
      // Between passes: new assignments arrive with the load (a polling interval, not a wait on a condition).
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return signing;
}

/** The command restarting PostgreSQL: CHAOS_POSTGRES_RESTART, else pg_ctlcluster on a local server. */
function postgresRestart(env: DevContext['env'], stack: PreparedStack): string[] {
  const custom = env['CHAOS_POSTGRES_RESTART']?.trim();
  if (custom) return ['sh', '-c', custom];
  const host = new URL(stack.postgresUrl).hostname;
  if (stack.postgresEmbedded || !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new DevError(
      'restarting PostgreSQL needs a local Debian cluster (pg_ctlcluster) or CHAOS_POSTGRES_RESTART, ' +
        'a command that restarts the server at POSTGRES_URL',
    );
  }
  let versions: string[];
  try {
    versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b));
  } catch {
    throw new DevError('no /etc/postgresql: set CHAOS_POSTGRES_RESTART to a command restarting PostgreSQL');
  }
  const version = versions[versions.length - 1];
  if (version === undefined) throw new DevError('no PostgreSQL cluster in /etc/postgresql');
  return ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', 'restart'];
}

async function chaos(ctx: DevContext, options: DevOptions): Promise<number> {
  const total = integerSetting(ctx.env, 'CHAOS_TICKETS', 3000, 1, 1_000_000);
  const rate = integerSetting(ctx.env, 'CHAOS_RATE', 25, 1, 10_000);
  const outageMs = integerSetting(ctx.env, 'CHAOS_BROKER_OUTAGE_SECONDS', 30, 1, 3600) * 1000;
  const settleMs = integerSetting(ctx.env, 'CHAOS_SETTLE_SECONDS', 480, 1, 86_400) * 1000;
  const run = randomBytes(4).toString('hex');
  const prefix = `jsjb_chaos_${run}`;
  ctx.output.info(
    `chaos run ${run}: ${total} tickets at ${rate}/s; kill -9 of each service, a ${outageMs / 1000} s broker outage, a PostgreSQL restart`,
  );
  const own = await prepareThrowawayStack(ctx, options, {
    prefix,
    env: {
      ...ctx.env,
      LOG_LEVEL: ctx.env['LOG_LEVEL'] ?? 'warn',
      // A killed member holds its partitions until its session times out (30 s by default); the run
      // uses 10 s so each fault is over within the load. Production keeps its own setting.
      CONSUMER_SESSION_TIMEOUT_MS: ctx.env['CONSUMER_SESSION_TIMEOUT_MS'] ?? '10000',
    },
    keep: ctx.env['CHAOS_KEEP'] === 'true',
  });
  const { stack, portBase, ports, ctx: runCtx } = own;
  const env = runCtx.env;
  const restartPostgres = postgresRestart(ctx.env, stack);
  const kafka: KafkaInUse = await startKafkaDevBroker(runCtx);
  if (!kafka.devBroker) throw new DevError('the chaos run needs the Kafka dev broker (unset KAFKA_BROKERS)');
  throwIfStopping(ctx);

  const services = new Services(runCtx, stack, kafka.brokers, ports);
  for (const service of SERVICES) services.start(service);
  await Promise.all(SERVICES.map((service) => services.ready(service)));
  ctx.output.info('the stack is ready; waiting for intake to know the sample city');
  const places = await samplePlaces(stack.databaseUrls.intake, ctx.signal);

  const system = systemClient(portBase);
  const began = Date.now();
  const load = startLoad(system, places, run, total, rate);
  // The units' signing ends once the load is over and routing has every accepted ticket.
  let allRouted = false;
  const signing = startSigning(system, stack.databaseUrls.routing, () => allRouted, settleMs, ctx.signal);
  const faults: Fault[] = [];
  const when = async (share: number): Promise<void> => {
    await pollUntil(() => Promise.resolve(load.acknowledged.size >= total * share ? true : undefined), {
      timeoutMs: 600_000,
      intervalMs: 100,
      signal: ctx.signal,
    });
  };
  const fault = async (name: string, inject: () => Promise<void>): Promise<void> => {
    const at = load.acknowledged.size;
    ctx.output.warn(`FAULT ${name} (${at} of ${total} tickets accepted)`);
    const started = Date.now();
    await inject();
    await Promise.all(SERVICES.map((service) => services.ready(service)));
    const recoveryMs = Date.now() - started;
    faults.push({ name, at, recoveryMs });
    ctx.output.warn(`recovered from ${name} in ${(recoveryMs / 1000).toFixed(1)} s`);
  };
  const script = (async () => {
    for (const [share, service] of [
      [0.1, 'intake'],
      [0.2, 'routing'],
      [0.3, 'sla'],
    ] as const) {
      await when(share);
      await fault(`kill -9 ${service}`, () => services.kill(service));
    }
    await when(0.4);
    await fault(`Kafka broker down for ${outageMs / 1000} s`, async () => {
      await kafka.suspend();
      await new Promise((resolve) => setTimeout(resolve, outageMs)); // the outage's length, not a wait on a condition
      await kafka.resume();
    });
    await when(0.8);
    await fault('PostgreSQL restart', async () => {
      const [command = '', ...args] = restartPostgres;
      await sh(command, args);
    });
  })();
  await Promise.all([load.done, script]);
  const loadSeconds = (Date.now() - began) / 1000;
  const routed = await pollUntil(
    async () => {
      const client = new pg.Client({ connectionString: stack.databaseUrls.routing });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM routing_ticket');
        return (rows[0]?.n ?? 0) >= load.acknowledged.size ? true : undefined;
      } finally {
        await client.end();
      }
    },
    { timeoutMs: settleMs, intervalMs: 1000, signal: ctx.signal },
  );
  if (routed === undefined)
    ctx.output.warn('routing did not receive every ticket in time; see the reconciliation');
  allRouted = true;
  await signing.done;
  const retries = load.attempts - load.acknowledged.size - load.rejected.length;
  const signRequests = [...signing.answers.values()].reduce((sum, n) => sum + n, 0);
  ctx.output.info(
    `load done: ${load.acknowledged.size} of ${total} tickets accepted in ${loadSeconds.toFixed(1)} s ` +
      `(${load.attempts} requests, ${retries} retries, ${load.rejected.length} rejected)`,
  );

  // Settling: events published after the faults are still being applied; poll the checks until they pass.
  const target = reconcileTarget({
    root: ctx.root,
    node: ctx.node,
    env,
    databaseUrls: stack.databaseUrls,
    redisUrl: stack.redisUrl,
    kafkaBrokers: kafka.brokers,
  });
  const settledAt = Date.now();
  let report: ReconcileReport | undefined;
  const settled = await pollUntil(
    async () => {
      report = await reconcile({ ...target, acknowledged: [...load.acknowledged.values()] });
      return report.ok ? report : undefined;
    },
    { timeoutMs: settleMs, intervalMs: 2000, signal: ctx.signal },
  );
  const settleSeconds = (Date.now() - settledAt) / 1000;

  const lines = [
    '',
    `chaos run ${run}: ${load.acknowledged.size} tickets accepted of ${total} sent at ${rate}/s in ${loadSeconds.toFixed(1)} s; ` +
      `${load.attempts} requests, ${retries} retried; units signed ${signing.signed.size} assignments (${signRequests} requests: ${[
        ...signing.answers,
      ]
        .map(([status, n]) => `${n}× ${status}`)
        .join(', ')})`,
    ...faults.map(
      (f) =>
        `  fault: ${f.name} at ${f.at} accepted; served again after ${(f.recoveryMs / 1000).toFixed(1)} s`,
    ),
    `  settled ${settled ? 'in' : 'NOT within'} ${settleSeconds.toFixed(1)} s`,
    ...(report ? formatReport(report).map((line) => `  ${line}`) : []),
    ...services.crashes.map((crash) => `  CRASH: ${crash}`),
    ...[...load.rejected, ...signing.rejected].slice(0, 10).map((r) => `  REJECTED: ${r}`),
  ];
  for (const line of lines) ctx.output.info(line);
  const ok =
    settled !== undefined &&
    services.crashes.length === 0 &&
    load.rejected.length === 0 &&
    signing.rejected.length === 0 &&
    load.acknowledged.size === total;
  ctx.output[ok ? 'info' : 'error'](ok ? 'chaos run passed' : 'chaos run FAILED');
  return ok ? 0 : 1;
}

await runLauncher(chaos, { interruptedExitCode: 130 });
