import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@jsjb/platform';
import { ReferenceReadModel } from '../reference/reference.module';
import { isIntakeTicketId, project, type StatusEvent, ticketState } from './status.domain';
import { StatusRepository, type Tx } from './status.repository';

/** What became of one event; consumers ignore it, tests and logs read it. */
export type StatusOutcome = 'recorded' | 'repeated' | 'skipped' | 'unknown-ticket';

/**
 * Applies routing's and sla's events about a ticket to intake's copy (status, lead unit, reply
 * deadline) and to the resident's timeline, in the consumer's transaction.
 */
@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

  constructor(
    private readonly repository: StatusRepository,
    private readonly reference: ReferenceReadModel,
    private readonly clock: Clock,
  ) {}

  async apply(tx: Tx, eventId: string, event: StatusEvent): Promise<StatusOutcome> {
    const { ticketId } = event.data;
    const label = `${event.type} ${eventId} about ${ticketId}`;
    // Tickets recorded elsewhere (another intake, a test producer) are none of this read model's business.
    const stored = isIntakeTicketId(ticketId) ? await this.repository.lock(tx, ticketId) : null;
    if (!stored) {
      this.logger.debug(`${label} ignored: not a ticket of intake`);
      return 'unknown-ticket';
    }
    const unknownUnits = new Set<string>();
    const projection = project(ticketState(stored), event, (unitId) => {
      const name = this.reference.unitName(unitId);
      if (name === undefined) unknownUnits.add(unitId);
      return name ?? null;
    });
    if (projection.action === 'skip') {
      this.logger.debug(`${label} not shown to the resident (${projection.reason})`);
      return 'skipped';
    }
    if (unknownUnits.size > 0) {
      // The entry keeps a null name: the resident still sees the step, without the unit.
      this.logger.warn(`${label}: unit(s) ${[...unknownUnits].join(', ')} not in the reference data`);
    }
    const added = await this.repository.record(
      tx,
      { ...projection.entry, id: randomUUID(), ticketId, eventId },
      projection.changes,
      this.clock.now(),
    );
    return added ? 'recorded' : 'repeated';
  }
}
