import { Inject, Injectable } from '@nestjs/common';
import {
  auditNote,
  Clock,
  ConflictError,
  ForbiddenError,
  inManagerScope,
  managerScope,
  PLATFORM_CONFIG,
  type Principal,
} from '@jsjb/platform';
import type { SlaConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { UnitDirectory } from '../units/unit-directory.service';
import { type DirectoryUnit, UNIT_CLASSES, type UnitClass } from '../units/units.domain';
import {
  buckets,
  computeRates,
  type Counters,
  growth,
  monthPeriod,
  type Period,
  previousPeriod,
  rankByComposite,
  type Rates,
  sumCounters,
  type WeightSet,
  weightsInForce,
  ZERO,
} from './assessment.domain';
import type { ExclusionBody, HotspotsQuery, WeightSetBody } from './assessment.dto';
import { AssessmentRepository } from './assessment.repository';
import { AssessmentRecorder } from './assessment.service';

export type UnitFigures = { unitId: string; name: string; districtCode: string | null } & Counters & Rates;
export type RankedUnit = UnitFigures & { rank: number | null };

export interface ClassFigures {
  unitClass: UnitClass;
  weights: WeightSet;
  units: RankedUnit[];
}

/**
 * What managers see (管理者): rates, composite and rankings per unit class, trends, hot spots and
 * 吹哨报到 figures. A manager whose token names a district sees only the units of that district
 * (ranks stay those within the whole class) and that district's hot spots.
 */
@Injectable()
export class AssessmentFigures {
  private readonly defaultBasicWeight: number;

  constructor(
    private readonly repository: AssessmentRepository,
    private readonly recorder: AssessmentRecorder,
    private readonly directory: UnitDirectory,
    private readonly prisma: PrismaService,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) config: SlaConfig,
  ) {
    this.defaultBasicWeight = config.ASSESSMENT_BASIC_SATISFIED_WEIGHT;
  }

  /** Rates, composite and rank of every unit of the classes, for a period. */
  async classFigures(
    principal: Principal,
    period: Period,
    classes: readonly UnitClass[],
  ): Promise<ClassFigures[]> {
    const [totals, sets] = await Promise.all([
      this.repository.unitTotals(period),
      this.repository.weightSets(),
    ]);
    const byUnit = new Map(totals.map((t) => [t.unitId, t.counters]));
    const units = this.directory.units();
    return classes.map((unitClass) => {
      const weights = this.weightsFor(sets, unitClass, period.from);
      const rows = units
        .filter((u) => this.directory.classOf(u.id) === unitClass)
        .map((u) => figures(u, byUnit.get(u.id) ?? ZERO, weights));
      const ranked = rankByComposite(rows).filter((r) => this.visible(principal, r.unitId));
      return { unitClass, weights, units: ranked };
    });
  }

  /** A unit's or a class's counters and rates per month or per day. */
  async trend(
    principal: Principal,
    target: { unitId: string } | { unitClass: UnitClass },
    period: Period,
    granularity: 'month' | 'day',
  ) {
    let unitIds: string[];
    let unitClass: UnitClass | null;
    if ('unitId' in target) {
      if (!this.visible(principal, target.unitId)) {
        throw new ForbiddenError('SLA.OUT_OF_SCOPE', `Unit ${target.unitId} is outside your scope.`);
      }
      unitIds = [target.unitId];
      unitClass = this.directory.classOf(target.unitId);
    } else {
      unitClass = target.unitClass;
      unitIds = this.directory
        .units()
        .filter((u) => this.directory.classOf(u.id) === unitClass && this.visible(principal, u.id))
        .map((u) => u.id);
    }
    const [rows, sets] = await Promise.all([
      this.repository.series(unitIds, period, granularity),
      this.repository.weightSets(),
    ]);
    const byBucket = new Map(rows.map((r) => [r.bucket, r.counters]));
    const series = buckets(period, granularity).map((bucket) => {
      const counters = byBucket.get(bucket) ?? ZERO;
      const start = bucket.length === 7 ? `${bucket}-01` : bucket;
      const weights = this.weightsFor(sets, unitClass ?? 'street', start < period.from ? period.from : start);
      return { period: bucket, ...counters, ...computeRates(counters, weights) };
    });
    const total = sumCounters(rows.map((r) => r.counters));
    return {
      ...('unitId' in target
        ? { unitId: target.unitId, name: this.directory.unit(target.unitId)?.name ?? null }
        : {}),
      unitClass,
      units: unitIds.length,
      period,
      granularity,
      total: { ...total, ...computeRates(total, this.weightsFor(sets, unitClass ?? 'street', period.from)) },
      series,
    };
  }

  /** 主动治理/每月一题: the most frequent categories × areas of a period, with growth from the period before. */
  async hotspots(principal: Principal, period: Period, q: Pick<HotspotsQuery, 'level' | 'limit'>) {
    const previous = previousPeriod(period);
    const rows = await this.repository.hotspots(period, previous, q.level, principal.districtCode, q.limit);
    const nameOf = (code: string): string | null =>
      code === '' ? null : (this.directory.area(code)?.name ?? null);
    return {
      period,
      previousPeriod: previous,
      level: q.level,
      items: rows.map((r) => {
        const category = r.categoryCode === '' ? undefined : this.directory.category(r.categoryCode);
        return {
          categoryCode: r.categoryCode === '' ? null : r.categoryCode,
          categoryName: category?.name ?? null,
          categoryPath: category?.path ?? null,
          districtCode: r.districtCode === '' ? null : r.districtCode,
          districtName: nameOf(r.districtCode),
          ...(q.level === 'street'
            ? { streetCode: r.streetCode === '' ? null : r.streetCode, streetName: nameOf(r.streetCode) }
            : {}),
          tickets: r.current,
          previousTickets: r.previous,
          growth: growth(r.current, r.previous),
        };
      }),
    };
  }

  /** 吹哨报到 双考核: summoned units (报到 on time, late, absent) and streets (吹哨, resolved). */
  async whistles(principal: Principal, period: Period) {
    const [summoned, streets] = await Promise.all([
      this.repository.summonedFigures(period),
      this.repository.streetFigures(period),
    ]);
    const unit = (unitId: string) => {
      const u = this.directory.unit(unitId);
      return {
        unitId,
        name: u?.name ?? null,
        unitClass: this.directory.classOf(unitId),
        districtCode: u?.districtCode ?? null,
      };
    };
    const visible = (unitId: string): boolean => this.visible(principal, unitId);
    return {
      period,
      summoned: summoned
        .filter((s) => visible(s.unitId))
        .map((s) => ({
          ...unit(s.unitId),
          summoned: s.summoned,
          onTime: s.onTime,
          late: s.late,
          absent: s.absent,
          pending: s.summoned - s.onTime - s.late - s.absent,
          onTimeRate: s.summoned === 0 ? null : round4(s.onTime / s.summoned),
        })),
      streets: streets
        .filter((s) => visible(s.unitId))
        .map((s) => ({
          ...unit(s.unitId),
          blown: s.blown,
          closed: s.closed,
          resolved: s.resolved,
          resolutionRate: s.closed === 0 ? null : round4(s.resolved / s.closed),
          summoned: s.summoned,
          checkedInOnTime: s.checkedInOnTime,
        })),
    };
  }

  /** A manager rules a ticket malicious or unreasonable: every order of it leaves the counters. */
  async rule(principal: Principal, body: ExclusionBody) {
    auditNote({ resourceIds: { ticketId: body.ticketId } });
    return this.prisma.$transaction(async (tx) => {
      await this.repository.lockTicket(tx, body.ticketId);
      const orders = await this.repository.lockTicketOrders(tx, body.ticketId);
      if (principal.role === 'manager' && managerScope(principal).kind !== 'city') {
        const outside = orders.length === 0 || orders.some((o) => !this.visible(principal, o.unitId));
        if (outside) {
          throw new ForbiddenError(
            'SLA.OUT_OF_SCOPE',
            `Ticket ${body.ticketId} has orders outside your scope.`,
          );
        }
      }
      const existing = await this.repository.ticketExclusion(tx, body.ticketId);
      auditNote({
        before: { exclusionReason: existing?.reason ?? null, orders: orders.length },
        after: { exclusionReason: body.reason },
      });
      if (existing && existing.reason !== body.reason) {
        throw new ConflictError(
          'SLA.ALREADY_EXCLUDED',
          `Ticket ${body.ticketId} is already excluded from assessment (${existing.reason}).`,
        );
      }
      const { exclusion } = await this.recorder.excludeTicket(tx, {
        ticketId: body.ticketId,
        reason: body.reason,
        note: body.note,
        decidedBy: principal.subject,
        decidedAt: this.clock.now(),
      });
      return {
        ...exclusion,
        orders: orders.map((o) => ({
          assignmentId: o.assignmentId,
          unitId: o.unitId,
          cycle: o.cycle,
          day: o.day,
        })),
      };
    });
  }

  async weightSetVersions() {
    const sets = await this.repository.weightSets();
    return { weightSets: sets };
  }

  async addWeightSet(principal: Principal, body: WeightSetBody) {
    const effectiveFrom = monthPeriod(body.effectiveFrom).from;
    const basicSatisfiedWeight = body.basicSatisfiedWeight ?? this.defaultBasicWeight;
    const sets = UNIT_CLASSES.flatMap((unitClass) => {
      const w = body.weights[unitClass];
      return w ? [{ unitClass, effectiveFrom, ...w, basicSatisfiedWeight }] : [];
    });
    const version = await this.repository.addWeightSets(sets, body.note, principal.subject, this.clock.now());
    return { version, effectiveFrom, note: body.note, weightSets: sets.map((s) => ({ version, ...s })) };
  }

  private weightsFor(sets: readonly WeightSet[], unitClass: UnitClass, day: string): WeightSet {
    return (
      weightsInForce(sets, unitClass, day) ?? {
        version: 0,
        unitClass,
        effectiveFrom: '0001-01-01',
        response: 10,
        resolution: 45,
        satisfaction: 45,
        basicSatisfiedWeight: this.defaultBasicWeight,
      }
    );
  }

  /** Whether a manager's scope (district, street, department) covers a unit; true for other roles. */
  private visible(principal: Principal, unitId: string): boolean {
    const unit = this.directory.unit(unitId);
    return inManagerScope(principal, {
      districtCode: unit?.districtCode ?? null,
      streetCode: unit?.streetCode ?? null,
      unitIds: [unitId],
    });
  }
}

function figures(unit: DirectoryUnit, counters: Counters, weights: WeightSet): UnitFigures {
  return {
    unitId: unit.id,
    name: unit.name,
    districtCode: unit.districtCode,
    ...counters,
    ...computeRates(counters, weights),
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
