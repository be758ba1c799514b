import { z } from 'zod';
import { type Territory } from '../territory/territory.domain';

/**
 * 承办单位 — the units that handle orders, and a directory to find them by jurisdiction.
 * Streets and district governments answer for an area; departments for a sector (at city or
 * district level); utilities (水电气热) for a kind of supply within their service area.
 */

/** 行业部门 — the sectors a functional department answers for. Identifiers are stable; names are for people. */
export const SECTORS = [
  'city-management',
  'urban-enforcement',
  'housing',
  'transport',
  'water-affairs',
  'market-regulation',
  'ecology',
  'traffic-police',
  'public-security',
  'fire-rescue',
  'education',
  'health',
  'medical-insurance',
  'human-resources',
  'civil-affairs',
  'planning',
  'landscaping',
  'culture-tourism',
  'sports',
  'emergency-management',
  'commerce',
  'agriculture',
  'veterans',
  'communications',
  'postal',
  'tax',
] as const;
export type Sector = (typeof SECTORS)[number];

export const SECTOR_NAMES: Readonly<Record<Sector, string>> = {
  'city-management': '城市管理',
  'urban-enforcement': '城管执法',
  housing: '住房和城乡建设',
  transport: '交通',
  'water-affairs': '水务',
  'market-regulation': '市场监管',
  ecology: '生态环境',
  'traffic-police': '公安交管',
  'public-security': '公安',
  'fire-rescue': '消防救援',
  education: '教育',
  health: '卫生健康',
  'medical-insurance': '医疗保障',
  'human-resources': '人力资源和社会保障',
  'civil-affairs': '民政',
  planning: '规划和自然资源',
  landscaping: '园林绿化',
  'culture-tourism': '文化和旅游',
  sports: '体育',
  'emergency-management': '应急管理',
  commerce: '商务',
  agriculture: '农业农村',
  veterans: '退役军人事务',
  communications: '通信管理',
  postal: '邮政管理',
  tax: '税务',
};

/** 水电气热 — the kinds of supply a utility company provides. */
export const UTILITY_KINDS = ['water', 'power', 'gas', 'heating'] as const;
export type UtilityKind = (typeof UTILITY_KINDS)[number];

