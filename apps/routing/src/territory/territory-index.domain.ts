import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import { bboxOf } from './geometry.domain';
import { type Area, type AreaLevel, type Territory } from './territory.domain';

/** Where a point falls: one area per level. */
export interface Location {
  readonly grid: Area;
  readonly community: Area;
  readonly street: Area;
  readonly district: Area;
}

/** The resolved part of a location found without coordinates; `level` is the most specific one found. */
export interface CoarseLocation {
  readonly level: Extract<AreaLevel, 'district' | 'street' | 'community'>;
  readonly district: Area;
  readonly street?: Area;
  readonly community?: Area;
}

export interface AddressMatch extends CoarseLocation {
  /** 0..1: 1 = full names of the area and of every ancestor in the text, consistent with each other. */
  readonly confidence: number;
  /** The names (or names without their 社区/村/街道/镇/乡/区 suffix) found in the text. */
  readonly matched: readonly string[];
}

export interface CodesQuery {
  readonly districtCode?: string;
  readonly streetCode?: string;
  readonly communityCode?: string;
}

const SUFFIXES = ['社区', '街道', '村', '镇', '乡', '区'];

interface Alias {
  readonly text: string;
  readonly area: Area;
  /** The full name, suffix included. */
  readonly full: boolean;
}

interface Hit extends Alias {
  readonly start: number;
  readonly end: number;
}

/**
 * Locates requests in the territory: by coordinates (a Flatbush R-tree over grid bounding boxes, then exact
 * point-in-polygon), or without them by area codes or by the names in an address.
 */
export class TerritoryIndex {
  private readonly byCode = new Map<string, Area>();
  private readonly grids: Area[];
  private readonly tree: Flatbush | undefined;
  private readonly aliases: Alias[] = [];

  constructor(territory: Territory) {
    for (const area of territory.areas) this.byCode.set(area.code, area);
    this.grids = territory.areas.filter((a) => a.level === 'grid');
    if (this.grids.length > 0) {
      const tree = new Flatbush(this.grids.length);
      for (const grid of this.grids) {
        const [minLng, minLat, maxLng, maxLat] = bboxOf(grid.geometry);
        tree.add(minLng, minLat, maxLng, maxLat);
      }
      tree.finish();
      this.tree = tree;
    }
    for (const area of territory.areas) {
      if (area.level !== 'district' && area.level !== 'street' && area.level !== 'community') continue;
      this.aliases.push({ text: area.name, area, full: true });
      const suffix = SUFFIXES.find((s) => area.name.endsWith(s));
      const base = suffix === undefined ? area.name : area.name.slice(0, -suffix.length);
      if (base.length >= 2 && base !== area.name) this.aliases.push({ text: base, area, full: false });
    }
  }

  area(code: string): Area | undefined {
    return this.byCode.get(code);
  }

  /** Every grid whose closed polygon contains the point: more than one only on shared edges and vertices. */
  gridsAt(lng: number, lat: number): Area[] {
    if (this.tree === undefined) return [];
    const point = [lng, lat];
    return this.tree
      .search(lng, lat, lng, lat)
      .map((i) => this.grids[i])
      .filter((grid): grid is Area => grid !== undefined && booleanPointInPolygon(point, grid.geometry));
  }

  /**
   * The grid containing the point and its ancestors, or undefined outside the city. A point on an edge or
   * vertex shared by several grids goes to the one with the smallest code, so the answer never depends on
   * the order of the index.
   */
  locate(lng: number, lat: number): Location | undefined {
    let grid: Area | undefined;
    for (const candidate of this.gridsAt(lng, lat)) {
      if (grid === undefined || candidate.code < grid.code) grid = candidate;
    }
    if (grid === undefined) return undefined;
    const community = this.parentOf(grid);
    const street = community && this.parentOf(community);
    const district = street && this.parentOf(street);
    if (community === undefined || street === undefined || district === undefined) return undefined;
    return { grid, community, street, district };
  }

  /**
   * The most specific of the given codes that exists, with its ancestors. Undefined when none is known, or
   * when a less specific code contradicts a more specific one (a street outside the given district).
   */
  locateByCodes(query: CodesQuery): CoarseLocation | undefined {
    const community = this.known(query.communityCode, 'community');
    const street = this.known(query.streetCode, 'street');
    const district = this.known(query.districtCode, 'district');
    const deepest = community ?? street ?? district;
    if (deepest === undefined) return undefined;
    const found = this.chain(deepest);
    if (found === undefined) return undefined;
    if (street !== undefined && found.street?.code !== street.code) return undefined;
    if (district !== undefined && found.district.code !== district.code) return undefined;
    return found;
  }

