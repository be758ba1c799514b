import { parseArgs } from 'node:util';
import type { SlaConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { AssessmentRepository } from './assessment.repository';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * `node main.js recompute-assessment [--from YYYY-MM]`: rebuilds the daily counters (units and hot
 * spots) from the stored facts with the rules in force (SLA_TIME_ZONE, ticket exclusions), from a
 * month on or entirely. Event consumers may keep running: they wait while it rebuilds.
 */
export function assessmentCommands(): Record<
  string,
  (config: SlaConfig, args: readonly string[]) => Promise<number>
> {
  return {
    'recompute-assessment': async (config, args) => {
      const { values } = parseArgs({ args: [...args], options: { from: { type: 'string' } } });
      if (values.from !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.from)) {
        throw new Error('recompute-assessment --from takes a month, YYYY-MM');
      }
      const fromDay = values.from === undefined ? null : `${values.from}-01`;
      const prisma = new PrismaService(config);
      try {
        const started = Date.now();
        const counts = await new AssessmentRepository(prisma).recompute(fromDay, config.SLA_TIME_ZONE);
        out(
          `recomputed assessment ${fromDay === null ? 'entirely' : `from ${fromDay}`} in ${Date.now() - started} ms: ` +
            `${counts.orders} orders → ${counts.unitDays} unit-days, ${counts.tickets} tickets → ${counts.hotspotDays} hot-spot days`,
        );
        return 0;
      } finally {
        await prisma.$disconnect();
      }
    },
  };
}
