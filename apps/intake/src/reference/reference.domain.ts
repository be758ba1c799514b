import type {
  AREA_LEVEL_CODES,
  REFERENCE_KINDS,
  REFERENCE_MODES,
  referenceAreaSchema,
  referenceCatalogueItemSchema,
  referenceUnitSchema,
} from '@jsjb/contracts';
import type { z } from 'zod';

/**
 * Intake's copy of routing's reference data (jsjb.reference.v1): territory, units and the dispatch
 * catalogue (派单目录), each at one version. Routing publishes a version as a snapshot (everything)
 * or as the changes from the previous version, in numbered parts; this file decides how a part
 * applies to what is stored, and answers lookups over what is in force. No I/O here.
 */

export type ReferenceKind = (typeof REFERENCE_KINDS)[number];
export type ReferenceMode = (typeof REFERENCE_MODES)[number];
export type AreaLevel = (typeof AREA_LEVEL_CODES)[number];
export type ReferenceArea = z.infer<typeof referenceAreaSchema>;
export type ReferenceUnit = z.infer<typeof referenceUnitSchema>;
export type ReferenceCatalogueItem = z.infer<typeof referenceCatalogueItemSchema>;

/** What is stored of one kind's versions. */
export interface VersionState {
  /** The version in force; null until a first snapshot has been applied completely. */
  readonly version: string | null;
  /** A version whose parts are being applied; its rows are already written, the switch waits for its last part. */
  readonly pending: string | null;
  /** Parts of `pending` applied so far. */
  readonly pendingParts: number;
}

export const NO_VERSION: VersionState = { version: null, pending: null, pendingParts: 0 };

/** The header every reference event carries. */
export interface PartHeader {
  readonly version: string;
  readonly previousVersion: string | null;
  readonly mode: ReferenceMode;
  readonly part: number;
  readonly parts: number;
}

/** Why a part is not applied. */
export type IgnoreReason =
  /** This version, or this part of it, is applied already (the same content under another event id). */
  | 'already-applied'
  /** Changes from a version other than the one in force: we joined late or missed one; wait for a snapshot. */
  | 'out-of-sequence'
  /** A part that does not follow the last one applied (joined in the middle, or a part was lost). */
  | 'part-out-of-order'
  /** part > parts. */
  | 'invalid-header';

export type PartPlan =
  | {
      readonly action: 'apply';
      /** A snapshot's first part: the kind's rows are replaced. */
      readonly replaceAll: boolean;
      /** The last part: `next.version` is now in force. */
      readonly completes: boolean;
      readonly next: VersionState;
      /** An unfinished version this part abandons (a new snapshot started before its last part came). */
      readonly abandons: string | null;
    }
  | { readonly action: 'ignore'; readonly reason: IgnoreReason; readonly detail: string };

/**
 * How one part applies to the stored state. A snapshot's first part always applies (it is how a
 * consumer that joined late or lost its place gets back in step); changes apply only on top of the
 * version they were made from; later parts only right after the part before them.
 */
export function planPart(state: VersionState, header: PartHeader): PartPlan {
  const { version, part, parts } = header;
  if (part > parts) {
    return ignore('invalid-header', `part ${part} of ${parts}`);
  }
  if (part > 1) return planFollowingPart(state, header);
  switch (header.mode) {
    case 'snapshot':
      return apply(state, header, true, state.pending);
    case 'changes':
      if (state.pending === null && state.version === header.previousVersion) {
        return apply(state, header, false, null);
      }
      if (state.pending === null && state.version === version) {
        return ignore('already-applied', `${version} is in force`);
      }
      if (state.pending === version) {
        return ignore('already-applied', `${version} part 1 is applied`);
      }
      return ignore(
        'out-of-sequence',
        `changes from ${header.previousVersion ?? '(none)'} to ${version}, but ${describe(state)}`,
      );
  }
}

function planFollowingPart(state: VersionState, header: PartHeader): PartPlan {
  const { version, part, parts } = header;
  if (state.pending === version && state.pendingParts === part - 1) {
    return apply(state, header, false, null);
  }
  if (state.pending === version && state.pendingParts >= part) {
    return ignore('already-applied', `${version} part ${part} is applied`);
  }
  return ignore(
    'part-out-of-order',
    `${header.mode} ${version} part ${part} of ${parts}, but ${describe(state)}`,
  );
}

function apply(
  state: VersionState,
  header: PartHeader,
  replaceAll: boolean,
  abandons: string | null,
): PartPlan {
  const completes = header.part === header.parts;
  const next: VersionState = completes
    ? { version: header.version, pending: null, pendingParts: 0 }
    : { version: state.version, pending: header.version, pendingParts: header.part };
  return { action: 'apply', replaceAll, completes, next, abandons };
}

function ignore(reason: IgnoreReason, detail: string): PartPlan {
  return { action: 'ignore', reason, detail };
}

function describe(state: VersionState): string {
  const inForce = state.version === null ? 'no version is in force' : `${state.version} is in force`;
  return state.pending === null
    ? inForce
    : `${inForce} and ${state.pending} has ${state.pendingParts} part(s) applied`;
}

/** A problem with the location codes of a request; shaped as a field error (field, code, message). */
export interface LocationCodeIssue {
  readonly field: string;
  readonly code: 'unknown_area' | 'wrong_level' | 'not_within';
  /** The offending area code. */
  readonly value: string;
  readonly message: string;
}

export interface LocationCodes {
  readonly districtCode?: string | null;
  readonly streetCode?: string | null;
  readonly communityCode?: string | null;
}

