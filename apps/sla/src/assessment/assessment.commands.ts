import { parseArgs } from 'node:util';
import type { SlaConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { AssessmentRepository } from './assessment.repository';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** How many differing rows `verify-assessment` prints. */
const SHOWN_MISMATCHES = 20;

/**
 * `node main.js verify-assessment [--json]`: compares the daily counters with a recount from the
 * stored facts, changing nothing; exit code 1 when any differs (`recompute-assessment` repairs them).
 * `node main.js recompute-assessment [--from YYYY-MM]`: rebuilds the daily counters (units and hot
 * spots) from the stored facts with the rules in force (SLA_TIME_ZONE, ticket exclusions), from a
 * month on or entirely. Event consumers may keep running: they wait while it rebuilds.
 */
export function assessmentCommands(): Record<
  string,
  (config: SlaConfig, args: readonly string[]) => Promise<number>
> {
  return {
    'verify-assessment': async (config, args) => {
      const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean' } } });
      const prisma = new PrismaService(config);
      try {
        const result = await new AssessmentRepository(prisma).verify(config.SLA_TIME_ZONE);
        const ok = result.mismatches.length === 0 && result.staleFacts === 0;
        if (values.json) {
          out(
            JSON.stringify({
              ok,
              ...result,
              mismatchCount: result.mismatches.length,
              mismatches: result.mismatches.slice(0, SHOWN_MISMATCHES),
            }),
          );
        } else {
          out(
            `assessment counters: ${result.orders} orders → ${result.unitDays} unit-days, ` +
              `${result.tickets} tickets → ${result.hotspotDays} hot-spot days; ` +
              `${result.mismatches.length} rows differ from a recount, ${result.staleFacts} stale facts`,
          );
          for (const m of result.mismatches.slice(0, SHOWN_MISMATCHES)) {
            out(
              `  ${m.table} ${m.key}: stored ${JSON.stringify(m.stored)}, recount ${JSON.stringify(m.recount)}`,
            );
          }
        }
        return ok ? 0 : 1;
      } finally {
        await prisma.$disconnect();
      }
    },
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
