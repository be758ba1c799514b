// The Spring Festival 2026 scenario (tools/system/spring-festival.ts) on a stack of its own, with the
// Kafka dev broker, whose time starts on Fri 2026-02-13 10:00 (Beijing) through DEV_CLOCK_START.
import { SPRING_FESTIVAL_CLOCK_START, springFestivalScenario } from '../../system/spring-festival.ts';
import { scenarioTests } from './scenario-suite.ts';
import { startSystem } from './system-stack.ts';

describe('system: working days across Spring Festival 2026', () => {
  scenarioTests(
    () => startSystem({ DEV_CLOCK_START: SPRING_FESTIVAL_CLOCK_START }),
    (system) => [springFestivalScenario(system)],
  );
});
