// Static checks of the Grafana dashboard (deploy/grafana/jsjb-dashboard.json) against what the
// services export on /metrics. Pure functions returning violations (empty = fine), so the spec runs
// them on the real files and proves, on broken copies, that they fail.

export type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** One PromQL query of the dashboard and where it is (for messages). */
export interface DashboardQuery {
  where: string;
  expr: string;
}

/** Every panel, those inside rows included. */
export function panelsOf(dashboard: unknown): Dict[] {
  const panels: Dict[] = [];
  const visit = (items: unknown): void => {
    for (const panel of list(items)) {
      if (!isDict(panel)) continue;
      panels.push(panel);
      visit(panel['panels']);
    }
  };
  if (isDict(dashboard)) visit(dashboard['panels']);
  return panels;
}

/** The PromQL of every panel target and of every query variable. */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const panel of panelsOf(dashboard)) {
    for (const target of list(panel['targets'])) {
      if (isDict(target) && typeof target['expr'] === 'string') {
        queries.push({ where: `panel "${String(panel['title'])}"`, expr: target['expr'] });
      }
    }
  }
  const variables =
    isDict(dashboard) && isDict(dashboard['templating']) ? dashboard['templating']['list'] : [];
  for (const variable of list(variables)) {
    if (!isDict(variable) || variable['type'] !== 'query') continue;
    const query = isDict(variable['query']) ? variable['query']['query'] : variable['query'];
    if (typeof query === 'string')
      queries.push({ where: `variable $${String(variable['name'])}`, expr: query });
  }
  return queries;
}

/** PromQL words that are not metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);
const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;

/**
 * The metric names a PromQL expression (or a Grafana `label_values(metric, label)` variable
 * query) reads: identifiers that are not functions, keywords, labels (inside `{…}`, `by (…)`, …),
 * durations or Grafana variables.
 */
export function metricNamesIn(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,/.exec(expr);
  if (labelValues) return [labelValues[1] ?? ''];
  if (/^\s*label_values\(/.test(expr)) return [];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(IDENTIFIER)) {
    const word = match[0];
    const index = match.index;
    const before = stripped[index - 1] ?? ' ';
    const after = stripped.slice(index + word.length).trimStart();
    if (/[0-9.]/.test(before)) continue; // an exponent: 1e3
    if (after.startsWith('(')) continue; // a function or an aggregation
    if (KEYWORDS.has(word) || SET_OPERATORS.has(word)) continue;
    names.add(word);
  }
  return [...names];
}

/**
 * The series names a Prometheus exposition offers, from its `# TYPE` lines: a histogram's
 * `_bucket`, `_sum` and `_count`, a summary's `_sum` and `_count`, every other metric by its name.
 */
export function exportedSeries(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line.trim());
    if (!match) continue;
    const [, name = '', type] = match;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Queries that read a metric no service exports: a renamed or removed metric leaves a blank panel. */
export function checkQueriedMetrics(dashboard: unknown, exported: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const { where, expr } of dashboardQueries(dashboard)) {
    for (const name of metricNamesIn(expr)) {
      if (!exported.has(name)) problems.push(`${where} reads ${name}, which no service exports`);
    }
  }
  return problems;
}

/** Exported metrics with the given prefix that no panel shows (a new business metric needs a panel). */
export function checkShown(dashboard: unknown, exported: ReadonlySet<string>, prefix: string): string[] {
  const shown = new Set(dashboardQueries(dashboard).flatMap(({ expr }) => metricNamesIn(expr)));
  return [...exported]
    .filter((name) => name.startsWith(prefix) && !shown.has(name))
    .map((name) => `${name} is exported but on no panel`);
}

/**
 * What Grafana needs to import the file: a uid and title, unique panel ids, a grid position for
 * every panel, and every query on the `$datasource` variable (so import asks for no input).
 */
export function checkDashboardShape(dashboard: unknown): string[] {
  if (!isDict(dashboard)) return ['the dashboard is not a JSON object'];
  const problems: string[] = [];
  for (const key of ['uid', 'title'] as const) {
    if (typeof dashboard[key] !== 'string' || dashboard[key] === '') problems.push(`no ${key}`);
  }
  const ids = new Set<unknown>();
  for (const panel of panelsOf(dashboard)) {
    const title = String(panel['title']);
    if (typeof panel['id'] !== 'number') problems.push(`panel "${title}" has no numeric id`);
    else if (ids.has(panel['id'])) problems.push(`panel "${title}" repeats id ${panel['id']}`);
    ids.add(panel['id']);
    const grid = panel['gridPos'];
    if (!isDict(grid) || !['x', 'y', 'w', 'h'].every((k) => typeof grid[k] === 'number')) {
      problems.push(`panel "${title}" has no gridPos`);
    }
    if (panel['type'] === 'row') continue;
    for (const target of [panel, ...list(panel['targets'])]) {
      const datasource = isDict(target) ? target['datasource'] : undefined;
      if (!isDict(datasource) || datasource['uid'] !== '${datasource}') {
        problems.push(`panel "${title}" does not query the $datasource variable`);
        break;
      }
    }
  }
  return problems;
}
