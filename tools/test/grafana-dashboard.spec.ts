// The Grafana dashboard (deploy/grafana/jsjb-dashboard.json) against the metrics the services
// really export: each built service runs as a process (own database, migrated on start; one dev
// broker) and its /metrics is read, so the names come from the registries themselves. Every query
// must read an exported metric, every jsjb_ business metric must be on a panel, and the file must
// import into Grafana as it is. The last block proves the checks fail on a broken dashboard.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, SERVICES, withDatabase } from '../dev/config.ts';
import { findFreePort, httpGet } from '../dev/net.ts';
import { dropDatabases, ensureDatabases } from '../dev/postgres.ts';
import { withTimeout } from '../dev/process.ts';
import { serviceEntry } from '../dev/stack.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import {
  checkDashboardShape,
  checkQueriedMetrics,
  checkShown,
  dashboardQueries,
  exportedSeries,
  metricNamesIn,
  panelsOf,
  type Dict,
} from './dashboard-checks.ts';
import {
  allDependenciesUp,
  ensureStopped,
  launchDevBroker,
  launchNode,
  stopDevBroker,
  waitUntilReady,
  type Launched,
  type LaunchedBroker,
} from './launch.ts';

const root = findWorkspaceRoot();
const DASHBOARD = 'deploy/grafana/jsjb-dashboard.json';
const serverUrl = process.env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL;
const redisUrl = process.env['REDIS_URL'] || DEFAULT_REDIS_URL;

function readDashboard(): Dict {
  return JSON.parse(readFileSync(join(root, DASHBOARD), 'utf8')) as Dict;
}

