import { Injectable } from '@nestjs/common';
import { sqlStatement, transactionSql } from '@jsjb/platform';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { TeamRole } from './organisation.domain';

export interface StaffRow {
  id: string;
  unitId: string;
  name: string;
  title: string | null;
  phone: string | null;
  active: boolean;
}

export interface TeamRow {
  id: string;
  unitId: string;
  areaCode: string;
  name: string;
  members: { staffId: string; role: TeamRole }[];
}

/**
 * Who is on duty in these units at `$2`. In a dispatch's transaction (a 紧急工单 outside office hours)
 * it goes through the driver; elsewhere through Prisma, with the same text.
 */
const ON_DUTY = sqlStatement(
  'routing.duty.on-duty',
  `SELECT s.unit_id AS "unitId", s.staff_id AS "staffId" FROM duty_shift s JOIN staff ON staff.id = s.staff_id
   WHERE s.unit_id = ANY($1::text[]) AND s.starts_at <= $2 AND s.ends_at > $2 AND staff.active
   ORDER BY s.starts_at DESC, s.id ASC`,
);

interface OnDutyRow {
  unitId: string;
  staffId: string;
}

/** Staff accounts, grid teams and duty shifts. */
@Injectable()
export class OrganisationRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findStaff(id: string): Promise<StaffRow | undefined> {
    return (await this.prisma.staff.findUnique({ where: { id } })) ?? undefined;
  }

  async staffOfUnit(unitId: string): Promise<StaffRow[]> {
    return this.prisma.staff.findMany({ where: { unitId }, orderBy: { id: 'asc' } });
  }

  async saveStaff(staff: StaffRow): Promise<StaffRow> {
    const { id, ...rest } = staff;
    return this.prisma.staff.upsert({ where: { id }, create: staff, update: rest });
  }

  async teamsOfUnit(unitId: string): Promise<TeamRow[]> {
    const teams = await this.prisma.gridTeam.findMany({
      where: { unitId },
      include: { members: { orderBy: { staffId: 'asc' } } },
      orderBy: { areaCode: 'asc' },
    });
    return teams.map(toTeam);
  }

  async findTeam(id: string): Promise<TeamRow | undefined> {
    const team = await this.prisma.gridTeam.findUnique({ where: { id }, include: { members: true } });
    return team === null ? undefined : toTeam(team);
  }

  async teamsOfMember(staffId: string): Promise<TeamRow[]> {
    const teams = await this.prisma.gridTeam.findMany({
      where: { members: { some: { staffId } } },
      include: { members: true },
    });
    return teams.map(toTeam);
  }

  /** Creates the team of an area, or replaces its name and members. */
  async saveTeam(team: TeamRow): Promise<TeamRow> {
    return this.prisma.$transaction(async (tx) => {
      const saved = await tx.gridTeam.upsert({
        where: { unitId_areaCode: { unitId: team.unitId, areaCode: team.areaCode } },
        create: { id: team.id, unitId: team.unitId, areaCode: team.areaCode, name: team.name },
        update: { name: team.name },
      });
      await tx.teamMember.deleteMany({ where: { teamId: saved.id } });
      await tx.teamMember.createMany({ data: team.members.map((m) => ({ teamId: saved.id, ...m })) });
      const reread = await tx.gridTeam.findUniqueOrThrow({
        where: { id: saved.id },
        include: { members: true },
      });
      return toTeam(reread);
    });
  }

  /**
   * 值班 — the staff on duty at `at` ([startsAt, endsAt)) for each of `unitIds` that has someone; when
   * shifts overlap, the one that started last (a relief takes over). Inactive staff are skipped.
   * Reads through `tx` when given (a dispatch's transaction).
   */
  async onDuty(
    unitIds: readonly string[],
    at: Date,
    tx?: Prisma.TransactionClient,
  ): Promise<Map<string, string>> {
    if (unitIds.length === 0) return new Map();
    const shifts = tx
      ? await transactionSql(tx).query<OnDutyRow>(ON_DUTY, [unitIds, at])
      : await this.prisma.$queryRawUnsafe<OnDutyRow[]>(ON_DUTY.text, unitIds, at);
    const found = new Map<string, string>();
    for (const shift of shifts) if (!found.has(shift.unitId)) found.set(shift.unitId, shift.staffId);
    return found;
  }

  async addShift(shift: Prisma.DutyShiftUncheckedCreateInput) {
    return this.prisma.dutyShift.create({ data: shift });
  }

  async shifts(unitId: string, from: Date, to: Date) {
    return this.prisma.dutyShift.findMany({
      where: { unitId, startsAt: { lt: to }, endsAt: { gt: from } },
      orderBy: { startsAt: 'asc' },
    });
  }
}

function toTeam(team: {
  id: string;
  unitId: string;
  areaCode: string;
  name: string;
  members: { staffId: string; role: string }[];
}): TeamRow {
  return {
    id: team.id,
    unitId: team.unitId,
    areaCode: team.areaCode,
    name: team.name,
    members: team.members.map((m) => ({ staffId: m.staffId, role: m.role as TeamRole })),
  };
}