/** The level a department sits at: 市级 city or 区级 district. */
export const DEPARTMENT_LEVELS = ['city', 'district'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

/** 街道/乡镇 — a street or township, the 属地 unit of its area. */
export interface StreetUnit {
  readonly kind: 'street';
  readonly id: string;
  readonly name: string;
  readonly streetCode: string;
  readonly districtCode: string;
}

/** 区政府 — a district government: 兜底 for unclear duty, and copied on its streets' orders. */
export interface DistrictGovernmentUnit {
  readonly kind: 'district-government';
  readonly id: string;
  readonly name: string;
  readonly districtCode: string;
}

/** 行业部门 — a functional department of one sector; district-level ones carry their district. */
export type DepartmentUnit =
  | {
      readonly kind: 'department';
      readonly id: string;
      readonly name: string;
      readonly sector: Sector;
      readonly level: 'city';
    }
  | {
      readonly kind: 'department';
      readonly id: string;
      readonly name: string;
      readonly sector: Sector;
      readonly level: 'district';
      readonly districtCode: string;
    };

/** 公共服务企业 — a water, power, gas or heating company; its service area lists district or street codes. */
export interface UtilityUnit {
  readonly kind: 'utility';
  readonly id: string;
  readonly name: string;
  readonly utility: UtilityKind;
  readonly serviceArea: readonly string[];
}

export type Unit = StreetUnit | DistrictGovernmentUnit | DepartmentUnit | UtilityUnit;
export type UnitKind = Unit['kind'];

/** Where a location lies, as far as it is known, for finding the utility that serves it. */
export interface AreaRef {
  readonly districtCode?: string | undefined;
  readonly streetCode?: string | undefined;
}

export class UnitDirectoryError extends Error {
  constructor(
    readonly code: 'UNIT.DUPLICATE_ID' | 'UNIT.DUPLICATE_JURISDICTION',
    message: string,
  ) {
    super(message);
    this.name = 'UnitDirectoryError';
  }
}

/**
 * An in-memory index of units by jurisdiction. Built once from a list (a read model of
 * `jsjb.reference.v1`); every lookup is a map access. Two units claiming the same street, district
 * government or sector at the same level are refused: dispatch must never have to pick between them.
 */
export class UnitDirectory {
  private readonly byId = new Map<string, Unit>();
  private readonly streets = new Map<string, StreetUnit>();
  private readonly districtGovernments = new Map<string, DistrictGovernmentUnit>();
  private readonly departments = new Map<string, DepartmentUnit>();
  /** utility kind + area code → the utilities serving that area, in the order given. */
  private readonly utilities = new Map<string, UtilityUnit[]>();

  constructor(units: Iterable<Unit>) {
    for (const unit of units) {
      if (this.byId.has(unit.id))
        throw new UnitDirectoryError('UNIT.DUPLICATE_ID', `Unit ${unit.id} is listed twice`);
      this.byId.set(unit.id, unit);
      switch (unit.kind) {
        case 'street':
          this.claim(this.streets, unit.streetCode, unit, `street ${unit.streetCode}`);
          break;
        case 'district-government':
          this.claim(this.districtGovernments, unit.districtCode, unit, `district ${unit.districtCode}`);
          break;
        case 'department': {
          const key = departmentKey(unit.sector, unit.level === 'district' ? unit.districtCode : undefined);
          this.claim(this.departments, key, unit, `department ${key}`);
          break;
        }
        case 'utility':
          for (const area of unit.serviceArea) {
            const key = `${unit.utility}|${area}`;
            const serving = this.utilities.get(key);
            if (serving) serving.push(unit);
            else this.utilities.set(key, [unit]);
          }
          break;
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Unit> {
    return this.byId.values();
  }

  unit(id: string): Unit | undefined {
    return this.byId.get(id);
  }

  /** The 街道/乡镇 unit of a street code. */
  street(streetCode: string): StreetUnit | undefined {
    return this.streets.get(streetCode);
  }

  /** The 区政府 of a district code. */
  districtGovernment(districtCode: string): DistrictGovernmentUnit | undefined {
    return this.districtGovernments.get(districtCode);
  }

  /** The department of a sector: the district's own when a district is given, else the city-level one. */
  department(sector: Sector, districtCode?: string): DepartmentUnit | undefined {
    return this.departments.get(departmentKey(sector, districtCode));
  }

  /** The utility of a kind serving a location: one whose area names the street wins over one naming the district. */
  utility(kind: UtilityKind, where: AreaRef): UtilityUnit | undefined {
    const byStreet = where.streetCode ? this.utilities.get(`${kind}|${where.streetCode}`) : undefined;
    if (byStreet?.[0]) return byStreet[0];
    const byDistrict = where.districtCode ? this.utilities.get(`${kind}|${where.districtCode}`) : undefined;
    return byDistrict?.[0];
  }

  private claim<U extends Unit>(index: Map<string, U>, key: string, unit: U, what: string): void {
    const holder = index.get(key);
    if (holder) {
      throw new UnitDirectoryError(
        'UNIT.DUPLICATE_JURISDICTION',
        `Units ${holder.id} and ${unit.id} both claim ${what}`,
      );
    }
    index.set(key, unit);
  }
}

function departmentKey(sector: Sector, districtCode: string | undefined): string {
  return districtCode === undefined ? `${sector}|city` : `${sector}|${districtCode}`;
}

/** The city-level department of a sector, as the sample directories name it (`city-<sector>`). */
export function cityDepartment(sector: Sector): Unit {
  return {
    kind: 'department',
    id: `city-${sector}`,
    name: `市${SECTOR_NAMES[sector]}部门`,
    sector,
    level: 'city',
  };
}

/**
 * 区级部门 — the sectors a district has its own bureau for, as Chinese cities are organised (委/局,
 * or a district branch of a vertically managed city bureau: 生态环境分局, 公安分局, 交通支队).
 * The others (消防, 通信, 邮政, 税务, 商务, 农业, 体育) are answered by the city-level department.
 */
export const DISTRICT_SECTORS: readonly Sector[] = [
  'city-management',
  'urban-enforcement',
  'housing',
  'transport',
  'water-affairs',
  'market-regulation',
  'ecology',
  'traffic-police',
  'public-security',
  'education',
  'health',
  'medical-insurance',
  'human-resources',
  'civil-affairs',
  'planning',
  'landscaping',
  'culture-tourism',
  'emergency-management',
  'veterans',
];

/**
 * How a district bureau is named: `{district}` is the district's name (东城区), `{short}` the name
 * without its 区/县 suffix (东城), as branches of city bureaus are called.
 */
const DISTRICT_BUREAU_NAMES: Readonly<Partial<Record<Sector, string>>> = {
  'city-management': '{district}城市管理委员会',
  'urban-enforcement': '{district}城市管理综合行政执法局',
  housing: '{district}住房和城乡建设委员会',
  transport: '{district}交通局',
  'water-affairs': '{district}水务局',
  'market-regulation': '{district}市场监督管理局',
  ecology: '市生态环境局{short}分局',
  'traffic-police': '市公安局公安交通管理局{short}交通支队',
  'public-security': '市公安局{short}分局',
  education: '{district}教育委员会',
  health: '{district}卫生健康委员会',
  'medical-insurance': '{district}医疗保障局',
  'human-resources': '{district}人力资源和社会保障局',
  'civil-affairs': '{district}民政局',
  planning: '市规划和自然资源委员会{short}分局',
  landscaping: '{district}园林绿化局',
  'culture-tourism': '{district}文化和旅游局',
  'emergency-management': '{district}应急管理局',
  veterans: '{district}退役军人事务局',
};

/** The district-level department of a sector (`dept-<district code>-<sector>`), e.g. 东城区住房和城乡建设委员会. */
export function districtDepartment(sector: Sector, district: { code: string; name: string }): Unit {
  const short = district.name.length > 2 ? district.name.replace(/[区县]$/, '') : district.name;
  const pattern = DISTRICT_BUREAU_NAMES[sector] ?? `{district}${SECTOR_NAMES[sector]}局`;
  return {
    kind: 'department',
    id: `dept-${district.code}-${sector}`,
    name: pattern.replace('{district}', district.name).replace('{short}', short),
    sector,
    level: 'district',
    districtCode: district.code,
  };
}

const UTILITY_NAMES: Readonly<Record<UtilityKind, string>> = {
  water: '供水公司',
  power: '供电公司',
  gas: '燃气公司',
  heating: '供热公司',
};

/**
 * The units of a territory: 街道/乡镇 per street, 区政府 per district, a 水电气热 company per kind and
 * district, a district bureau (区级部门) per district for each of DISTRICT_SECTORS, and a city-level
 * department for every sector (the only one for the other sectors, and what a district without its
 * own bureau falls back to).
 */
export function unitsOfTerritory(territory: Territory): Unit[] {
  const units: Unit[] = [];
  const bureaus: Unit[] = [];
  for (const area of territory.areas) {
    if (area.level === 'district') {
      units.push({
        kind: 'district-government',
        id: `gov-${area.code}`,
        name: `${area.name}人民政府`,
        districtCode: area.code,
      });
      for (const utility of UTILITY_KINDS) {
        units.push({
          kind: 'utility',
          id: `util-${utility}-${area.code}`,
          name: `${area.name}${UTILITY_NAMES[utility]}`,
          utility,
          serviceArea: [area.code],
        });
      }
      for (const sector of DISTRICT_SECTORS) bureaus.push(districtDepartment(sector, area));
    } else if (area.level === 'street' && area.parentCode !== null) {
      units.push({
        kind: 'street',
        id: `street-${area.code}`,
        name: area.name,
        streetCode: area.code,
        districtCode: area.parentCode,
      });
    }
  }
  for (const sector of SECTORS) units.push(cityDepartment(sector));
  return [...units, ...bureaus];
}

const unitId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - (at most 100)');
const unitName = z.string().trim().min(1).max(100);
const districtCode = z.string().regex(/^\d{6}$/, 'a district code (6 digits)');
const streetCode = z.string().regex(/^\d{9}$/, 'a street code (9 digits)');

/** One unit as imported (JSON): the Unit union, strictly. */
export const unitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('street'), id: unitId, name: unitName, streetCode, districtCode }).strict(),
  z.object({ kind: z.literal('district-government'), id: unitId, name: unitName, districtCode }).strict(),
  // A department is city- or district-level; only the latter names its district.
  z.discriminatedUnion('level', [
    z
      .object({
        kind: z.literal('department'),
        id: unitId,
        name: unitName,
        sector: z.enum(SECTORS),
        level: z.literal('city'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('department'),
        id: unitId,
        name: unitName,
        sector: z.enum(SECTORS),
        level: z.literal('district'),
        districtCode,
      })
      .strict(),
  ]),
  z
    .object({
      kind: z.literal('utility'),
      id: unitId,
      name: unitName,
      utility: z.enum(UTILITY_KINDS),
      serviceArea: z
        .array(z.string().regex(/^\d{6}(\d{3})?$/, 'a district (6 digits) or street (9 digits) code'))
        .min(1),
    })
    .strict(),
]);
