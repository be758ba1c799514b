import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@jsjb/platform';
import { type PartHeader, planPart } from './units.domain';
import { type ReferenceEntries, type Tx, UnitsRepository } from './units.repository';

export type PartOutcome = { outcome: 'applied'; completes: boolean } | { outcome: 'ignored' };

/**
 * Applies a reference part in the consumer's transaction: a snapshot's first part replaces the kind's
 * rows, parts apply in order, the version switches in with its last part. A part out of sequence is
 * ignored with a warning until the next snapshot (routing: POST /reference/{kind}/snapshot).
 */
@Injectable()
export class UnitsService {
  private readonly logger = new Logger(UnitsService.name);

  constructor(
    private readonly repository: UnitsRepository,
    private readonly clock: Clock,
  ) {}

  async applyPart(tx: Tx, header: PartHeader, entries: ReferenceEntries): Promise<PartOutcome> {
    const { kind } = entries;
    await this.repository.lock(tx, kind);
    const plan = planPart(await this.repository.versionState(tx, kind), header);
    const label = `${kind} ${header.mode} ${header.version} part ${header.part}/${header.parts}`;
    switch (plan.action) {
      case 'ignore':
        if (plan.reason === 'already-applied') this.logger.log(`${label} ignored: already applied`);
        else
          this.logger.warn(`${label} ignored (${plan.reason}): the ${kind} copy waits for the next snapshot`);
        return { outcome: 'ignored' };
      case 'apply':
        if (plan.replaceAll) await this.repository.clear(tx, kind);
        await this.repository.write(tx, entries);
        await this.repository.saveVersionState(tx, kind, plan.next, this.clock.now());
        return { outcome: 'applied', completes: plan.completes };
    }
  }
}
