import { type Catalogue, type CatalogueItem, indexCatalogue } from '../catalogue/catalogue.domain';
import { CATALOGUE_2026_1 } from '../catalogue/data/catalogue-2026.1';
import { UnitDirectory, unitsOfTerritory } from '../dispatch/units.domain';
import { generateSampleCity } from '../territory/sample-city.domain';
import { TerritoryIndex } from '../territory/territory-index.domain';
import { type Territory } from '../territory/territory.domain';
import {
  type CatalogueContent,
  type ReferenceContent,
  type ReferenceKind,
  type TerritoryContent,
  type UnitsContent,
} from './reference-version.domain';

/** Seed of the sample city a fresh database is seeded with. */
export const SAMPLE_CITY_SEED = 12345;
/** Version label of the seeded sample city and of the units derived from it. */
export const SAMPLE_VERSION = `sample-${SAMPLE_CITY_SEED}`;

export type ReferenceVersions = Readonly<Record<ReferenceKind, string>>;

/**
 * What dispatch reads: the territory and its index, the unit directory and the dispatch catalogue,
 * each at the version in force. Immutable once built; a new version of any part means a new
 * ReferenceData (which keeps the other parts, and the territory index when the territory is the same).
 */
export class ReferenceData {
  readonly index: TerritoryIndex;
  readonly items: ReadonlyMap<string, CatalogueItem>;
  readonly versions: ReferenceVersions;

  constructor(
    readonly territory: Territory,
    readonly directory: UnitDirectory,
    readonly catalogue: Catalogue,
    versions: { territory: string; units: string },
    index?: TerritoryIndex,
  ) {
    this.index = index ?? new TerritoryIndex(territory);
    this.items = indexCatalogue(catalogue);
    this.versions = { ...versions, catalogue: catalogue.version };
  }

  /** The content of one kind at its version (what diffs and snapshots are made from). */
  content(kind: ReferenceKind): ReferenceContent {
    switch (kind) {
      case 'territory':
        return { kind, version: this.versions.territory, territory: this.territory };
      case 'units':
        return { kind, version: this.versions.units, units: [...this.directory.all()] };
      case 'catalogue':
        return { kind, version: this.versions.catalogue, catalogue: this.catalogue };
    }
  }

  /** A copy with one kind replaced. */
  with(content: ReferenceContent): ReferenceData {
    const versions = { territory: this.versions.territory, units: this.versions.units };
    switch (content.kind) {
      case 'territory':
        return new ReferenceData(content.territory, this.directory, this.catalogue, {
          ...versions,
          territory: content.version,
        });
      case 'units':
        return new ReferenceData(
          this.territory,
          new UnitDirectory(content.units),
          this.catalogue,
          { ...versions, units: content.version },
          this.index,
        );
      case 'catalogue':
        return new ReferenceData(this.territory, this.directory, content.catalogue, versions, this.index);
    }
  }

  /** Builds reference data from one content of each kind. */
  static of(territory: TerritoryContent, units: UnitsContent, catalogue: CatalogueContent): ReferenceData {
    return new ReferenceData(territory.territory, new UnitDirectory(units.units), catalogue.catalogue, {
      territory: territory.version,
      units: units.version,
    });
  }
}

/**
 * Holds the reference data in force. Readers call `current()` for each decision and keep no copy, so a
 * newly activated version takes effect at the next decision. ReferenceService loads it at boot and
 * replaces it when a version is activated here or by another instance.
 */
export class ReferenceStore {
  constructor(private data: ReferenceData) {}

  current(): ReferenceData {
    return this.data;
  }

  replace(next: ReferenceData): void {
    this.data = next;
  }
}

/** What a fresh database is seeded with, per kind (units from the territory in force). */
export const SEEDS = {
  territory: (): TerritoryContent => ({
    kind: 'territory',
    version: SAMPLE_VERSION,
    territory: generateSampleCity({ seed: SAMPLE_CITY_SEED }),
  }),
  units: (territory: TerritoryContent): UnitsContent => ({
    kind: 'units',
    version: territory.version,
    units: unitsOfTerritory(territory.territory),
  }),
  catalogue: (): CatalogueContent => ({
    kind: 'catalogue',
    version: CATALOGUE_2026_1.version,
    catalogue: CATALOGUE_2026_1,
  }),
};

/** The seeded reference data, in memory (benchmarks): the sample city, its units, catalogue 2026.1. */
export function sampleReferenceData(): ReferenceData {
  const territory = SEEDS.territory();
  return ReferenceData.of(territory, SEEDS.units(territory), SEEDS.catalogue());
}
