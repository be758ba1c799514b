// The Jest shape every system suite shares: a stack started once before the scenarios and stopped
// after them, one `it` per scenario, in order. The dev-broker suites (scenarios.spec.ts,
// spring-festival.spec.ts) and the containers suite differ only in how their stack starts.
import type { SystemClient } from '../../system/client.ts';
import { formatReport } from '../../system/reconcile.ts';
import type { Scenario } from '../../system/scenarios.ts';
import type { SystemStack } from './system-stack.ts';

export interface ScenarioSuiteOptions {
  /** Ceiling of the start (beforeAll); the stack's own readiness wait comes inside it. */
  startTimeoutMs?: number;
  /** Ceiling of each scenario. */
  scenarioTimeoutMs?: number;
}

/**
 * Inside a `describe`: starts the stack with `start`, then runs each of `bind(stack)` as an `it`,
 * then reconciles the stack's stores. Returns the running stack, for tests added after these.
 */
export function scenarioTests(
  start: () => Promise<SystemStack>,
  bind: (system: SystemClient) => Scenario[],
  { startTimeoutMs = 180_000, scenarioTimeoutMs = 120_000 }: ScenarioSuiteOptions = {},
): () => SystemStack | undefined {
  let system: SystemStack | undefined;
  // The scenarios are bound to the stack once it runs; Jest needs their names now.
  const names = bind({} as SystemClient).map((s) => s.name);

  beforeAll(async () => {
    system = await start();
  }, startTimeoutMs);

  afterAll(async () => {
    await system?.stop();
  }, 90_000);

  it.each(names)(
    '%s',
    async (name) => {
      if (!system) throw new Error('the system did not start');
      const scenario = bind(system).find((s) => s.name === name);
      if (!scenario) throw new Error(`no scenario ${name}`);
      await scenario.run();
    },
    scenarioTimeoutMs,
  );

  it('leaves stores that reconcile: nothing lost, dispatched twice, unarmed or miscounted', async () => {
    const stack = system;
    if (!stack) throw new Error('the system did not start');
    // The last scenario's events may still be on their way: wait for them to settle, then report.
    const settled = async () => {
      const report = await stack.reconcile();
      return report.ok ? report : undefined;
    };
    const report = await stack
      .until('the stores to reconcile', settled, 60_000)
      .catch(() => stack.reconcile());
    expect(formatReport(report).filter((line) => !line.startsWith('ok'))).toEqual([
      `reconciliation: all ${report.checks.length} checks match`,
    ]);
  }, 120_000);

  return () => system;
}