const LOCATION_FIELDS = [
  ['districtCode', 'district'],
  ['streetCode', 'street'],
  ['communityCode', 'community'],
] as const satisfies readonly (readonly [keyof LocationCodes, AreaLevel])[];

/** Each kind's content at one version, as loaded from the database. */
export type ReferenceContent =
  | {
      readonly kind: 'territory';
      readonly version: string | null;
      readonly entries: readonly ReferenceArea[];
    }
  | { readonly kind: 'units'; readonly version: string | null; readonly entries: readonly ReferenceUnit[] }
  | {
      readonly kind: 'catalogue';
      readonly version: string | null;
      readonly entries: readonly ReferenceCatalogueItem[];
    };

/**
 * The reference data in force, indexed for synchronous lookups. Immutable: a new version of a kind
 * makes a new index (`with`), which keeps the other kinds' maps.
 */
export class ReferenceIndex {
  private readonly sortedItems: readonly ReferenceCatalogueItem[];

  private constructor(
    private readonly versions: Readonly<Record<ReferenceKind, string | null>>,
    private readonly areas: ReadonlyMap<string, ReferenceArea>,
    private readonly units: ReadonlyMap<string, ReferenceUnit>,
    private readonly items: ReadonlyMap<string, ReferenceCatalogueItem>,
  ) {
    this.sortedItems = [...items.values()].sort((a, b) => compare(a.code, b.code));
  }

  static empty(): ReferenceIndex {
    return new ReferenceIndex(
      { territory: null, units: null, catalogue: null },
      new Map(),
      new Map(),
      new Map(),
    );
  }

  /** A copy with one kind replaced. */
  with(content: ReferenceContent): ReferenceIndex {
    const versions = { ...this.versions, [content.kind]: content.version };
    switch (content.kind) {
      case 'territory':
        return new ReferenceIndex(
          versions,
          keyed(content.entries, (a) => a.code),
          this.units,
          this.items,
        );
      case 'units':
        return new ReferenceIndex(
          versions,
          this.areas,
          keyed(content.entries, (u) => u.id),
          this.items,
        );
      case 'catalogue':
        return new ReferenceIndex(
          versions,
          this.areas,
          this.units,
          keyed(content.entries, (i) => i.code),
        );
    }
  }

  /** The version in force of a kind; null before the first one arrived. */
  version(kind: ReferenceKind): string | null {
    return this.versions[kind];
  }

  /** Entries of a kind in force. */
  count(kind: ReferenceKind): number {
    switch (kind) {
      case 'territory':
        return this.areas.size;
      case 'units':
        return this.units.size;
      case 'catalogue':
        return this.items.size;
    }
  }

  area(code: string): ReferenceArea | undefined {
    return this.areas.get(code);
  }

  /** The area of `level` that contains (or is) the area `code`: e.g. the district of a street. */
  ancestor(code: string, level: AreaLevel): ReferenceArea | undefined {
    const seen = new Set<string>();
    let current = this.areas.get(code);
    while (current && !seen.has(current.code)) {
      if (current.level === level) return current;
      seen.add(current.code);
      current = current.parentCode === null ? undefined : this.areas.get(current.parentCode);
    }
    return undefined;
  }

  /**
   * Checks a request's district, street and community codes: each given code must be an area of
   * its level, and each must lie within the others given (a street in the district, a community in
   * the street and the district). Codes not given are not checked. `fieldPrefix` goes before each
   * field name (e.g. `location.`), so the issues can be reported as field errors as they are.
   */
  checkLocationCodes(codes: LocationCodes, fieldPrefix = ''): LocationCodeIssue[] {
    const issues: LocationCodeIssue[] = [];
    const known: { field: string; area: ReferenceArea }[] = [];
    for (const [key, level] of LOCATION_FIELDS) {
      const code = codes[key];
      if (code === undefined || code === null) continue;
      const field = `${fieldPrefix}${key}`;
      const area = this.areas.get(code);
      if (!area) {
        issues.push({ field, code: 'unknown_area', value: code, message: `no ${level} has code ${code}` });
      } else if (area.level !== level) {
        issues.push({
          field,
          code: 'wrong_level',
          value: code,
          message: `${code} (${area.name}) is a ${area.level}, not a ${level}`,
        });
      } else {
        known.push({ field, area });
      }
    }
    // Each area against the nearest larger one given (district, street, community in that order):
    // a community in the wrong district is reported once, on the street when the street is given.
    for (const [i, { field, area }] of known.entries()) {
      const outer = known[i - 1]?.area;
      if (outer && this.ancestor(area.code, outer.level)?.code !== outer.code) {
        issues.push({
          field,
          code: 'not_within',
          value: area.code,
          message: `${area.level} ${area.code} (${area.name}) is not in ${outer.level} ${outer.code} (${outer.name})`,
        });
      }
    }
    return issues;
  }

  unit(id: string): ReferenceUnit | undefined {
    return this.units.get(id);
  }

  unitName(id: string): string | undefined {
    return this.units.get(id)?.name;
  }

  catalogueItem(code: string): ReferenceCatalogueItem | undefined {
    return this.items.get(code);
  }

  /** Every catalogue item in force, by code. */
  catalogueItems(): readonly ReferenceCatalogueItem[] {
    return this.sortedItems;
  }
}

function keyed<T>(entries: readonly T[], key: (entry: T) => string): Map<string, T> {
  return new Map(entries.map((entry) => [key(entry), entry]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
