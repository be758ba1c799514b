import type { Position } from 'geojson';
import { type BBox } from './geometry.domain';
import { type Area, type Territory } from './territory.domain';
import { TerritoryError } from './territory.errors';

export interface SampleCityOptions {
  /** Same seed, same options → the same city, byte for byte. */
  readonly seed?: number;
  readonly districts?: number;
  readonly streetsPerDistrict?: number;
  readonly communitiesPerStreet?: number;
  readonly gridsPerCommunity?: number;
  /** WGS-84 extent of the lattice the city is cut from. */
  readonly bbox?: BBox;
  readonly cityCode?: string;
  readonly cityName?: string;
}

export const SAMPLE_CITY_DEFAULTS = {
  seed: 12345,
  districts: 6,
  streetsPerDistrict: 10,
  communitiesPerStreet: 10,
  gridsPerCommunity: 10,
  bbox: [116.2, 39.8, 116.6, 40.1] as BBox,
  cityCode: '1101',
  cityName: '京华市',
} as const;

/** Lattice cells per grid: slack so every block can be cut into its children with unequal sizes. */
const CELLS_PER_GRID = 3;
/** Vertex jitter as a fraction of a cell; below 0.5 keeps every block's ring simple. */
const JITTER = 0.3;
/** How far a cut may stray from the proportional position (fraction of it). */
const CUT_WOBBLE = 0.3;

/** A block of lattice cells, x1/y1 exclusive. */
interface Block {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** mulberry32: small, fast, good enough for sample data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISTRICT_NAMES = '安定永宁清河临江凤鸣长乐景和兴华明德广安云岭金台翠屏龙泉瑞丰嘉禾'.match(/../g) ?? [];
const FIRST = [
  ...'东西南北安和平兴华康宁福瑞嘉丰春金青翠龙凤桃柳梅松竹杏石玉双白红紫明光永长太德惠文育新建胜朝望景万天',
];
const SECOND = [...'安和平兴华康宁福丰春秋泉山河湖桥门园苑台坊营林田源阳翔顺泰裕'];
const PLACE = [...'里园苑庄坊湾营桥寺门路院府城巷'];
const SURNAME = [...'王李张刘陈杨赵黄周吴徐孙马朱胡郭何高罗梁'];
const VILLAGE = ['家庄', '各庄', '家营', '家坟', '辛庄', '家屯', '家店', '家峪', '家湾', '家台'];

type StreetKind = 'subdistrict' | 'town' | 'township';
type CommunityKind = 'residential' | 'village';

const STREET_SUFFIX: Record<StreetKind, string> = { subdistrict: '街道', town: '镇', township: '乡' };
/** First serial of each kind in the 3-digit street part (statistical division code ranges). */
const STREET_SERIAL: Record<StreetKind, number> = { subdistrict: 1, town: 101, township: 201 };
const COMMUNITY_SUFFIX: Record<CommunityKind, string> = { residential: '社区', village: '村' };
const COMMUNITY_SERIAL: Record<CommunityKind, number> = { residential: 1, village: 201 };

class NamePool {
  private readonly used = new Set<string>();
  constructor(private readonly rng: () => number) {}

