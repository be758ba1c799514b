import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, PlatformError } from '@jsjb/platform';
import type { RoutingConfig } from '../config';
import type { UnitAssignment } from './dispatch.domain';
import type { Tx } from './dispatch.repository';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { needsOnDuty, type OfficeSchedule, parseOfficeSchedule } from './duty.domain';

export interface DutyFlag {
  /** 紧急工单 — flagged until signed (the unit workflow shows it). */
  emergency: boolean;
  /** The unit's on-duty person at dispatch; null when not an 紧急工单 or nobody was on duty. */
  onDutyStaffId: string | null;
}

const NOT_FLAGGED: DutyFlag = { emergency: false, onDutyStaffId: null };

/** 值班 — whether a dispatch is an 紧急工单 and, per unit, to whom it goes. */
@Injectable()
export class DutyService {
  private readonly schedule: OfficeSchedule;

  constructor(
    private readonly organisation: OrganisationRepository,
    @Inject(PLATFORM_CONFIG) config: RoutingConfig,
  ) {
    try {
      this.schedule = parseOfficeSchedule(config.OFFICE_HOURS, config.OFFICE_DAYS, config.TIME_ZONE);
    } catch (error) {
      throw new PlatformError('CONFIG.INVALID', `Invalid office hours: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * The flag of each assignment of a dispatch at `at`: an urgent or 水电气热 order outside office
   * hours flags its lead and co-handlers (copies are for information) with their unit's on-duty
   * person — still flagged when nobody is on duty, so the unit's inbox puts it first.
   */
  async flags(
    tx: Tx,
    urgency: string,
    units: readonly UnitAssignment[],
    at: Date,
  ): Promise<(assignment: UnitAssignment) => DutyFlag> {
    if (!needsOnDuty(urgency, at, this.schedule)) return () => NOT_FLAGGED;
    const handlers = units.filter((u) => u.role !== 'copy').map((u) => u.unitId);
    const onDuty = await this.organisation.onDuty(handlers, at, tx);
    return (assignment) =>
      assignment.role === 'copy'
        ? NOT_FLAGGED
        : { emergency: true, onDutyStaffId: onDuty.get(assignment.unitId) ?? null };
  }
}
