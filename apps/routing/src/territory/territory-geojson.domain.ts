import type { Feature, FeatureCollection } from 'geojson';
import { z } from 'zod';
import { isClosedRing } from './geometry.domain';
import {
  AREA_LEVELS,
  type Area,
  type AreaGeometry,
  type Territory,
  type TerritoryIssue,
  territoryIssues,
} from './territory.domain';
import { TerritoryError } from './territory.errors';

export interface AreaProperties {
  readonly code: string;
  readonly name: string;
  readonly level: Area['level'];
  readonly parentCode: string | null;
}

export type TerritoryFeatureCollection = FeatureCollection<AreaGeometry, AreaProperties>;

export function toFeatureCollection(territory: Territory): TerritoryFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: territory.areas.map((area): Feature<AreaGeometry, AreaProperties> => ({
      type: 'Feature',
      id: area.code,
      properties: { code: area.code, name: area.name, level: area.level, parentCode: area.parentCode },
      geometry: area.geometry,
    })),
  };
}

const position = z
  .array(z.number())
  .min(2)
  .max(3)
  .refine(([lng = NaN, lat = NaN]) => lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90, {
    message: 'position outside WGS-84 lng/lat range',
  });
const linearRing = z.array(position).refine(isClosedRing, {
  message: 'a linear ring has at least 4 positions and its first and last positions are equal',
});
const polygonCoordinates = z.array(linearRing).min(1);
const geometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygonCoordinates }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoordinates).min(1) }),
]);
const featureSchema = z.object({
  type: z.literal('Feature'),
  properties: z.object({
    code: z.string().regex(/^\d+$/, 'a code is digits only'),
    name: z.string().trim().min(1),
    level: z.enum(AREA_LEVELS),
    parentCode: z.string().nullable(),
  }),
  geometry: geometrySchema,
});

/**
 * Read a territory from GeoJSON (as produced by `toFeatureCollection`). Every problem is reported at
 * once, each naming the feature index and field; nothing partial is returned.
 */
export function fromFeatureCollection(input: unknown): Territory {
  const collection = z
    .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })
    .safeParse(input);
  if (!collection.success) {
    throw new TerritoryError('TERRITORY.INVALID', 'not a GeoJSON FeatureCollection', [
      ...collection.error.issues.map((i) => ({
        index: -1,
        field: i.path.join('.') || '(root)',
        message: i.message,
      })),
    ]);
  }
  const issues: TerritoryIssue[] = [];
  const areas: Area[] = [];
  collection.data.features.forEach((raw, index) => {
    const feature = featureSchema.safeParse(raw);
    if (!feature.success) {
      for (const issue of feature.error.issues) {
        issues.push({
          index,
          field: issue.path.map(String).join('.') || '(feature)',
          message: issue.message,
        });
      }
      return;
    }
    const { properties, geometry } = feature.data;
    areas.push({ ...properties, geometry: geometry });
  });
  if (issues.length === 0) issues.push(...territoryIssues(areas));
  if (issues.length > 0) throw new TerritoryError('TERRITORY.INVALID', 'invalid territory GeoJSON', issues);
  areas.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { areas };
}
