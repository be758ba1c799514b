// Reconciliation of a jsjb stack's stores (`npm run reconcile`, and the chaos run's verdict): reads
// the three services' databases, asks each service binary what it knows of its own data (the events
// it consumes, sla's timers and counters), and, with Kafka, the consumer groups and dead letters.
// Every check counts what it compared and what did not match; a mismatch anywhere fails.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { serviceEnv, SERVICES, type Env, type ServiceName } from '../dev/config.ts';
import { MIGRATE_KAFKA_BROKERS, serviceEntry } from '../dev/stack.ts';
import { pathWithWorkspaceBin } from '../dev/workspace.ts';

const run = promisify(execFile);

export interface ReconcileTarget {
  databaseUrls: Record<ServiceName, string>;
  /** The environment each service binary runs its commands with (DATABASE_URL, REDIS_*, KAFKA_BROKERS…). */
  serviceEnv: Record<ServiceName, Record<string, string>>;
  /** The service binaries (apps/<service>/dist/main.js) and the Node that runs them. */
  entries: Record<ServiceName, string>;
  node: string;
  /** Kafka's brokers (`host:port,…`): consumer lag and dead letters are checked when given. */
  kafkaBrokers?: string;
  /** Ticket ids some client was told were accepted (201/200): each must exist at intake. */
  acknowledged?: readonly string[];
}

/** The target of a stack whose databases, Redis and Kafka are known (npm start's, or the chaos run's). */
export function reconcileTarget(input: {
  root: string;
  node: string;
  env: Env;
  databaseUrls: Record<ServiceName, string>;
  redisUrl: string;
  kafkaBrokers?: string;
}): ReconcileTarget {
  const envs = {} as Record<ServiceName, Record<string, string>>;
  const entries = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    entries[service] = serviceEntry(input.root, service);
    envs[service] = serviceEnv(input.env, {
      service,
      databaseUrl: input.databaseUrls[service],
      redisUrl: input.redisUrl,
      // Service commands validate KAFKA_BROKERS; only `consumes` and the verify-* ones run here.
      kafkaBrokers: input.kafkaBrokers ?? MIGRATE_KAFKA_BROKERS,
      port: 0,
      path: pathWithWorkspaceBin(input.root, input.env['PATH']),
    });
  }
  return {
    databaseUrls: input.databaseUrls,
    serviceEnv: envs,
    entries,
    node: input.node,
    ...(input.kafkaBrokers !== undefined ? { kafkaBrokers: input.kafkaBrokers } : {}),
  };
}

export interface Check {
  name: string;
  /** What was compared and found, e.g. "3000 forwarded, 3000 at routing". */
  figures: string;
  mismatches: number;
  /** A few of the offending ids or rows. */
  examples: string[];
}

export interface ReconcileReport {
  checks: Check[];
  ok: boolean;
}

const EXAMPLES = 5;

/** A service's consumer group and the event types it applies. */
interface Consumer {
  group: string;
  types: Set<string>;
}

type Outboxes = Record<ServiceName, { id: string; type: string; topic: string; unsent: boolean }[]>;

/** The topics a consumer's events come on, as the producers' outboxes recorded them. */
function topicsOf(consumer: Consumer, outboxes: Outboxes): Set<string> {
  return new Set(
    SERVICES.flatMap((producer) =>
      outboxes[producer].filter((e) => consumer.types.has(e.type)).map((e) => e.topic),
    ),
  );
}

type Row = Record<string, unknown>;

async function query<T extends Row>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

/** ids in `a` but not in `b`. */
function missing(a: Iterable<string>, b: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const id of a) if (!b.has(id)) out.push(id);
  return out;
}

/** A check's result; `count` when `offending` is only the first few of them. */
function check(name: string, figures: string, offending: readonly string[], count = offending.length): Check {
  return {
    name,
    figures,
    mismatches: Math.max(count, offending.length),
    examples: offending.slice(0, EXAMPLES),
  };
}

