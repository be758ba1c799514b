// System scenarios (tools/system/scenarios.ts) against a stack of their own: intake, routing and sla
// as separate processes with the Kafka dev broker, PostgreSQL and Redis (tools/dev/start.ts),
// asserted through the three services' APIs. One stack serves every scenario, in order.
import { scenarios } from '../../system/scenarios.ts';
import { scenarioTests } from './scenario-suite.ts';
import { startSystem } from './system-stack.ts';

describe('system scenarios', () => {
  scenarioTests(() => startSystem(), scenarios);
});
