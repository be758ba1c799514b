import { createHash } from 'node:crypto';
import { type REFERENCE_KINDS } from '@jsjb/contracts';
import { z } from 'zod';
import { CatalogueCsvError } from '../catalogue/catalogue-csv.domain';
import { type Catalogue, CatalogueError, parseCatalogue } from '../catalogue/catalogue.domain';
import { type Unit, unitSchema } from '../dispatch/units.domain';
import { fromFeatureCollection, toFeatureCollection } from '../territory/territory-geojson.domain';
import { type Territory } from '../territory/territory.domain';
import { TerritoryError } from '../territory/territory.errors';

/**
 * Versions of reference data as stored (`reference_version.payload`): one normalised JSON document
 * per kind and version, identified by a checksum of its canonical form, so that importing the same
 * content twice is recognised whatever its key order or (for CSV) its source form.
 */

export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** A version label: letters, digits, `.`, `_`, `-` (catalogues use `YYYY.N`). */
export const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One problem with imported content, named by its JSON path (the platform's FieldError shape). */
export interface ReferenceIssue {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** Content that cannot become a version: every issue found, at once. */
export class ReferenceContentError extends Error {
  constructor(
    readonly kind: ReferenceKind,
    readonly issues: readonly ReferenceIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid ${kind} content: ${issues
        .slice(0, 10)
        .map((i) => `${i.field}: ${i.message}`)
        .join('; ')}`,
      options,
    );
    this.name = 'ReferenceContentError';
  }
}

/** Parsed content of one version of one kind. */
export type ReferenceContent =
  | { readonly kind: 'territory'; readonly version: string; readonly territory: Territory }
  | { readonly kind: 'units'; readonly version: string; readonly units: readonly Unit[] }
  | { readonly kind: 'catalogue'; readonly version: string; readonly catalogue: Catalogue };
export type TerritoryContent = Extract<ReferenceContent, { kind: 'territory' }>;
export type UnitsContent = Extract<ReferenceContent, { kind: 'units' }>;
export type CatalogueContent = Extract<ReferenceContent, { kind: 'catalogue' }>;

/** Narrows content to its kind (content read back for a kind is of that kind). */
export function ofKind<K extends ReferenceKind>(
  content: ReferenceContent,
  kind: K,
): Extract<ReferenceContent, { kind: K }> {
  if (content.kind !== kind) throw new Error(`expected ${kind} content, got ${content.kind}`);
  return content as Extract<ReferenceContent, { kind: K }>;
}

/** JSON with object keys sorted at every level and no whitespace: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}

/** sha256 (hex) of the canonical JSON of a payload. */
export function checksumOf(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** The payload stored for a version: territory as GeoJSON, units as `{ units }`, the catalogue as is. */
export function payloadOf(content: ReferenceContent): unknown {
  switch (content.kind) {
    case 'territory':
      return toFeatureCollection(content.territory);
    case 'units':
      return { units: content.units };
    case 'catalogue':
      return content.catalogue;
  }
}

const unitsPayloadSchema = z.object({ units: z.array(unitSchema).min(1) }).strict();

/**
 * Reads a stored or imported payload of a kind; throws ReferenceContentError naming each bad field.
 * Units are checked on their own here; against a territory with `unitTerritoryIssues`.
 */
export function parseContent(kind: ReferenceKind, version: string, payload: unknown): ReferenceContent {
  if (!VERSION_LABEL.test(version)) {
    throw new ReferenceContentError(kind, [
      { field: 'version', code: 'invalid_format', message: 'letters, digits, . _ - (at most 64)' },
    ]);
  }
  switch (kind) {
    case 'territory':
      try {
        return { kind, version, territory: fromFeatureCollection(payload) };
      } catch (error) {
        if (!(error instanceof TerritoryError)) throw error;
        throw new ReferenceContentError(
          kind,
          error.issues.map((i) => ({
            field: i.index < 0 ? i.field : `features.${i.index}.${i.field}`,
            code: 'invalid_territory',
            message: i.message,
          })),
          { cause: error },
        );
      }
    case 'units': {
      const parsed = unitsPayloadSchema.safeParse(payload);
      if (!parsed.success) {
        throw new ReferenceContentError(
          kind,
          parsed.error.issues.map((i) => ({
            field: i.path.map(String).join('.') || '(root)',
            code: i.code,
            message: i.message,
          })),
          { cause: parsed.error },
        );
      }
      const units = parsed.data.units as Unit[];
      const issues = directoryIssues(units);
      if (issues.length > 0) throw new ReferenceContentError(kind, issues);
      return { kind, version, units };
    }
    case 'catalogue':
      try {
        const catalogue = parseCatalogue(payload);
        if (catalogue.version !== version) {
          throw new ReferenceContentError(kind, [
            {
              field: 'version',
              code: 'version_mismatch',
              message: `the catalogue says ${catalogue.version}`,
            },
          ]);
        }
        return { kind, version, catalogue };
      } catch (error) {
        if (!(error instanceof CatalogueError)) throw error;
        throw new ReferenceContentError(kind, catalogueIssues(error), { cause: error });
      }
  }
}

/** A catalogue error's issues as field issues: `items.3.code` from JSON, `rows.5.urgency` from CSV. */
export function catalogueIssues(error: CatalogueError): ReferenceIssue[] {
  if (error instanceof CatalogueCsvError) {
    return error.csvIssues.map((i) => ({
      field: `rows.${i.row}${i.column ? `.${i.column}` : ''}`,
      code: 'invalid_csv',
      message: i.message,
    }));
  }
  return error.issues.map((line) => {
    const split = line.indexOf(': ');
    return split < 0
      ? { field: '(root)', code: 'invalid_catalogue', message: line }
      : { field: line.slice(0, split), code: 'invalid_catalogue', message: line.slice(split + 2) };
  });
}

/** What UnitDirectory would refuse (a repeated id, two units claiming one jurisdiction), by unit index. */
function directoryIssues(units: readonly Unit[]): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const ids = new Map<string, number>();
  const claims = new Map<string, number>();
  units.forEach((unit, index) => {
    const first = ids.get(unit.id);
    if (first !== undefined) {
      issues.push({ field: `units.${index}.id`, code: 'duplicate_id', message: `repeats units.${first}` });
    } else ids.set(unit.id, index);
    const claim = jurisdictionOf(unit);
    if (claim === undefined) return;
    const holder = claims.get(claim.key);
    if (holder !== undefined) {
      issues.push({
        field: `units.${index}.${claim.field}`,
        code: 'duplicate_jurisdiction',
        message: `units.${holder} already answers for ${claim.key}`,
      });
    } else claims.set(claim.key, index);
  });
  return issues;
}

function jurisdictionOf(unit: Unit): { key: string; field: string } | undefined {
  switch (unit.kind) {
    case 'street':
      return { key: `street ${unit.streetCode}`, field: 'streetCode' };
    case 'district-government':
      return { key: `district ${unit.districtCode}`, field: 'districtCode' };
    case 'department':
      return unit.level === 'city'
        ? { key: `${unit.sector} (city)`, field: 'sector' }
        : { key: `${unit.sector} in ${unit.districtCode}`, field: 'sector' };
    case 'utility':
      return undefined; // several utilities may serve one area: the first listed wins
  }
}

/**
 * Units whose street or district codes are not areas of that level in the territory (or whose street
 * lies in another district), as field issues `units.<index>.<field>`.
 */
export function unitTerritoryIssues(units: readonly Unit[], territory: Territory): ReferenceIssue[] {
  const levelOf = new Map(territory.areas.map((a) => [a.code, a]));
  const issues: ReferenceIssue[] = [];
  const expect = (index: number, field: string, code: string, level: 'district' | 'street'): void => {
    if (levelOf.get(code)?.level !== level) {
      issues.push({ field: `units.${index}.${field}`, code: 'unknown_area', message: `no ${level} ${code}` });
    }
  };
  units.forEach((unit, index) => {
    switch (unit.kind) {
      case 'street': {
        expect(index, 'streetCode', unit.streetCode, 'street');
        expect(index, 'districtCode', unit.districtCode, 'district');
        const street = levelOf.get(unit.streetCode);
        if (street?.level === 'street' && street.parentCode !== unit.districtCode) {
          issues.push({
            field: `units.${index}.districtCode`,
            code: 'wrong_district',
            message: `street ${unit.streetCode} lies in district ${String(street.parentCode)}`,
          });
        }
        break;
      }
      case 'district-government':
        expect(index, 'districtCode', unit.districtCode, 'district');
        break;
      case 'department':
        if (unit.level === 'district') expect(index, 'districtCode', unit.districtCode, 'district');
        break;
      case 'utility':
        unit.serviceArea.forEach((code, i) => {
          expect(index, `serviceArea.${i}`, code, code.length === 6 ? 'district' : 'street');
        });
        break;
    }
  });
  return issues;
}
