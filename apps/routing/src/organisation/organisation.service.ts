import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, type Principal, UnprocessableError } from '@jsjb/platform';
import { ReferenceStore } from '../reference/reference-data';
import type { Unit } from '../dispatch/units.domain';
import { type TeamRole, teamAreaIssue } from './organisation.domain';
import { OrganisationRepository, type StaffRow, type TeamRow } from './organisation.repository';

/** Staff accounts, grid teams (网格) and duty rosters (值班) of the units. */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly repository: OrganisationRepository,
    private readonly reference: ReferenceStore,
  ) {}

  /** The unit, if the caller may manage it: an admin any unit, unit staff their own. */
  manageableUnit(principal: Principal, unitId: string): Unit {
    if (principal.role !== 'admin' && principal.unitId !== unitId) {
      throw new ForbiddenError('UNIT.NOT_YOURS', `You do not act for unit ${unitId}.`);
    }
    const unit = this.reference.current().directory.unit(unitId);
    if (!unit) throw new NotFoundError('UNIT.NOT_FOUND', `No unit ${unitId}.`);
    return unit;
  }

  async saveStaff(unit: Unit, staff: Omit<StaffRow, 'unitId'>): Promise<StaffRow> {
    const existing = await this.repository.findStaff(staff.id);
    if (existing && existing.unitId !== unit.id) {
      throw new UnprocessableError('STAFF.OTHER_UNIT', `Staff ${staff.id} belongs to another unit.`, [
        { field: 'staffId', code: 'other_unit', message: 'belongs to another unit' },
      ]);
    }
    return this.repository.saveStaff({ ...staff, unitId: unit.id });
  }

  staffOf(unit: Unit): Promise<StaffRow[]> {
    return this.repository.staffOfUnit(unit.id);
  }

  async saveTeam(
    unit: Unit,
    team: { areaCode: string; name: string; members: { staffId: string; role: TeamRole }[] },
  ): Promise<TeamRow> {
    if (unit.kind !== 'street') {
      throw new UnprocessableError('TEAM.NOT_A_STREET', 'Only a street (街道/乡镇) keeps grid teams.');
    }
    const areaIssue = teamAreaIssue(team.areaCode, unit.streetCode);
    const area = this.reference.current().territory.areas.find((a) => a.code === team.areaCode);
    if (areaIssue || !area) {
      throw new UnprocessableError(
        'TEAM.BAD_AREA',
        'The team’s area is not a community or grid of this street.',
        [{ field: 'areaCode', code: 'bad_area', message: areaIssue ?? 'no such community or grid' }],
      );
    }
    const staff = new Map((await this.repository.staffOfUnit(unit.id)).map((s) => [s.id, s]));
    const errors = team.members.flatMap((m, i) =>
      staff.has(m.staffId)
        ? []
        : [
            {
              field: `members.${i}.staffId`,
              code: 'unknown_staff',
              message: `not a staff member of ${unit.id}`,
            },
          ],
    );
    if (errors.length > 0)
      throw new UnprocessableError('TEAM.UNKNOWN_MEMBER', 'Team members must be staff of the unit.', errors);
    return this.repository.saveTeam({ id: randomUUID(), unitId: unit.id, ...team });
  }

  teamsOf(unit: Unit): Promise<TeamRow[]> {
    return this.repository.teamsOfUnit(unit.id);
  }

  async addShift(unit: Unit, shift: { staffId: string; startsAt: Date; endsAt: Date }) {
    const staff = await this.repository.findStaff(shift.staffId);
    if (!staff || staff.unitId !== unit.id) {
      throw new UnprocessableError('DUTY.UNKNOWN_STAFF', 'The person on duty must be staff of the unit.', [
        { field: 'staffId', code: 'unknown_staff', message: `not a staff member of ${unit.id}` },
      ]);
    }
    return this.repository.addShift({ id: randomUUID(), unitId: unit.id, ...shift });
  }

  shifts(unit: Unit, from: Date, to: Date) {
    return this.repository.shifts(unit.id, from, to);
  }

  async onDuty(unit: Unit, at: Date): Promise<StaffRow | undefined> {
    const staffId = (await this.repository.onDuty([unit.id], at)).get(unit.id);
    return staffId === undefined ? undefined : this.repository.findStaff(staffId);
  }
}