/** Runs `node main.js <command> …` of a service and returns the JSON object it printed last. */
async function serviceCommand(
  target: ReconcileTarget,
  service: ServiceName,
  args: string[],
): Promise<Record<string, unknown>> {
  let stdout: string;
  try {
    ({ stdout } = await run(target.node, [target.entries[service], ...args], {
      env: { ...target.serviceEnv[service], LOG_LEVEL: 'error' },
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    // verify-* exit 1 on a mismatch and still print their report.
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    if (failed.code !== 1 || !failed.stdout) {
      throw new Error(
        `${service} ${args.join(' ')} failed (${String(failed.code)}): ${failed.stderr ?? String(error)}`,
      );
    }
    stdout = failed.stdout;
  }
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`${service} ${args.join(' ')} printed no JSON: ${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

export async function reconcile(target: ReconcileTarget): Promise<ReconcileReport> {
  const db = {} as Record<ServiceName, pg.Client>;
  try {
    for (const service of SERVICES) {
      db[service] = new pg.Client({ connectionString: target.databaseUrls[service] });
      await db[service].connect();
    }
    const consumers = {} as Record<ServiceName, Consumer>;
    for (const service of SERVICES) {
      const declared = await serviceCommand(target, service, ['consumes']);
      consumers[service] = {
        group: String(declared['group']),
        types: new Set(declared['consumes'] as string[]),
      };
    }
    const outboxes = {} as Outboxes;
    for (const service of SERVICES) {
      outboxes[service] = await query<Outboxes[ServiceName][number]>(
        db[service],
        'SELECT id::text, type, topic, sent_at IS NULL AS unsent FROM outbox_event',
      );
    }
    const checks: Check[] = [];
    checks.push(...(await outboxAndInboxes(db, consumers, outboxes)));
    checks.push(...(await dispatch(db, target.acknowledged)));
    checks.push(...(await clocksAndCounters(target, db)));
    if (target.kafkaBrokers !== undefined) {
      checks.push(...(await kafka(target.kafkaBrokers, consumers, outboxes)));
    }
    return { checks, ok: checks.every((c) => c.mismatches === 0) };
  } finally {
    await Promise.all(Object.values(db).map((client) => client.end().catch(() => undefined)));
  }
}

/** Every event published, and every consumed one in its consumer's inbox (where a redelivery finds it). */
async function outboxAndInboxes(
  db: Record<ServiceName, pg.Client>,
  consumers: Record<ServiceName, Consumer>,
  outboxes: Outboxes,
): Promise<Check[]> {
  const checks: Check[] = [];
  for (const service of SERVICES) {
    const unsent = outboxes[service].filter((e) => e.unsent).map((e) => e.id);
    checks.push(
      check(
        `${service}: outbox published`,
        `${outboxes[service].length} events, ${unsent.length} not yet published`,
        unsent,
      ),
    );
  }
  for (const consumer of SERVICES) {
    const { group, types } = consumers[consumer];
    const expected = SERVICES.flatMap((producer) => outboxes[producer].filter((e) => types.has(e.type)));
    // The inbox's key (consumer group, event id) holds an event once: a redelivery is not applied again.
    const inbox = await query<{ event_id: string }>(
      db[consumer],
      'SELECT event_id FROM processed_event WHERE consumer_group = $1',
      [group],
    );
    const applied = new Set(inbox.map((r) => r.event_id));
    const lost = missing(
      expected.map((e) => e.id),
      applied,
    );
    checks.push(
      check(
        `${consumer}: every consumed event applied`,
        `${expected.length} events of its ${types.size} types published, ${applied.size} applied by ${group}; ` +
          `${lost.length} lost`,
        lost,
      ),
    );
  }
  return checks;
}

/** Every ticket intake forwarded is at routing, dispatched once per cycle (or waiting for a dispatcher). */
async function dispatch(
  db: Record<ServiceName, pg.Client>,
  acknowledged?: readonly string[],
): Promise<Check[]> {
  const checks: Check[] = [];
  const tickets = await query<{ id: string; forwarded: boolean }>(
    db.intake,
    `SELECT t.id::text, EXISTS (SELECT 1 FROM timeline_entry e WHERE e.ticket_id = t.id AND e.kind = 'forwarded') AS forwarded
     FROM ticket t`,
  );
  if (acknowledged !== undefined) {
    const known = new Set(tickets.map((t) => t.id));
    const lost = missing(new Set(acknowledged), known);
    checks.push(
      check(
        'intake: every acknowledged ticket stored',
        `${new Set(acknowledged).size} acknowledged to clients, ${tickets.length} stored; ${lost.length} missing`,
        lost,
      ),
    );
  }
  const forwarded = new Set(tickets.filter((t) => t.forwarded).map((t) => t.id));
  const routed = await query<{ ticket_id: string; leads: number; manual: boolean }>(
    db.routing,
    `SELECT t.ticket_id,
       (SELECT count(*)::int FROM assignment a
         WHERE a.ticket_id = t.ticket_id AND a.cycle = 1 AND a.role = 'lead' AND a.replaces_id IS NULL) AS leads,
       EXISTS (SELECT 1 FROM manual_dispatch m WHERE m.ticket_id = t.ticket_id AND m.resolved_at IS NULL) AS manual
     FROM routing_ticket t`,
  );
  const atRouting = new Set(routed.map((r) => r.ticket_id));
  const notRouted = missing(forwarded, atRouting);
  const unknown = missing(atRouting, forwarded);
  checks.push(
    check(
      'routing: every forwarded ticket received',
      `${forwarded.size} forwarded by intake, ${atRouting.size} at routing; ${notRouted.length} missing, ${unknown.length} unknown to intake`,
      [...notRouted.map((id) => `missing ${id}`), ...unknown.map((id) => `unknown ${id}`)],
    ),
  );
  const once = routed.filter((r) => r.leads === 1).length;
  const manual = routed.filter((r) => r.leads === 0 && r.manual).length;
  const never = routed.filter((r) => r.leads === 0 && !r.manual).map((r) => r.ticket_id);
  const twice = routed.filter((r) => r.leads > 1).map((r) => r.ticket_id);
  const events = await query<{ key: string; cycle: string; n: number }>(
    db.routing,
    `SELECT key, payload->>'cycle' AS cycle, count(*)::int AS n FROM outbox_event
     WHERE type = 'ticket.dispatched.v1' GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  checks.push(
    check(
      'routing: every ticket dispatched exactly once',
      `${once} dispatched once, ${manual} waiting for a dispatcher (人工派单); ${never.length} never dispatched, ` +
        `${twice.length} with two first-cycle leads, ${events.length} with two dispatch events`,
      [
        ...never.map((id) => `never ${id}`),
        ...twice.map((id) => `twice ${id}`),
        ...events.map((e) => `two events ${e.key}#${e.cycle}`),
      ],
    ),
  );
  return checks;
}

/** sla's clocks and counters against routing's orders, and sla's own verdict on its timers and counters. */
async function clocksAndCounters(
  target: ReconcileTarget,
  db: Record<ServiceName, pg.Client>,
): Promise<Check[]> {
  const checks: Check[] = [];
  const leads = new Set(
    (await query<{ id: string }>(db.routing, `SELECT id::text FROM assignment WHERE role = 'lead'`)).map(
      (r) => r.id,
    ),
  );
  const clocked = new Set(
    (
      await query<{ id: string }>(
        db.sla,
        'SELECT DISTINCT assignment_id AS id FROM sla_clock WHERE assignment_id IS NOT NULL',
      )
    ).map((r) => r.id),
  );
  const unclocked = missing(leads, clocked);
  checks.push(
    check(
      'sla: a clock started for every lead assignment',
      `${leads.size} lead assignments at routing, ${unclocked.length} without a clock at sla`,
      unclocked,
    ),
  );
  const signed = (
    await query<{ id: string }>(db.routing, 'SELECT id::text FROM assignment WHERE signed_at IS NOT NULL')
  ).map((r) => r.id);
  const stillRunning = new Set(
    (
      await query<{ id: string }>(
        db.sla,
        `SELECT assignment_id AS id FROM sla_clock WHERE kind = 'sign-in' AND state = 'running'`,
      )
    ).map((r) => r.id),
  );
  const unmet = signed.filter((id) => stillRunning.has(id));
  checks.push(
    check(
      'sla: the sign-in clock of every signed assignment stopped',
      `${signed.length} assignments signed at routing, ${unmet.length} with a sign-in clock still running at sla`,
      unmet,
    ),
  );
  const timers = await serviceCommand(target, 'sla', ['verify-timers', '--json']);
  checks.push(
    check(
      'sla: every clock armed once',
      `${String(timers['armable'])} clocks may still fire, ${String(timers['armedOnce'])} armed once, ` +
        `${String(timers['unarmed'])} not armed, ${String(timers['armedMoreThanOnce'])} armed more than once ` +
        `(${String(timers['staleJobs'])} stale jobs)`,
      [
        ...(timers['unarmedClocks'] as string[]).map((id) => `not armed ${id}`),
        ...(timers['armedMoreThanOnceClocks'] as string[]).map((id) => `armed twice ${id}`),
      ],
      Number(timers['unarmed']) + Number(timers['armedMoreThanOnce']),
    ),
  );
  const orders = new Set(
    (await query<{ id: string }>(db.sla, 'SELECT assignment_id AS id FROM assessment_order')).map(
      (r) => r.id,
    ),
  );
  const notCounted = missing(leads, orders);
  const unknownOrders = missing(orders, leads);
  checks.push(
    check(
      'sla: an assessment order for every lead assignment',
      `${leads.size} lead assignments, ${orders.size} orders; ${notCounted.length} not counted, ${unknownOrders.length} unknown to routing`,
      [...notCounted.map((id) => `not counted ${id}`), ...unknownOrders.map((id) => `unknown ${id}`)],
    ),
  );
  const counters = await serviceCommand(target, 'sla', ['verify-assessment', '--json']);
  const differing = Number(counters['mismatchCount']);
  const stale = Number(counters['staleFacts']);
  checks.push(
    check(
      'sla: counters equal a recount of the facts',
      `${String(counters['orders'])} orders → ${String(counters['unitDays'])} unit-days, ` +
        `${String(counters['tickets'])} tickets → ${String(counters['hotspotDays'])} hot-spot days; ` +
        `${differing} rows differ, ${stale} stale facts`,
      (counters['mismatches'] as { table: string; key: string }[]).map((m) => `${m.table} ${m.key}`),
      differing + stale,
    ),
  );
  return checks;
}

/** Nothing left unread by a consumer group, nothing dead-lettered. */
async function kafka(
  brokers: string,
  consumers: Record<ServiceName, Consumer>,
  outboxes: Outboxes,
): Promise<Check[]> {
  const admin = new Kafka({
    clientId: 'jsjb-reconcile',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('jsjb.'));
    const high = new Map<string, number>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      for (const o of offsets) high.set(`${topic}[${o.partition}]`, Number(o.high));
    }
    const checks: Check[] = [];
    const dead = topics.filter((t) => t.endsWith('.dlq'));
    const deadCount = [...high].filter(([key]) => dead.some((t) => key.startsWith(`${t}[`)));
    const letters = deadCount.reduce((sum, [, n]) => sum + n, 0);
    checks.push(
      check(
        'kafka: no dead letters',
        `${dead.length} dead-letter topics, ${letters} dead letters`,
        deadCount.filter(([, n]) => n > 0).map(([key, n]) => `${key}: ${n}`),
      ),
    );
    for (const service of SERVICES) {
      const { group } = consumers[service];
      const subscribed = topicsOf(consumers[service], outboxes);
      const committed = await admin.fetchOffsets({
        groupId: group,
        topics: topics.filter((t) => subscribed.has(t)),
      });
      const behind: string[] = [];
      let lag = 0;
      for (const topic of committed) {
        for (const p of topic.partitions) {
          const end = high.get(`${topic.topic}[${p.partition}]`) ?? 0;
          const at = Number(p.offset) < 0 ? 0 : Number(p.offset);
          if (end > at) {
            lag += end - at;
            behind.push(`${topic.topic}[${p.partition}]: ${end - at}`);
          }
        }
      }
      checks.push(check(`kafka: ${group} has read everything`, `lag ${lag} messages`, behind));
    }
    return checks;
  } finally {
    await admin.disconnect();
  }
}

/** The report as lines: one per check, its verdict, figures and a few examples. */
export function formatReport(report: ReconcileReport): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${c.mismatches === 0 ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.figures}`);
    for (const example of c.examples) lines.push(`        ${example}`);
  }
  const failed = report.checks.filter((c) => c.mismatches > 0);
  lines.push(
    report.ok
      ? `reconciliation: all ${report.checks.length} checks match`
      : `reconciliation: ${failed.length} of ${report.checks.length} checks FAILED (${failed
          .map((c) => `${c.name}: ${c.mismatches}`)
          .join('; ')})`,
  );
  return lines;
}