  pick(make: (pick: (list: readonly string[]) => string) => string): string {
    const choose = (list: readonly string[]): string => list[Math.floor(this.rng() * list.length)] ?? '';
    for (let attempt = 0; attempt < 1000; attempt++) {
      const name = make(choose);
      if (!this.used.has(name) && name[0] !== name[1]) {
        this.used.add(name);
        return name;
      }
    }
    throw new TerritoryError('TERRITORY.INVALID_SAMPLE_OPTIONS', 'ran out of distinct sample names');
  }
}

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new TerritoryError(
      'TERRITORY.INVALID_SAMPLE_OPTIONS',
      `${name} must be an integer in 1..${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * A deterministic sample city: a lattice of jittered vertices over `bbox`, cut recursively into
 * rectangular blocks of cells (districts → streets → communities → grids). Each area's ring walks every
 * lattice vertex on its block's boundary, so neighbours share edges exactly, children tile their parent
 * exactly, and rings are simple and counter-clockwise. Coordinates are rounded to 1e-6° (~0.1 m).
 */
export function generateSampleCity(options: SampleCityOptions = {}): Territory {
  const seed = options.seed ?? SAMPLE_CITY_DEFAULTS.seed;
  const districts = checkCount('districts', options.districts ?? SAMPLE_CITY_DEFAULTS.districts, 99);
  const streets = checkCount(
    'streetsPerDistrict',
    options.streetsPerDistrict ?? SAMPLE_CITY_DEFAULTS.streetsPerDistrict,
    99,
  );
  const communities = checkCount(
    'communitiesPerStreet',
    options.communitiesPerStreet ?? SAMPLE_CITY_DEFAULTS.communitiesPerStreet,
    199,
  );
  const grids = checkCount(
    'gridsPerCommunity',
    options.gridsPerCommunity ?? SAMPLE_CITY_DEFAULTS.gridsPerCommunity,
    999,
  );
  const [minLng, minLat, maxLng, maxLat] = options.bbox ?? SAMPLE_CITY_DEFAULTS.bbox;
  const cityCode = options.cityCode ?? SAMPLE_CITY_DEFAULTS.cityCode;
  const rng = prng(seed);
  const names = new NamePool(rng);

  // Lattice size: about CELLS_PER_GRID cells per grid, cells roughly square on the ground.
  const leaves = districts * streets * communities * grids;
  const widthKm = (maxLng - minLng) * 111.32 * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const heightKm = (maxLat - minLat) * 111.32;
  const cols = Math.max(1, Math.round(Math.sqrt((leaves * CELLS_PER_GRID * widthKm) / heightKm)));
  const rows = Math.max(1, Math.ceil((leaves * CELLS_PER_GRID) / cols));
  const dx = (maxLng - minLng) / cols;
  const dy = (maxLat - minLat) / rows;
  const lng = new Float64Array((cols + 1) * (rows + 1));
  const lat = new Float64Array((cols + 1) * (rows + 1));
  for (let y = 0; y <= rows; y++) {
    for (let x = 0; x <= cols; x++) {
      const i = y * (cols + 1) + x;
      lng[i] = round6(minLng + (x + (rng() * 2 - 1) * JITTER) * dx);
      lat[i] = round6(minLat + (y + (rng() * 2 - 1) * JITTER) * dy);
    }
  }
  const vertex = (x: number, y: number): Position => {
    const i = y * (cols + 1) + x;
    return [lng[i] ?? NaN, lat[i] ?? NaN];
  };
  const ring = (b: Block): Position[] => {
    const out: Position[] = [];
    for (let x = b.x0; x < b.x1; x++) out.push(vertex(x, b.y0));
    for (let y = b.y0; y < b.y1; y++) out.push(vertex(b.x1, y));
    for (let x = b.x1; x > b.x0; x--) out.push(vertex(x, b.y1));
    for (let y = b.y1; y > b.y0; y--) out.push(vertex(b.x0, y));
    out.push(vertex(b.x0, b.y0));
    return out;
  };
  const area = (
    code: string,
    name: string,
    level: Area['level'],
    parentCode: string | null,
    b: Block,
  ): Area => ({
    code,
    name,
    level,
    parentCode,
    geometry: { type: 'Polygon', coordinates: [ring(b)] },
  });
  // 0 at the city centre, about 1 in its corners: outer areas are more often towns and villages.
  const remoteness = (b: Block): number =>
    Math.hypot((b.x0 + b.x1) / cols - 1, (b.y0 + b.y1) / rows - 1) / Math.SQRT2;

  const cityBlock: Block = { x0: 0, y0: 0, x1: cols, y1: rows };
  const areas: Area[] = [
    area(cityCode, options.cityName ?? SAMPLE_CITY_DEFAULTS.cityName, 'city', null, cityBlock),
  ];
  const city = new Cutter([districts, streets, communities, grids], rng).layout(cityBlock, 0);
  if (city === undefined) {
    throw new TerritoryError(
      'TERRITORY.INVALID_SAMPLE_OPTIONS',
      `cannot cut a ${cols}×${rows} lattice into ${leaves} grids`,
    );
  }
  city.children.forEach((district, d) => {
    const districtCode = `${cityCode}${pad(d + 1, 2)}`;
    const districtName = `${DISTRICT_NAMES[d] ?? names.pick((p) => p(FIRST) + p(SECOND))}区`;
    areas.push(area(districtCode, districtName, 'district', cityCode, district.block));
    const streetSerial = { ...STREET_SERIAL };
    for (const street of district.children) {
      const kind: StreetKind =
        remoteness(street.block) > 0.55 && rng() < 0.7 ? (rng() < 0.8 ? 'town' : 'township') : 'subdistrict';
      const streetCode = `${districtCode}${pad(streetSerial[kind]++, 3)}`;
      const streetName = names.pick((p) => p(FIRST) + p(SECOND)) + STREET_SUFFIX[kind];
      areas.push(area(streetCode, streetName, 'street', districtCode, street.block));
      const communitySerial = { ...COMMUNITY_SERIAL };
      for (const community of street.children) {
        const ckind: CommunityKind = kind !== 'subdistrict' && rng() < 0.7 ? 'village' : 'residential';
        const communityCode = `${streetCode}${pad(communitySerial[ckind]++, 3)}`;
        const base =
          ckind === 'village'
            ? names.pick((p) => (rng() < 0.6 ? p(SURNAME) + p(VILLAGE) : p(FIRST) + p(SECOND) + '庄'))
            : names.pick((p) => p(FIRST) + p(SECOND) + p(PLACE));
        areas.push(
          area(communityCode, base + COMMUNITY_SUFFIX[ckind], 'community', streetCode, community.block),
        );
        community.children.forEach((grid, g) => {
          areas.push(
            area(`${communityCode}${pad(g + 1, 3)}`, `第${g + 1}网格`, 'grid', communityCode, grid.block),
          );
        });
      }
    }
  });
  areas.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { areas };
}

interface Node {
  readonly block: Block;
  readonly children: readonly Node[];
}

/**
 * Cuts blocks into the hierarchy by recursive bisection along the longer side, each cut wobbling around
 * the proportional position so sizes vary. A cut that leaves a side unable to hold its descendants (a 7×3
 * block cannot become two blocks of 10 cells) is replaced by the next nearest position; blocks found
 * impossible are remembered by shape, so the search stays linear in practice.
 */
class Cutter {
  private readonly impossible = new Set<string>();
  /** leaves[depth]: grids under one area of depth `depth` (0 = district). */
  private readonly leaves: number[];

  constructor(
    private readonly fanout: readonly number[],
    private readonly rng: () => number,
  ) {
    this.leaves = fanout.map((_, depth) => fanout.slice(depth + 1).reduce((a, b) => a * b, 1));
  }

  /** The area at `depth` filling `block`, with its descendants; depth == fanout.length is a grid's cell block. */
  layout(block: Block, depth: number): Node | undefined {
    const parts = this.fanout[depth];
    if (parts === undefined) return { block, children: [] };
    const children = this.group(block, parts, depth);
    return children && { block, children };
  }

  private group(block: Block, parts: number, depth: number): Node[] | undefined {
    const width = block.x1 - block.x0;
    const height = block.y1 - block.y0;
    const key = `${depth}:${parts}:${width}x${height}`;
    const each = this.leaves[depth] ?? 1;
    if (this.impossible.has(key) || width * height < parts * each) return undefined;
    if (parts === 1) {
      const node = this.layout(block, depth + 1);
      if (node === undefined) this.impossible.add(key);
      return node && [node];
    }
    const left = Math.floor(parts / 2);
    const right = parts - left;
    const wobble = 1 + (this.rng() * 2 - 1) * CUT_WOBBLE;
    for (const vertical of width >= height ? [true, false] : [false, true]) {
      const length = vertical ? width : height;
      const across = vertical ? height : width;
      const target = ((length * left) / parts) * wobble;
      const positions = Array.from({ length: length - 1 }, (_, i) => i + 1)
        .filter((at) => at * across >= left * each && (length - at) * across >= right * each)
        .sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b);
      for (const at of positions) {
        const [a, b]: [Block, Block] = vertical
          ? [
              { ...block, x1: block.x0 + at },
              { ...block, x0: block.x0 + at },
            ]
          : [
              { ...block, y1: block.y0 + at },
              { ...block, y0: block.y0 + at },
            ];
        const first = this.group(a, left, depth);
        const second = first && this.group(b, right, depth);
        if (first && second) return [...first, ...second];
      }
    }
    this.impossible.add(key);
    return undefined;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
