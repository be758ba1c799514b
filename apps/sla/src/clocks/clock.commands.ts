import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { SlaConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { timerCoverage } from './clock.domain';
import { ClockRepository } from './clock.repository';
import { liveTimerJobIds, TIMER_QUEUE, timerQueuePrefix, type TimerJob } from './timer.service';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** How many clock ids `verify-timers` prints per finding. */
const SHOWN_CLOCKS = 20;

/**
 * `node main.js verify-timers [--json]`: every clock whose timer may still fire has exactly one live
 * BullMQ job for its current due-time version; exit code 1 when one has none or several. Meant for
 * a quiet system (after load, or with the service stopped): a timer being re-armed meanwhile shows
 * as missing.
 */
export function clockCommands(
  service: string,
): Record<string, (config: SlaConfig, args: readonly string[]) => Promise<number>> {
  return {
    'verify-timers': async (config, args) => {
      const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean' } } });
      const prisma = new PrismaService(config);
      const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue<TimerJob>(TIMER_QUEUE, {
        connection,
        prefix: timerQueuePrefix(config, service),
      });
      try {
        const clocks = new ClockRepository(prisma);
        const armable: { id: string; version: number }[] = [];
        for await (const page of clocks.armablePages(5000)) {
          armable.push(...page.map(({ id, version }) => ({ id, version })));
        }
        const coverage = timerCoverage(armable, await liveTimerJobIds(queue));
        const ok = coverage.unarmed.length === 0 && coverage.armedMoreThanOnce.length === 0;
        if (values.json) {
          out(
            JSON.stringify({
              ok,
              armable: coverage.armable,
              armedOnce: coverage.armedOnce,
              unarmed: coverage.unarmed.length,
              armedMoreThanOnce: coverage.armedMoreThanOnce.length,
              staleJobs: coverage.staleJobs,
              unarmedClocks: coverage.unarmed.slice(0, SHOWN_CLOCKS),
              armedMoreThanOnceClocks: coverage.armedMoreThanOnce.slice(0, SHOWN_CLOCKS),
            }),
          );
        } else {
          out(
            `clock timers: ${coverage.armable} clocks may still fire, ${coverage.armedOnce} armed once, ` +
              `${coverage.unarmed.length} not armed, ${coverage.armedMoreThanOnce.length} armed more than once ` +
              `(${coverage.staleJobs} stale jobs)`,
          );
          for (const id of coverage.unarmed.slice(0, SHOWN_CLOCKS)) out(`  not armed: ${id}`);
          for (const id of coverage.armedMoreThanOnce.slice(0, SHOWN_CLOCKS))
            out(`  armed more than once: ${id}`);
        }
        return ok ? 0 : 1;
      } finally {
        await queue.close();
        connection.disconnect();
        await prisma.$disconnect();
      }
    },
  };
}
