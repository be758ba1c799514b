import {
  type EventPayload,
  type referenceAreaSchema,
  type referenceCatalogueItemSchema,
  type referenceUnitSchema,
} from '@jsjb/contracts';
import { type z } from 'zod';
import { diffCatalogues } from '../catalogue/catalogue-diff.domain';
import { type CatalogueItem, type ResponsibleRule } from '../catalogue/catalogue.domain';
import { SECTOR_NAMES, type Unit, type UtilityKind } from '../dispatch/units.domain';
import { type Area } from '../territory/territory.domain';
import { canonicalJson, type ReferenceContent, type ReferenceKind } from './reference-version.domain';

/**
 * What routing publishes on `jsjb.reference.v1` for a version: a snapshot (everything) or the changes
 * from the previous version (upserted + removed), split into numbered parts small enough for Kafka
 * (its default message limit is 1 MB). Key = the kind, so one kind's parts stay in order.
 */

export type ReferenceArea = z.infer<typeof referenceAreaSchema>;
export type ReferenceUnit = z.infer<typeof referenceUnitSchema>;
export type ReferenceCatalogueItem = z.infer<typeof referenceCatalogueItemSchema>;

export const REFERENCE_EVENT_TYPES = {
  territory: 'territory.changed.v1',
  units: 'units.changed.v1',
  catalogue: 'catalogue.changed.v1',
} as const satisfies Record<ReferenceKind, string>;

type EventTypeOf<K extends ReferenceKind> = (typeof REFERENCE_EVENT_TYPES)[K];

export type ReferenceEvent = {
  [K in ReferenceKind]: { type: EventTypeOf<K>; subject: K; data: EventPayload<EventTypeOf<K>> };
}[ReferenceKind];

export interface PartLimits {
  /** Entries (upserted + removed) per part. */
  readonly maxEntries: number;
  /** Approximate UTF-8 bytes of the entries of a part. */
  readonly maxBytes: number;
}

/** Well under Kafka's 1 MB default, with room for the envelope. */
export const DEFAULT_PART_LIMITS: PartLimits = { maxEntries: 1000, maxBytes: 512 * 1024 };

/** An area as published: no geometry (consumers need the tree and names, not the polygons). */
export function toReferenceArea(area: Area): ReferenceArea {
  return { code: area.code, name: area.name, level: area.level, parentCode: area.parentCode };
}

export function toReferenceUnit(unit: Unit): ReferenceUnit {
  const base = { id: unit.id, kind: unit.kind, name: unit.name };
  switch (unit.kind) {
    case 'street':
      return {
        ...base,
        districtCode: unit.districtCode,
        streetCode: unit.streetCode,
        sector: null,
        serviceArea: [],
      };
    case 'district-government':
      return { ...base, districtCode: unit.districtCode, streetCode: null, sector: null, serviceArea: [] };
    case 'department':
      return {
        ...base,
        districtCode: unit.level === 'district' ? unit.districtCode : null,
        streetCode: null,
        sector: unit.sector,
        serviceArea: [],
      };
    case 'utility':
      return {
        ...base,
        districtCode: null,
        streetCode: null,
        sector: unit.utility,
        serviceArea: [...unit.serviceArea],
      };
  }
}

const UTILITY_LEADS: Readonly<Record<UtilityKind, string>> = {
  water: '供水企业',
  power: '供电企业',
  gas: '燃气企业',
  heating: '供热企业',
};

/** Who leads an item, for people: 属地街道, 区住房和城乡建设部门, 市公安交管部门, 供水企业, 区政府. */
export function leadOf(rule: ResponsibleRule): string {
  switch (rule.kind) {
    case 'territorial':
      return '属地街道';
    case 'department':
      return `${rule.level === 'city' ? '市' : '区'}${SECTOR_NAMES[rule.sector]}部门`;
    case 'utility':
      return UTILITY_LEADS[rule.utility];
    case 'district':
      return '区政府';
  }
}

export function toReferenceCatalogueItem(item: CatalogueItem): ReferenceCatalogueItem {
  return {
    code: item.code,
    name: item.name,
    path: [...item.path],
    urgency: item.urgency,
    keywords: [...item.keywords],
    lead: leadOf(item.rule),
  };
}

/** The published entries of a version, keyed for diffs. */
function entriesOf(
  content: ReferenceContent,
): Map<string, ReferenceArea | ReferenceUnit | ReferenceCatalogueItem> {
  switch (content.kind) {
    case 'territory':
      return new Map(content.territory.areas.map((a) => [a.code, toReferenceArea(a)]));
    case 'units':
      return new Map(content.units.map((u) => [u.id, toReferenceUnit(u)]));
    case 'catalogue':
      return new Map(content.catalogue.items.map((i) => [i.code, toReferenceCatalogueItem(i)]));
  }
}

