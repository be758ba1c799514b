import { type Catalogue, type CatalogueItem } from './catalogue.domain';

export type CatalogueItemField = Exclude<keyof CatalogueItem, 'code'>;
const FIELDS: readonly CatalogueItemField[] = ['name', 'path', 'rule', 'coHandlers', 'urgency', 'keywords'];

export interface CatalogueItemChange {
  readonly code: string;
  readonly fields: CatalogueItemField[];
  readonly before: CatalogueItem;
  readonly after: CatalogueItem;
}

/** What changed between two catalogue versions, by item code (codes are stable across versions). */
export interface CatalogueDiff {
  readonly from: string;
  readonly to: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: CatalogueItemChange[];
}

export function diffCatalogues(from: Catalogue, to: Catalogue): CatalogueDiff {
  const before = new Map(from.items.map((item) => [item.code, item]));
  const after = new Map(to.items.map((item) => [item.code, item]));
  const added = [...after.keys()].filter((code) => !before.has(code)).sort();
  const removed = [...before.keys()].filter((code) => !after.has(code)).sort();
  const changed: CatalogueItemChange[] = [];
  for (const [code, old] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    const now = after.get(code);
    if (!now) continue;
    const fields = FIELDS.filter((field) => !sameValue(old[field], now[field]));
    if (fields.length > 0) changed.push({ code, fields, before: old, after: now });
  }
  return { from: from.version, to: to.version, added, removed, changed };
}

/** Structural equality for the JSON-shaped values of an item (strings, arrays, plain objects). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, index) => sameValue(value, b[index]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
