// `npm run demo`: plays the system scenarios (tools/system/scenarios.ts) against the stack
// `npm start` runs — moving its clock forward through the development clock control — with a
// progress line per scenario, then prints tickets per state and the streets' rates.
// JSJB_PORT_BASE picks the stack as it does for `npm start`.
import { parseDevOptions, SERVICES } from './dev/config.ts';
import { httpGet } from './dev/net.ts';
import { type Caller, systemClient } from './system/client.ts';
import { scenarios } from './system/scenarios.ts';

const TICKET_STATES = [
  'pending',
  'forwarded',
  'dispatched',
  'in-progress',
  'replied',
  'rated',
  'answered',
  'diverted',
  'merged',
];
const operator: Caller = { role: 'operator', sub: 'demo-operator' };
const manager: Caller = { role: 'manager', sub: 'demo-manager' };
const admin: Caller = { role: 'admin', sub: 'demo-admin' };
const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const pct = (value: unknown): string => (typeof value === 'number' ? `${(value * 100).toFixed(0)} %` : '—');

async function main(): Promise<number> {
  const { portBase } = parseDevOptions([], process.env);
  const system = systemClient(portBase);
  for (const service of SERVICES) {
    const ready = await httpGet(`http://127.0.0.1:${system.ports[service]}/readyz`).catch(() => undefined);
    if (ready?.status !== 200) {
      out(`${service} is not ready on port ${system.ports[service]}: start the stack first (npm start).`);
      return 1;
    }
  }
  const clock = await system.http('sla', 'GET', '/dev/clock', admin);
  if (clock.status !== 200) {
    out(
      'The stack has no development clock control: start it with DEV_CLOCK_CONTROL=true (npm start does by default).',
    );
    return 1;
  }
  out(
    `jsjb demo against ports ${Object.values(system.ports).join(', ')}; service time ${String(clock.body['now'])}`,
  );
  out('The scenarios move the stack’s clock forward (days at a time), as a city would live them.\n');

  const all = scenarios(system);
  let failed = 0;
  for (const [index, scenario] of all.entries()) {
    const label = `[${index + 1}/${all.length}] ${scenario.name}`;
    const tty = process.stdout.isTTY;
    if (tty) process.stdout.write(`… ${label}`);
    const started = Date.now();
    try {
      await scenario.run();
      process.stdout.write(
        `${tty ? '\r' : ''}✓ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    } catch (error) {
      failed += 1;
      process.stdout.write(
        `${tty ? '\r' : ''}✗ ${label}\n    ${(error as Error).message.split('\n').join('\n    ')}\n`,
      );
    }
  }

  out('\nTickets per state (intake):');
  for (const status of TICKET_STATES) {
    const res = await system.http('intake', 'GET', `/tickets?status=${status}&pageSize=1`, operator);
    const total = Number(res.body['total'] ?? 0);
    if (total > 0) out(`  ${status.padEnd(12)} ${total}`);
  }
  const now = await system.http('sla', 'GET', '/dev/clock', admin);
  const month = new Date(Date.parse(String(now.body['now'])) + 8 * 3600_000).toISOString().slice(0, 7);
  const months = [...new Set([new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7), month])];
  for (const m of months) {
    const rates = await system.http('sla', 'GET', `/assessment/rates?month=${m}&unitClass=street`, manager);
    const rows = ((rates.body['units'] as Record<string, unknown>[] | undefined) ?? []).filter(
      (u) => u['responseRate'] !== null && u['responseRate'] !== undefined,
    );
    if (rows.length === 0) continue;
    out(`\nStreets' rates, ${m} (sla): 响应率 · 解决率 · 满意率 · composite`);
    for (const row of rows) {
      out(
        `  ${String(row['name'] ?? row['unitId']).padEnd(10)} ${pct(row['responseRate']).padStart(6)} ${pct(row['resolutionRate']).padStart(6)} ${pct(row['satisfactionRate']).padStart(6)} ${pct(row['composite']).padStart(6)}`,
      );
    }
  }
  out(`\n${all.length - failed} of ${all.length} scenarios passed.`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
