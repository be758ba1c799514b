import type { MultiPolygon, Polygon } from 'geojson';

/**
 * The territory: city → 区 district → 街道/乡镇 street/township → 社区/村 community/village → 网格 grid.
 *
 * Code scheme (GB/T 2260 + the statistical division code of GB/T 10114, extended by one level for grids):
 * every child code is its parent's code plus a fixed number of digits, so ancestry is a prefix test.
 *
 * | level     | digits | example           | added part                                             |
 * |-----------|--------|-------------------|--------------------------------------------------------|
 * | city      | 4      | `1101`            | GB/T 2260 prefix of the municipality's districts      |
 * | district  | 6      | `110101`          | 2 digits, 01–99                                        |
 * | street    | 9      | `110101001`       | 3 digits: 001–099 街道, 100–199 镇, 200–399 乡          |
 * | community | 12     | `110101001001`    | 3 digits: 001–199 社区 (居委会), 200–399 村 (村委会)     |
 * | grid      | 15     | `110101001001001` | 3 digits, 001–999                                      |
 */
export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** Length of an area code at each level. */
export const CODE_LENGTH: Readonly<Record<AreaLevel, number>> = {
  city: 4,
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};

/** WGS-84 lng/lat; outer rings counter-clockwise and closed (first position == last). */
export type AreaGeometry = Polygon | MultiPolygon;

export interface Area {
  readonly code: string;
  /** Chinese name, e.g. 安贞街道, 和平里社区, 第3网格 (grid names are unique only within their community). */
  readonly name: string;
  readonly level: AreaLevel;
  /** null only for the city. */
  readonly parentCode: string | null;
  readonly geometry: AreaGeometry;
}

/** A whole city's areas, parents before children, siblings in code order. */
export interface Territory {
  readonly areas: readonly Area[];
}

export function parentLevel(level: AreaLevel): AreaLevel | undefined {
  switch (level) {
    case 'city':
      return undefined;
    case 'district':
      return 'city';
    case 'street':
      return 'district';
    case 'community':
      return 'street';
    case 'grid':
      return 'community';
  }
}

export function levelRank(level: AreaLevel): number {
  return AREA_LEVELS.indexOf(level);
}

/** A problem with a territory's structure; `index` is the area's position in the input. */
export interface TerritoryIssue {
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

/**
 * Structural checks the schema cannot express: exactly one city, unique codes, the code length of the
 * level, parents that exist at the level above and whose code prefixes the child's.
 */
export function territoryIssues(areas: readonly Area[]): TerritoryIssue[] {
  const issues: TerritoryIssue[] = [];
  const byCode = new Map<string, Area>();
  areas.forEach((area, index) => {
    if (byCode.has(area.code)) {
      issues.push({ index, field: 'code', message: `duplicate code ${area.code}` });
    } else {
      byCode.set(area.code, area);
    }
    if (area.code.length !== CODE_LENGTH[area.level] || !/^\d+$/.test(area.code)) {
      issues.push({
        index,
        field: 'code',
        message: `a ${area.level} code has ${CODE_LENGTH[area.level]} digits, got "${area.code}"`,
      });
    }
  });
  const cities = areas.filter((a) => a.level === 'city').length;
  if (cities !== 1) issues.push({ index: -1, field: 'level', message: `expected one city, found ${cities}` });
  areas.forEach((area, index) => {
    const expected = parentLevel(area.level);
    if (expected === undefined) {
      if (area.parentCode !== null)
        issues.push({ index, field: 'parentCode', message: 'the city has no parent' });
      return;
    }
    const parent = area.parentCode === null ? undefined : byCode.get(area.parentCode);
    if (parent === undefined) {
      issues.push({ index, field: 'parentCode', message: `unknown parent ${String(area.parentCode)}` });
    } else if (parent.level !== expected) {
      issues.push({
        index,
        field: 'parentCode',
        message: `a ${area.level}'s parent must be a ${expected}, ${parent.code} is a ${parent.level}`,
      });
    } else if (!area.code.startsWith(parent.code)) {
      issues.push({
        index,
        field: 'code',
        message: `${area.code} does not extend its parent's code ${parent.code}`,
      });
    }
  });
  return issues;
}
