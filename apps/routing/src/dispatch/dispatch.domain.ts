import { type ASSIGNMENT_ROLES } from '@jsjb/contracts';
import { type CatalogueItem } from '../catalogue/catalogue.domain';
import { type Unit, type UnitDirectory } from './units.domain';

/**
 * 派单 — the dispatch decision (条例 Art. 12): a clear duty goes straight to its unit; an order to
 * a street is copied (抄送) to its district government; no clear unit → the district government
 * (兜底). A functional department's matter is never pushed down to a street. What the rules cannot
 * decide with enough confidence goes to the dispatchers' manual queue. Pure: no I/O, no clock.
 */

export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

/** How far the location of a request was resolved, from nothing to a 网格 grid. */
export const RESOLVED_LEVELS = ['none', 'district', 'street', 'community', 'grid'] as const;
export type ResolvedLevel = (typeof RESOLVED_LEVELS)[number];

export interface DispatchLocation {
  readonly districtCode?: string | undefined;
  readonly streetCode?: string | undefined;
  readonly communityCode?: string | undefined;
  readonly gridCode?: string | undefined;
  readonly resolvedLevel: ResolvedLevel;
  /** 0..1 — how sure the locator is of the codes above. */
  readonly confidence: number;
}

export interface DispatchOptions {
  /** Below this location confidence a location-dependent decision goes to the manual queue. */
  readonly minConfidence: number;
}

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = { minConfidence: 0.6 };

export interface DispatchInput {
  /** The catalogue item of the ticket's category; undefined when the category is unknown. */
  readonly item: CatalogueItem | undefined;
  readonly location: DispatchLocation;
  readonly directory: UnitDirectory;
  readonly catalogueVersion: string;
  readonly options?: Partial<DispatchOptions>;
}

export interface UnitAssignment<R extends AssignmentRole = AssignmentRole> {
  readonly unitId: string;
  readonly role: R;
}

export interface DispatchDecision {
  readonly kind: 'dispatch';
  /** 主办 — the first-receiver unit, responsible to the end (Art. 14). */
  readonly lead: UnitAssignment<'lead'>;
  /** 协办 — units the lead coordinates. */
  readonly coHandlers: UnitAssignment<'co'>[];
  /** 抄送 — informed for 督促协调 (a street's order goes to its district government). */
  readonly copies: UnitAssignment<'copy'>[];
  /** Human-readable rule that chose the lead, e.g. `territorial:street 110101001`. */
  readonly rule: string;
  /** True when the lead is the district government because no unit was clearly in charge. */
  readonly fallback: boolean;
  readonly catalogueVersion: string;
}

export const MANUAL_REASONS = [
  'unknown-category',
  'low-confidence',
  'location-too-coarse',
  'no-responsible-unit',
] as const;
export type ManualReason = (typeof MANUAL_REASONS)[number];

/** 人工派单 — the dispatchers decide. */
export interface ManualDecision {
  readonly kind: 'manual';
  readonly reason: ManualReason;
  readonly detail: string;
  readonly catalogueVersion: string;
}

export type DispatchOutcome = DispatchDecision | ManualDecision;

const STREET_LEVELS: ReadonlySet<ResolvedLevel> = new Set(['street', 'community', 'grid']);

