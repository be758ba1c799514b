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