export interface ReferenceChanges<T> {
  readonly upserted: T[];
  readonly removed: string[];
}

/** Upserted (new, or different as published) and removed keys from `before` to `after`, keys sorted. */
export function diffByKey<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
): ReferenceChanges<T> {
  const upserted: [string, T][] = [];
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old === undefined || canonicalJson(old) !== canonicalJson(value)) upserted.push([key, value]);
  }
  const removed = [...before.keys()].filter((key) => !after.has(key)).sort();
  return { upserted: upserted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v), removed };
}

/**
 * Splits upserted and removed entries into parts within the limits, upserts first; always at least
 * one part, so that even an empty change announces the new version.
 */
export function splitIntoParts<T>(
  changes: ReferenceChanges<T>,
  limits: PartLimits = DEFAULT_PART_LIMITS,
): ReferenceChanges<T>[] {
  const parts: { upserted: T[]; removed: string[] }[] = [];
  let current = { upserted: [] as T[], removed: [] as string[] };
  let entries = 0;
  let bytes = 0;
  const add = (size: number, put: () => void): void => {
    if (entries > 0 && (entries + 1 > limits.maxEntries || bytes + size > limits.maxBytes)) {
      parts.push(current);
      current = { upserted: [], removed: [] };
      entries = 0;
      bytes = 0;
    }
    put();
    entries += 1;
    bytes += size;
  };
  for (const value of changes.upserted) {
    add(Buffer.byteLength(JSON.stringify(value)), () => current.upserted.push(value));
  }
  for (const key of changes.removed) {
    add(Buffer.byteLength(key) + 3, () => current.removed.push(key));
  }
  parts.push(current);
  return parts;
}

export interface PublishMeta {
  readonly publishedAt: Date;
  readonly limits?: PartLimits;
}

/** Every entry of a version, as snapshot events (previousVersion null). */
export function snapshotEvents(content: ReferenceContent, meta: PublishMeta): ReferenceEvent[] {
  return toEvents(
    content.kind,
    content.version,
    null,
    'snapshot',
    {
      upserted: [...entriesOf(content).values()],
      removed: [],
    },
    meta,
  );
}

/**
 * The changes from `previous` to `next` (same kind) as change events. The catalogue uses its own
 * diff (codes are stable across versions): an item changed in any field is upserted.
 */
export function changeEvents(
  previous: ReferenceContent,
  next: ReferenceContent,
  meta: PublishMeta,
): ReferenceEvent[] {
  if (previous.kind !== next.kind) throw new Error(`cannot diff ${previous.kind} with ${next.kind}`);
  let changes: ReferenceChanges<ReferenceArea | ReferenceUnit | ReferenceCatalogueItem>;
  if (previous.kind === 'catalogue' && next.kind === 'catalogue') {
    const diff = diffCatalogues(previous.catalogue, next.catalogue);
    const upsertedCodes = new Set([...diff.added, ...diff.changed.map((c) => c.code)]);
    changes = {
      upserted: next.catalogue.items
        .filter((i) => upsertedCodes.has(i.code))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .map(toReferenceCatalogueItem),
      removed: diff.removed,
    };
  } else {
    changes = diffByKey(entriesOf(previous), entriesOf(next));
  }
  return toEvents(next.kind, next.version, previous.version, 'changes', changes, meta);
}

function toEvents(
  kind: ReferenceKind,
  version: string,
  previousVersion: string | null,
  mode: 'snapshot' | 'changes',
  changes: ReferenceChanges<ReferenceArea | ReferenceUnit | ReferenceCatalogueItem>,
  meta: PublishMeta,
): ReferenceEvent[] {
  const parts = splitIntoParts(changes, meta.limits);
  const publishedAt = meta.publishedAt.toISOString();
  return parts.map((part, index) => {
    const header = { version, previousVersion, mode, part: index + 1, parts: parts.length, publishedAt };
    // Entries were built from content of this kind (entriesOf), so the casts only restore that link.
    switch (kind) {
      case 'territory':
        return {
          type: REFERENCE_EVENT_TYPES.territory,
          subject: kind,
          data: { ...header, upserted: part.upserted as ReferenceArea[], removed: part.removed },
        };
      case 'units':
        return {
          type: REFERENCE_EVENT_TYPES.units,
          subject: kind,
          data: { ...header, upserted: part.upserted as ReferenceUnit[], removed: part.removed },
        };
      case 'catalogue':
        return {
          type: REFERENCE_EVENT_TYPES.catalogue,
          subject: kind,
          data: { ...header, upserted: part.upserted as ReferenceCatalogueItem[], removed: part.removed },
        };
    }
  });
}