export function decideDispatch(input: DispatchInput): DispatchOutcome {
  const { item, location, directory, catalogueVersion } = input;
  const options = { ...DEFAULT_DISPATCH_OPTIONS, ...input.options };
  const manual = (reason: ManualReason, detail: string): ManualDecision => ({
    kind: 'manual',
    reason,
    detail,
    catalogueVersion,
  });
  if (!item) return manual('unknown-category', 'the category is not in the dispatch catalogue');

  const rule = item.rule;
  // Only a city-level department leads regardless of where the matter is.
  const needsLocation = !(rule.kind === 'department' && rule.level === 'city');
  if (needsLocation && !(location.confidence >= options.minConfidence)) {
    return manual(
      'low-confidence',
      `location confidence ${location.confidence} is below ${options.minConfidence} for a ${rule.kind} rule`,
    );
  }

  const streetCode = STREET_LEVELS.has(location.resolvedLevel) ? location.streetCode : undefined;
  const streetUnit = streetCode ? directory.street(streetCode) : undefined;
  const districtCode =
    (location.resolvedLevel === 'none' ? undefined : location.districtCode) ?? streetUnit?.districtCode;
  const districtGovernment = districtCode ? directory.districtGovernment(districtCode) : undefined;

  /** 兜底 — the district government leads when no unit is clearly in charge. */
  const fallback = (why: string): DispatchOutcome =>
    districtGovernment
      ? finish(districtGovernment, `district:${districtGovernment.districtCode} (兜底: ${why})`, true)
      : manual('no-responsible-unit', `${why}, and no district government is known for the location`);

  const finish = (lead: Unit, ruleText: string, isFallback: boolean): DispatchDecision => {
    const coHandlers: UnitAssignment<'co'>[] = [];
    const seen = new Set<string>([lead.id]);
    for (const sector of item.coHandlers) {
      const unit =
        (districtCode ? directory.department(sector, districtCode) : undefined) ??
        directory.department(sector);
      if (unit && !seen.has(unit.id)) {
        seen.add(unit.id);
        coHandlers.push({ unitId: unit.id, role: 'co' });
      }
    }
    const copies: UnitAssignment<'copy'>[] = [];
    if (lead.kind === 'street') {
      const copyTo = directory.districtGovernment(lead.districtCode);
      if (copyTo && !seen.has(copyTo.id)) copies.push({ unitId: copyTo.id, role: 'copy' });
    }
    return {
      kind: 'dispatch',
      lead: { unitId: lead.id, role: 'lead' },
      coHandlers,
      copies,
      rule: ruleText,
      fallback: isFallback,
      catalogueVersion,
    };
  };

  switch (rule.kind) {
    case 'territorial': {
      if (!streetCode) {
        return manual(
          'location-too-coarse',
          `a territorial matter needs the street, the location resolved to ${location.resolvedLevel}`,
        );
      }
      if (!streetUnit) return fallback(`no street unit for ${streetCode}`);
      return finish(streetUnit, `territorial:street ${streetUnit.streetCode}`, false);
    }
    case 'department': {
      if (rule.level === 'city') {
        const department = directory.department(rule.sector);
        return department
          ? finish(department, `department:city ${rule.sector}`, false)
          : fallback(`no city department for ${rule.sector}`);
      }
      if (!districtCode) {
        return manual(
          'location-too-coarse',
          `a district department's matter needs the district (${rule.sector})`,
        );
      }
      const own = directory.department(rule.sector, districtCode);
      if (own) return finish(own, `department:district ${districtCode} ${rule.sector}`, false);
      // A district without its own bureau: the city-level one answers; never the street.
      const city = directory.department(rule.sector);
      if (city)
        return finish(city, `department:city ${rule.sector} (no ${rule.sector} in ${districtCode})`, false);
      return fallback(`no department for ${rule.sector} in ${districtCode}`);
    }
    case 'utility': {
      if (!districtCode && !streetCode) {
        return manual('location-too-coarse', `a ${rule.utility} utility matter needs the district or street`);
      }
      const company = directory.utility(rule.utility, { districtCode, streetCode });
      if (company)
        return finish(company, `utility:${rule.utility} ${streetCode ?? districtCode ?? ''}`.trim(), false);
      return fallback(`no ${rule.utility} utility serves ${streetCode ?? districtCode ?? 'the location'}`);
    }
    case 'district': {
      if (!districtCode) return manual('location-too-coarse', 'a district matter needs the district');
      return districtGovernment
        ? finish(districtGovernment, `district:${districtGovernment.districtCode}`, false)
        : manual('no-responsible-unit', `no district government for ${districtCode}`);
    }
  }
}

/**
 * The assignments of ticketDispatchedV1, lead first. Assignment ids come from the caller (the
 * service mints them), keeping this function pure.
 */
export function toAssignments(
  decision: DispatchDecision,
  newAssignmentId: (unitId: string, role: AssignmentRole) => string,
): { assignmentId: string; unitId: string; role: AssignmentRole }[] {
  return [decision.lead, ...decision.coHandlers, ...decision.copies].map((assignment) => ({
    assignmentId: newAssignmentId(assignment.unitId, assignment.role),
    unitId: assignment.unitId,
    role: assignment.role,
  }));
}
