import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Polygon, Position } from 'geojson';
import {
  bboxOf,
  interiorPoint,
  isClosedRing,
  isSimpleRing,
  planarArea,
  signedRingArea,
} from './geometry.domain';

const polygon = (ring: Position[], ...holes: Position[][]): Polygon => ({
  type: 'Polygon',
  coordinates: [ring, ...holes],
});
// a U shape: its centroid and bounding-box centre lie in the notch, outside the polygon
const u: Position[] = [
  [0, 0],
  [3, 0],
  [3, 3],
  [2, 3],
  [2, 1],
  [1, 1],
  [1, 3],
  [0, 3],
  [0, 0],
];

describe('geometry', () => {
  it('measures rings: orientation, area with holes, bounding box', () => {
    expect(signedRingArea(u)).toBe(7);
    expect(signedRingArea([...u].reverse())).toBe(-7);
    const square: Position[] = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ];
    const hole: Position[] = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ];
    expect(planarArea(polygon(square, hole))).toBe(15);
    expect(planarArea({ type: 'MultiPolygon', coordinates: [[square], [u]] })).toBe(23);
    expect(bboxOf(polygon(u))).toEqual([0, 0, 3, 3]);
  });

  it('tells closed and simple rings from open, short and self-intersecting ones', () => {
    expect(isClosedRing(u)).toBe(true);
    expect(isClosedRing(u.slice(0, -1))).toBe(false);
    expect(
      isClosedRing([
        [0, 0],
        [1, 1],
        [0, 0],
      ]),
    ).toBe(false);
    expect(isSimpleRing(u)).toBe(true);
    const bowTie: Position[] = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(isSimpleRing(bowTie)).toBe(false);
    const touching: Position[] = [
      [0, 0],
      [2, 0],
      [2, 2],
      [1, 0],
      [0, 2],
      [0, 0],
    ];
    expect(isSimpleRing(touching)).toBe(false);
  });

  it('finds a point strictly inside concave polygons', () => {
    const point = interiorPoint(polygon(u));
    expect(booleanPointInPolygon(point, polygon(u), { ignoreBoundary: true })).toBe(true);
    const lake: Position[] = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ];
    const ring: Polygon = polygon(
      [
        [0, 0],
        [3, 0],
        [3, 3],
        [0, 3],
        [0, 0],
      ],
      lake,
    );
    expect(booleanPointInPolygon(interiorPoint(ring), ring, { ignoreBoundary: true })).toBe(true);
  });
});
