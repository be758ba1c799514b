import type { Position } from 'geojson';
import type { AreaGeometry } from './territory.domain';

/** [minLng, minLat, maxLng, maxLat] */
export type BBox = [number, number, number, number];

/** The polygons of a geometry, each as its rings (outer first). */
export function polygonsOf(geometry: AreaGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: AreaGeometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygonsOf(geometry)) {
    for (const [lng = NaN, lat = NaN] of polygon[0] ?? []) {
      if (lng < box[0]) box[0] = lng;
      if (lat < box[1]) box[1] = lat;
      if (lng > box[2]) box[2] = lng;
      if (lat > box[3]) box[3] = lat;
    }
  }
  return box;
}

/** Shoelace area in degrees² (planar; enough for comparisons); positive for counter-clockwise rings. */
export function signedRingArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Planar area in degrees²: outer rings minus holes. */
export function planarArea(geometry: AreaGeometry): number {
  let area = 0;
  for (const [outer = [], ...holes] of polygonsOf(geometry)) {
    area += Math.abs(signedRingArea(outer));
    for (const hole of holes) area -= Math.abs(signedRingArea(hole));
  }
  return area;
}

export function isClosedRing(ring: readonly Position[]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return (
    ring.length >= 4 &&
    first !== undefined &&
    last !== undefined &&
    first[0] === last[0] &&
    first[1] === last[1]
  );
}

function orientation(a: Position, b: Position, c: Position): number {
  const v =
    ((b[1] ?? 0) - (a[1] ?? 0)) * ((c[0] ?? 0) - (b[0] ?? 0)) -
    ((b[0] ?? 0) - (a[0] ?? 0)) * ((c[1] ?? 0) - (b[1] ?? 0));
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const [px = 0, py = 0] = p;
  return px <= Math.max(ax, bx) && px >= Math.min(ax, bx) && py <= Math.max(ay, by) && py >= Math.min(ay, by);
}

function segmentsIntersect(p1: Position, p2: Position, q1: Position, q2: Position): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p1, p2, q1)) ||
    (o2 === 0 && onSegment(p1, p2, q2)) ||
    (o3 === 0 && onSegment(q1, q2, p1)) ||
    (o4 === 0 && onSegment(q1, q2, p2))
  );
}

/**
 * True when a closed ring has no repeated vertex and no two non-adjacent edges touch. O(n²): meant for
 * validation and tests, not hot paths.
 */
export function isSimpleRing(ring: readonly Position[]): boolean {
  if (!isClosedRing(ring)) return false;
  const n = ring.length - 1;
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const key = `${ring[i]?.[0]},${ring[i]?.[1]}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  for (let i = 0; i < n; i++) {
    const a1 = ring[i];
    const a2 = ring[i + 1];
    if (a1 === undefined || a2 === undefined) return false;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // the closing edge is adjacent to the first
      const b1 = ring[j];
      const b2 = ring[j + 1];
      if (b1 === undefined || b2 === undefined) return false;
      if (segmentsIntersect(a1, a2, b1, b2)) return false;
    }
  }
  return true;
}

/**
 * A point strictly inside the geometry (JTS's InteriorPointArea idea): cut the largest polygon with a
 * horizontal line through the middle of its bounding box and take the middle of the widest inside span.
 * The centroid is not used because it can fall outside concave shapes.
 */
export function interiorPoint(geometry: AreaGeometry): Position {
  let best: Position[][] | undefined;
  let bestArea = -1;
  for (const polygon of polygonsOf(geometry)) {
    const area = Math.abs(signedRingArea(polygon[0] ?? []));
    if (area > bestArea) {
      bestArea = area;
      best = polygon;
    }
  }
  if (best === undefined) throw new RangeError('empty geometry');
  const [, minLat, , maxLat] = bboxOf({ type: 'Polygon', coordinates: best });
  const y = (minLat + maxLat) / 2;
  const xs: number[] = [];
  for (const ring of best) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x1 = 0, y1 = 0] = ring[i] ?? [];
      const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
      // half-open rule so a vertex on the scan line is counted once
      if (y1 <= y !== y2 <= y) xs.push(x1 + ((y - y1) / (y2 - y1)) * (x2 - x1));
    }
  }
  xs.sort((a, b) => a - b);
  let point: Position | undefined;
  let widest = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const a = xs[i] ?? 0;
    const b = xs[i + 1] ?? 0;
    if (b - a > widest) {
      widest = b - a;
      point = [(a + b) / 2, y];
    }
  }
  if (point === undefined) throw new RangeError('degenerate polygon');
  return point;
}
