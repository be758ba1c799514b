import type {
  AREA_LEVEL_CODES,
  REFERENCE_KINDS,
  REFERENCE_MODES,
  UNIT_KINDS,
  URGENCY_CLASSES,
} from '@jsjb/contracts';

/**
 * sla's small copy of routing's reference data (jsjb.reference.v1): the unit directory, area names and
 * category names. Routing publishes each kind's versions as a snapshot or as the changes from the
 * previous version, in numbered parts; `planPart` decides how a part applies. No I/O here.
 */

export type ReferenceKind = (typeof REFERENCE_KINDS)[number];
export type UnitKind = (typeof UNIT_KINDS)[number];

/** 考评 unit classes: 街乡 street, 区 district (government and district departments), 市级部门, 企业 (utilities). */
export const UNIT_CLASSES = ['street', 'district', 'city-department', 'enterprise'] as const;
export type UnitClass = (typeof UNIT_CLASSES)[number];

export interface DirectoryUnit {
  readonly id: string;
  readonly kind: UnitKind;
  readonly name: string;
  readonly districtCode: string | null;
  readonly streetCode: string | null;
}

export interface DirectoryArea {
  readonly code: string;
  readonly name: string;
  readonly level: (typeof AREA_LEVEL_CODES)[number];
  readonly parentCode: string | null;
}

export interface DirectoryCategory {
  readonly code: string;
  readonly name: string;
  readonly path: readonly string[];
  readonly urgency: (typeof URGENCY_CLASSES)[number];
}

/** A 催办/督办 target: the unit, its head unit (a district government) and its district. */
export interface Escalation {
  readonly unitId: string;
  readonly headUnitId: string | null;
  readonly districtCode: string | null;
}

/** A unit's class for assessment; a department with a district is a district department. */
export function unitClassOf(unit: Pick<DirectoryUnit, 'kind' | 'districtCode'>): UnitClass {
  switch (unit.kind) {
    case 'street':
      return 'street';
    case 'district-government':
      return 'district';
    case 'department':
      return unit.districtCode === null ? 'city-department' : 'district';
    case 'utility':
      return 'enterprise';
  }
}

/** One kind's content at one version, as loaded. */
export type DirectoryContent =
  | { readonly kind: 'units'; readonly version: string | null; readonly entries: readonly DirectoryUnit[] }
  | {
      readonly kind: 'territory';
      readonly version: string | null;
      readonly entries: readonly DirectoryArea[];
    }
  | {
      readonly kind: 'catalogue';
      readonly version: string | null;
      readonly entries: readonly DirectoryCategory[];
    };

/** The reference data in force, indexed; immutable (`with` makes a new index). */
export class DirectoryIndex {
  private constructor(
    private readonly versions: Readonly<Record<ReferenceKind, string | null>>,
    private readonly unitsById: ReadonlyMap<string, DirectoryUnit>,
    /** District code → the id of its district government. */
    private readonly governments: ReadonlyMap<string, string>,
    private readonly areas: ReadonlyMap<string, DirectoryArea>,
    private readonly categories: ReadonlyMap<string, DirectoryCategory>,
  ) {}

  static empty(): DirectoryIndex {
    return new DirectoryIndex(
      { territory: null, units: null, catalogue: null },
      new Map(),
      new Map(),
      new Map(),
      new Map(),
    );
  }

  with(content: DirectoryContent): DirectoryIndex {
    const versions = { ...this.versions, [content.kind]: content.version };
    switch (content.kind) {
      case 'units': {
        const units = new Map(content.entries.map((u) => [u.id, u]));
        const governments = new Map<string, string>();
        for (const u of content.entries) {
          if (u.kind === 'district-government' && u.districtCode !== null)
            governments.set(u.districtCode, u.id);
        }
        return new DirectoryIndex(versions, units, governments, this.areas, this.categories);
      }
      case 'territory':
        return new DirectoryIndex(
          versions,
          this.unitsById,
          this.governments,
          new Map(content.entries.map((a) => [a.code, a])),
          this.categories,
        );
      case 'catalogue':
        return new DirectoryIndex(
          versions,
          this.unitsById,
          this.governments,
          this.areas,
          new Map(content.entries.map((c) => [c.code, c])),
        );
    }
  }

