import { type Catalogue, type CatalogueItem, indexCatalogue } from '../catalogue/catalogue.domain';
import { CATALOGUE_2026_1 } from '../catalogue/data/catalogue-2026.1';
import {
  cityDepartment,
  SECTORS,
  type Unit,
  UnitDirectory,
  UTILITY_KINDS,
  type UtilityKind,
} from '../dispatch/units.domain';
import { generateSampleCity } from '../territory/sample-city.domain';
import { TerritoryIndex } from '../territory/territory-index.domain';
import { type Territory } from '../territory/territory.domain';

/** Seed of the sample city routing boots with until reference data is persisted. */
export const SAMPLE_CITY_SEED = 12345;

/**
 * What dispatch reads: the territory and its index, the unit directory and the dispatch catalogue.
 * Immutable once built; a new version of any part means a new ReferenceData.
 */
export class ReferenceData {
  readonly index: TerritoryIndex;
  readonly items: ReadonlyMap<string, CatalogueItem>;

  constructor(
    readonly territory: Territory,
    readonly directory: UnitDirectory,
    readonly catalogue: Catalogue,
  ) {
    this.index = new TerritoryIndex(territory);
    this.items = indexCatalogue(catalogue);
  }
}

const UTILITY_NAMES: Readonly<Record<UtilityKind, string>> = {
  water: '供水公司',
  power: '供电公司',
  gas: '燃气公司',
  heating: '供热公司',
};

/**
 * The units of a territory: 街道/乡镇 per street, 区政府 per district, a 水电气热 company per kind and
 * district, and a city-level department for every sector (no district bureaus: their matters reach
 * the city departments, which dispatch allows).
 */
export function unitsOfTerritory(territory: Territory): Unit[] {
  const units: Unit[] = [];
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
  for (const sector of SECTORS) {
    units.push(cityDepartment(sector));
  }
  return units;
}

/** The reference data routing boots with: the sample city (fixed seed), its units, catalogue 2026.1. */
export function sampleReferenceData(): ReferenceData {
  const territory = generateSampleCity({ seed: SAMPLE_CITY_SEED });
  return new ReferenceData(territory, new UnitDirectory(unitsOfTerritory(territory)), CATALOGUE_2026_1);
}
