import { parseArgs } from 'node:util';
import type { IntakeConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { CallerData } from './caller-data.service';
import { PersonalDataCipher } from './personal-data';
import { PiiRekeyRepository } from './pii-rekey.repository';
import { PiiRekey, type RekeyReport } from './pii-rekey.service';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function summary(report: RekeyReport): string {
  const { tickets, callerFlags } = report;
  return (
    `tickets ${tickets.sealed} sealed, ${tickets.resealed} resealed; ` +
    `caller flags ${callerFlags.sealed} sealed, ${callerFlags.resealed} resealed`
  );
}

/**
 * `node main.js pii-rekey [--batch-size N]` (`npm run pii:rekey`): seals callers' names and phones still
 * stored plain (rows from before sealing) and reseals what another key sealed, with the active key
 * (PII_ACTIVE_KEY_ID). Batched, one transaction per batch; idempotent — a second run finds nothing —
 * and resumable. The service may keep running meanwhile.
 */
export function privacyCommands(): Record<
  string,
  (config: IntakeConfig, args: readonly string[]) => Promise<number>
> {
  return {
    'pii-rekey': async (config, args) => {
      const { values } = parseArgs({ args: [...args], options: { 'batch-size': { type: 'string' } } });
      const raw = values['batch-size'];
      const batchSize = raw === undefined ? 500 : Number(raw);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
        throw new Error('pii-rekey --batch-size takes a whole number of rows, 1 to 5000');
      }
      const prisma = new PrismaService(config);
      try {
        const cipher = PersonalDataCipher.fromConfig(config);
        const rekey = new PiiRekey(new PiiRekeyRepository(prisma), new CallerData(cipher));
        const started = Date.now();
        let batches = 0;
        const report = await rekey.run(batchSize, (sofar) => {
          batches += 1;
          if (batches % 100 === 0) out(`pii-rekey: ${summary(sofar)} so far`);
        });
        out(`pii-rekey to key ${cipher.activeKeyId} in ${Date.now() - started} ms: ${summary(report)}`);
        return 0;
      } finally {
        await prisma.$disconnect();
      }
    },
  };
}