  version(kind: ReferenceKind): string | null {
    return this.versions[kind];
  }

  count(kind: ReferenceKind): number {
    switch (kind) {
      case 'units':
        return this.unitsById.size;
      case 'territory':
        return this.areas.size;
      case 'catalogue':
        return this.categories.size;
    }
  }

  unit(id: string): DirectoryUnit | undefined {
    return this.unitsById.get(id);
  }

  units(): IterableIterator<DirectoryUnit> {
    return this.unitsById.values();
  }

  classOf(id: string): UnitClass | null {
    const unit = this.unitsById.get(id);
    return unit ? unitClassOf(unit) : null;
  }

  /**
   * A street's and a district department's head unit is their district's government; a district
   * government, a city department, a utility and an unknown unit have none.
   */
  escalation(unitId: string): Escalation {
    const unit = this.unitsById.get(unitId);
    if (!unit) return { unitId, headUnitId: null, districtCode: null };
    const district = unit.districtCode;
    const hasHead = unit.kind === 'street' || (unit.kind === 'department' && district !== null);
    const headUnitId = hasHead && district !== null ? (this.governments.get(district) ?? null) : null;
    return { unitId, headUnitId, districtCode: district };
  }

  area(code: string): DirectoryArea | undefined {
    return this.areas.get(code);
  }

  category(code: string): DirectoryCategory | undefined {
    return this.categories.get(code);
  }
}

/** What is stored of one kind's versions. */
export interface VersionState {
  /** In force; null until a first snapshot was applied completely. */
  readonly version: string | null;
  /** A version whose parts are being applied (its last part switches it in). */
  readonly pending: string | null;
  readonly pendingParts: number;
}

export const NO_VERSION: VersionState = { version: null, pending: null, pendingParts: 0 };

export interface PartHeader {
  readonly version: string;
  readonly previousVersion: string | null;
  readonly mode: (typeof REFERENCE_MODES)[number];
  readonly part: number;
  readonly parts: number;
}

export type PartPlan =
  | {
      readonly action: 'apply';
      readonly replaceAll: boolean;
      readonly completes: boolean;
      readonly next: VersionState;
    }
  | { readonly action: 'ignore'; readonly reason: 'already-applied' | 'out-of-sequence' | 'invalid-header' };

/**
 * A snapshot's first part always applies (and replaces the kind's rows): it is how a consumer that
 * joined late gets in step. Changes apply only on top of the version they were made from, and a
 * later part only right after the part before it; anything else waits for the next snapshot.
 */
export function planPart(state: VersionState, header: PartHeader): PartPlan {
  const { version, part, parts } = header;
  if (part > parts) return { action: 'ignore', reason: 'invalid-header' };
  const next = (): VersionState =>
    part === parts
      ? { version, pending: null, pendingParts: 0 }
      : { version: state.version, pending: version, pendingParts: part };
  if (part > 1) {
    if (state.pending === version && state.pendingParts === part - 1) {
      return { action: 'apply', replaceAll: false, completes: part === parts, next: next() };
    }
    const done = (state.pending === version && state.pendingParts >= part) || state.version === version;
    return { action: 'ignore', reason: done ? 'already-applied' : 'out-of-sequence' };
  }
  if (header.mode === 'snapshot') {
    return { action: 'apply', replaceAll: true, completes: part === parts, next: next() };
  }
  if (state.pending === null && state.version === header.previousVersion) {
    return { action: 'apply', replaceAll: false, completes: part === parts, next: next() };
  }
  const done = state.pending === version || (state.pending === null && state.version === version);
  return { action: 'ignore', reason: done ? 'already-applied' : 'out-of-sequence' };
}