describe(`the Grafana dashboard (${DASHBOARD})`, () => {
  const run = randomBytes(4).toString('hex');
  const databases = SERVICES.map((service) => `jsjb_dashtest_${service}_${run}`);
  const redisPrefix = `jsjb:dashtest:${run}:`;
  /** Series names each service offers on /metrics. */
  const exported = new Map<string, Set<string>>();
  let broker: LaunchedBroker | undefined;
  let launched: Launched | undefined;

  beforeAll(async () => {
    broker = await launchDevBroker();
    await ensureDatabases(serverUrl, databases);
    // One service at a time: the machine has two cores.
    for (const [i, service] of SERVICES.entries()) {
      const port = await findFreePort();
      launched = launchNode([serviceEntry(root, service)], {
        DATABASE_URL: withDatabase(serverUrl, databases[i] ?? ''),
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: redisPrefix,
        KAFKA_BROKERS: broker.brokers,
        MIGRATE_ON_START: 'true',
        LOG_LEVEL: 'warn',
        PORT: String(port),
      });
      const ready = await waitUntilReady(port);
      expect({ ready, output: ready ? '' : launched.output() }).toEqual({
        ready: allDependenciesUp(),
        output: '',
      });
      const metrics = await httpGet(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      exported.set(service, exportedSeries(metrics.body));
      launched.child.kill('SIGTERM');
      expect(await withTimeout(launched.exit, 15_000)).toEqual({ code: 0, signal: null });
      launched = undefined;
    }
  }, 180_000);

  afterAll(async () => {
    await ensureStopped(launched);
    if (broker) await stopDevBroker(broker);
    await dropDatabases(serverUrl, databases);
    const redis = new Redis(redisUrl);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  const allExported = (): Set<string> => new Set([...exported.values()].flatMap((names) => [...names]));

  it('reads only metrics the services export', () => {
    expect(exported.size).toBe(SERVICES.length);
    expect(checkQueriedMetrics(readDashboard(), allExported())).toEqual([]);
  });

  it('shows every jsjb_ business metric a service exports', () => {
    expect(checkShown(readDashboard(), allExported(), 'jsjb_')).toEqual([]);
  });

  it('has the business, backbone and HTTP metrics the issue names, each from the service that owns it', () => {
    const owners: Record<string, string[]> = {
      intake: ['jsjb_tickets_received_total'],
      routing: ['jsjb_tickets_dispatched_total', 'jsjb_tickets_replied_total'],
      sla: ['jsjb_clocks_breached_total', 'jsjb_clocks_warned_total', 'sla_timer_lateness_seconds'],
    };
    const everywhere = [
      'jsjb_outbox_lag_seconds',
      'jsjb_outbox_pending',
      'jsjb_consumer_lag_messages',
      'http_request_duration_seconds',
    ];
    for (const service of SERVICES) {
      for (const name of [...(owners[service] ?? []), ...everywhere]) {
        expect({ service, name, exported: exported.get(service)?.has(name) }).toEqual({
          service,
          name,
          exported: true,
        });
      }
    }
  });

  it('imports into Grafana as it is', () => {
    expect(checkDashboardShape(readDashboard())).toEqual([]);
  });
});

describe('the dashboard checks catch rot', () => {
  it('reads metric names out of PromQL and Grafana variable queries', () => {
    expect(
      metricNamesIn(
        'sum by (service) (rate(http_request_duration_seconds_count{service=~"$service", status_code=~"5.."}[$__rate_interval])) / sum without (le) (rate(up[5m])) * 1e3',
      ),
    ).toEqual(['http_request_duration_seconds_count', 'up']);
    expect(
      metricNamesIn(
        'topk(10, histogram_quantile(0.95, sum(rate(a_bucket[5m])) by (le))) and on (service) b unless ignoring(x) c',
      ),
    ).toEqual(['a_bucket', 'b', 'c']);
    expect(metricNamesIn('label_values(http_request_duration_seconds_count, service)')).toEqual([
      'http_request_duration_seconds_count',
    ]);
    expect(metricNamesIn('label_values(service)')).toEqual([]);
  });

  it('offers the series of each metric type', () => {
    const exported = exportedSeries(
      [
        '# HELP jsjb_tickets_received_total Tickets',
        '# TYPE jsjb_tickets_received_total counter',
        'jsjb_tickets_received_total{channel="app"} 1',
        '# TYPE http_request_duration_seconds histogram',
        '# TYPE rpc_seconds summary',
        '# TYPE jsjb_outbox_pending gauge',
      ].join('\n'),
    );
    expect([...exported].sort()).toEqual([
      'http_request_duration_seconds',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_count',
      'http_request_duration_seconds_sum',
      'jsjb_outbox_pending',
      'jsjb_tickets_received_total',
      'rpc_seconds',
      'rpc_seconds_count',
      'rpc_seconds_sum',
    ]);
  });

  it('fails on a query of a metric no service exports, and on a business metric with no panel', () => {
    const dashboard = readDashboard();
    // Everything the dashboard reads is exported, and one business metric more.
    const all = new Set(dashboardQueries(dashboard).flatMap(({ expr }) => metricNamesIn(expr)));
    all.add('jsjb_new_business_total');
    expect(checkQueriedMetrics(dashboard, all)).toEqual([]);
    expect(checkShown(dashboard, all, 'jsjb_')).toEqual([
      'jsjb_new_business_total is exported but on no panel',
    ]);

    const panel = panelsOf(dashboard).find((p) => p['title'] === 'Outbox pending events');
    const target = (panel?.['targets'] as Dict[] | undefined)?.[0];
    if (!target) throw new Error('no "Outbox pending events" panel');
    target['expr'] = String(target['expr']).replace('jsjb_outbox_pending', 'jsjb_outbox_pending_events');
    expect(checkQueriedMetrics(dashboard, all)).toEqual([
      'panel "Outbox pending events" reads jsjb_outbox_pending_events, which no service exports',
    ]);
    expect(checkShown(dashboard, all, 'jsjb_')).toContain('jsjb_outbox_pending is exported but on no panel');
  });

  it('fails on repeated panel ids, a panel without position, and a query off the datasource variable', () => {
    const broken = readDashboard();
    const rows = broken['panels'] as Dict[];
    const [first, second, third] = rows.filter((p) => p['type'] !== 'row');
    if (!first || !second || !third) throw new Error('the dashboard has fewer than three panels');
    second['id'] = first['id'];
    delete third['gridPos'];
    first['datasource'] = { type: 'prometheus', uid: 'my-prometheus' };
    const problems = checkDashboardShape(broken);
    expect(problems).toContain(`panel "${String(second['title'])}" repeats id ${String(first['id'])}`);
    expect(problems).toContain(`panel "${String(third['title'])}" has no gridPos`);
    expect(problems).toContain(`panel "${String(first['title'])}" does not query the $datasource variable`);
  });
});
