// System scenarios (tools/system/scenarios.ts) against a stack of their own: intake, routing and sla
// as separate processes with the Kafka dev broker, PostgreSQL and Redis (tools/dev/start.ts),
// asserted through the three services' APIs. One stack serves every scenario, in order.
import { scenarios } from '../../system/scenarios.ts';
import { startSystem, type SystemStack } from './system-stack.ts';

describe('system scenarios', () => {
  let system: SystemStack | undefined;
  // The scenarios are bound to the stack once it runs; Jest needs their names now.
  const names = scenarios({} as SystemStack).map((s) => s.name);

  beforeAll(async () => {
    system = await startSystem();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it.each(names)(
    '%s',
    async (name) => {
      if (!system) throw new Error('the system did not start');
      const scenario = scenarios(system).find((s) => s.name === name);
      if (!scenario) throw new Error(`no scenario ${name}`);
      await scenario.run();
    },
    120_000,
  );
});