  /**
   * Resolve an address by the community, street and district names in it. Longest names win (a match
   * inside a longer match is ignored); the most specific level wins; among equally specific candidates the
   * one agreeing with the most named ancestors wins. Ambiguity that remains falls back to the common
   * ancestor. Returns undefined when no name is found.
   */
  locateByAddress(text: string): AddressMatch | undefined {
    const address = text.replace(/\s+/g, '');
    const hits: Hit[] = [];
    for (const alias of this.aliases) {
      let start = address.indexOf(alias.text);
      while (start >= 0) {
        hits.push({ ...alias, start, end: start + alias.text.length });
        start = address.indexOf(alias.text, start + 1);
      }
    }
    hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const kept: Hit[] = [];
    for (const hit of hits) {
      const covered = kept.some(
        (k) =>
          k.start <= hit.start &&
          hit.end <= k.end &&
          (k.end - k.start > hit.end - hit.start || k.text !== hit.text),
      );
      if (!covered) kept.push(hit);
    }
    if (kept.length === 0) return undefined;

    const named = new Set(kept.map((h) => h.area.code));
    const score = (hit: Hit): number => {
      let s = hit.full ? 2 : 1;
      for (let p = this.parentOf(hit.area); p !== undefined && p.level !== 'city'; p = this.parentOf(p)) {
        if (named.has(p.code)) s += 4;
      }
      return s;
    };
    for (const level of ['community', 'street', 'district'] as const) {
      const atLevel = kept.filter((h) => h.area.level === level);
      if (atLevel.length === 0) continue;
      const best = Math.max(...atLevel.map(score));
      const winners = [
        ...new Map(atLevel.filter((h) => score(h) === best).map((h) => [h.area.code, h])).values(),
      ];
      const chosen =
        winners.length === 1 ? winners[0]?.area : this.commonAncestor(winners.map((w) => w.area));
      if (chosen === undefined) continue;
      const found = this.chain(chosen);
      if (found === undefined) continue;
      return {
        ...found,
        ...this.confidence(found, kept, winners.length > 1),
        matched: kept.map((h) => h.text),
      };
    }
    return undefined;
  }

  private confidence(
    found: CoarseLocation,
    kept: readonly Hit[],
    ambiguous: boolean,
  ): { confidence: number } {
    const chain = [found.community, found.street, found.district].filter((a): a is Area => a !== undefined);
    const own = kept.find((h) => h.area.code === chain[0]?.code);
    let confidence = own === undefined ? 0.4 : own.full ? 0.7 : 0.6;
    for (const ancestor of chain.slice(1)) {
      const hit = kept.find((h) => h.area.code === ancestor.code);
      if (hit !== undefined) confidence += hit.full ? 0.15 : 0.1;
    }
    // A named area of the same level that is not on the chosen chain contradicts the choice.
    const contradicted = kept.some(
      (h) => !chain.some((a) => a.code === h.area.code) && chain.some((a) => a.level === h.area.level),
    );
    if (contradicted) confidence -= 0.2;
    if (ambiguous) confidence -= 0.2;
    return { confidence: Math.round(Math.min(1, Math.max(0.05, confidence)) * 100) / 100 };
  }

  private known(code: string | undefined, level: AreaLevel): Area | undefined {
    const area = code === undefined ? undefined : this.byCode.get(code);
    return area?.level === level ? area : undefined;
  }

  private parentOf(area: Area): Area | undefined {
    return area.parentCode === null ? undefined : this.byCode.get(area.parentCode);
  }

  private chain(area: Area): CoarseLocation | undefined {
    switch (area.level) {
      case 'district':
        return { level: 'district', district: area };
      case 'street': {
        const district = this.parentOf(area);
        return district && { level: 'street', district, street: area };
      }
      case 'community': {
        const street = this.parentOf(area);
        const district = street && this.parentOf(street);
        return street && district && { level: 'community', district, street, community: area };
      }
      case 'city':
      case 'grid':
        return undefined;
    }
  }

  /** The deepest district/street/community that contains all the given areas. */
  private commonAncestor(areas: readonly Area[]): Area | undefined {
    const lines = areas.map((a) => {
      const line: Area[] = [];
      for (let p: Area | undefined = a; p !== undefined; p = this.parentOf(p)) line.unshift(p);
      return line;
    });
    let common: Area | undefined;
    for (let depth = 0; ; depth++) {
      const at = lines.map((l) => l[depth]);
      const first = at[0];
      if (first === undefined || at.some((a) => a?.code !== first.code)) break;
      common = first;
    }
    return common?.level === 'city' ? undefined : common;
  }
}
