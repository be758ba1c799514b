import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@jsjb/platform';
import { type IgnoreReason, type PartHeader, planPart } from './reference.domain';
import { type ReferenceEntries, ReferenceRepository, type Tx } from './reference.repository';

export type PartOutcome =
  { outcome: 'applied'; completes: boolean; version: string } | { outcome: 'ignored'; reason: IgnoreReason };

/**
 * Applies routing's reference events to intake's copy, in the consumer's transaction. A snapshot's
 * first part replaces the kind's rows; each part is applied in order; the version in force switches
 * when the last part is applied. Changes not made from the version in force, and parts that do not
 * follow the last one applied, are ignored with a warning: the copy stays as it was until the next
 * snapshot (routing publishes one when an admin asks: POST /reference/{kind}/snapshot on routing).
 */
@Injectable()
export class ReferenceService {
  private readonly logger = new Logger(ReferenceService.name);

  constructor(
    private readonly repository: ReferenceRepository,
    private readonly clock: Clock,
  ) {}

  async applyPart(tx: Tx, header: PartHeader, entries: ReferenceEntries): Promise<PartOutcome> {
    const { kind } = entries;
    await this.repository.lock(tx, kind);
    const state = await this.repository.versionState(tx, kind);
    const plan = planPart(state, header);
    const label = `${kind} ${header.mode} ${header.version} part ${header.part}/${header.parts}`;
    switch (plan.action) {
      case 'ignore':
        if (plan.reason === 'already-applied') {
          this.logger.log(`${label} ignored: ${plan.detail}`);
        } else {
          this.logger.warn(
            `${label} ignored (${plan.reason}): ${plan.detail}; the ${kind} copy waits for the next snapshot ` +
              `(routing: POST /reference/${kind}/snapshot)`,
          );
        }
        return { outcome: 'ignored', reason: plan.reason };
      case 'apply':
        if (plan.abandons !== null) {
          this.logger.warn(`${label}: the unfinished ${kind} version ${plan.abandons} is abandoned`);
        }
        if (plan.replaceAll) await this.repository.clear(tx, kind);
        await this.repository.write(tx, entries);
        await this.repository.saveVersionState(tx, kind, plan.next, this.clock.now(), plan.completes);
        if (plan.completes) this.logger.log(`${label} applied: ${kind} ${header.version} is in force`);
        return { outcome: 'applied', completes: plan.completes, version: header.version };
    }
  }
}
