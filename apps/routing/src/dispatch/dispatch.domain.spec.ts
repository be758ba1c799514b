import { ticketDispatchedV1 } from '@jsjb/contracts';
import { type CatalogueItem, indexCatalogue } from '../catalogue/catalogue.domain';
import { CATALOGUE_2026_1 } from '../catalogue/data/catalogue-2026.1';
import {
  decideDispatch,
  type DispatchDecision,
  type DispatchLocation,
  type DispatchOutcome,
  toAssignments,
} from './dispatch.domain';
import { sampleUnitDirectory, sampleUnits } from './sample-units';
import { UnitDirectory, UnitDirectoryError } from './units.domain';

const directory = sampleUnitDirectory();
const catalogue = indexCatalogue(CATALOGUE_2026_1);
const version = CATALOGUE_2026_1.version;

function item(code: string): CatalogueItem {
  const found = catalogue.get(code);
  if (!found) throw new Error(`no catalogue item ${code}`);
  return found;
}

/** A location resolved to a grid of a street, with high confidence. */
function atStreet(streetCode: string, overrides: Partial<DispatchLocation> = {}): DispatchLocation {
  return {
    districtCode: streetCode.slice(0, 6),
    streetCode,
    communityCode: `${streetCode}001`,
    gridCode: `${streetCode}001G01`,
    resolvedLevel: 'grid',
    confidence: 0.95,
    ...overrides,
  };
}

function atDistrict(districtCode: string): DispatchLocation {
  return { districtCode, resolvedLevel: 'district', confidence: 0.9 };
}

function sut(code: string | undefined, location: DispatchLocation, minConfidence?: number): DispatchOutcome {
  return decideDispatch({
    item: code === undefined ? undefined : item(code),
    location,
    directory,
    catalogueVersion: version,
    ...(minConfidence === undefined ? {} : { options: { minConfidence } }),
  });
}

function dispatched(outcome: DispatchOutcome): DispatchDecision {
  if (outcome.kind !== 'dispatch') throw new Error(`expected a dispatch, got manual: ${outcome.detail}`);
  return outcome;
}

describe('decideDispatch', () => {
  describe('territorial (属地)', () => {
    it('sends the order to the street, copied to its district government, with co-handling departments', () => {
      expect(sut('urban.illegal.building', atStreet('110105001'))).toEqual({
        kind: 'dispatch',
        lead: { unitId: 'street-110105001', role: 'lead' },
        coHandlers: [
          { unitId: 'dept-110105-urban-enforcement', role: 'co' },
          { unitId: 'dept-110105-planning', role: 'co' },
        ],
        copies: [{ unitId: 'gov-110105', role: 'copy' }],
        rule: 'territorial:street 110105001',
        fallback: false,
        catalogueVersion: '2026.1',
      });
    });

    it('takes co-handlers from the city where the district has no such department', () => {
      const decision = dispatched(sut('urban.housing.group-rental', atStreet('110102003')));
      expect(decision.lead.unitId).toBe('street-110102003');
      expect(decision.coHandlers.map((c) => c.unitId)).toEqual([
        'dept-110102-housing',
        'dept-110102-public-security',
      ]);
      const fire = dispatched(sut('police.fire.passage', atStreet('110102003')));
      expect(fire.coHandlers.map((c) => c.unitId)).toEqual(['city-fire-rescue']);
    });

    it('falls back to the district government (兜底) when the street has no unit', () => {
      const decision = dispatched(sut('ecology.noise.living', atStreet('110101099')));
      expect(decision).toMatchObject({
        lead: { unitId: 'gov-110101', role: 'lead' },
        copies: [],
        fallback: true,
        rule: 'district:110101 (兜底: no street unit for 110101099)',
      });
    });

    it('goes to the manual queue when the location resolved only to the district', () => {
      expect(sut('ecology.noise.living', atDistrict('110105'))).toMatchObject({
        kind: 'manual',
        reason: 'location-too-coarse',
      });
    });

    it('finds the district from the street unit when the locator gave only the street', () => {
      const location: DispatchLocation = {
        streetCode: '110101002',
        resolvedLevel: 'street',
        confidence: 0.8,
      };
      const decision = dispatched(sut('city.order.street-vending', location));
      expect(decision.copies).toEqual([{ unitId: 'gov-110101', role: 'copy' }]);
      expect(decision.coHandlers).toEqual([{ unitId: 'dept-110101-urban-enforcement', role: 'co' }]);
    });
  });

  describe('department (行业)', () => {
    it('sends a district-level matter to the district bureau, with no copy', () => {
      expect(dispatched(sut('labour.relations.migrant-wages', atStreet('110105010')))).toMatchObject({
        lead: { unitId: 'dept-110105-human-resources', role: 'lead' },
        coHandlers: [{ unitId: 'dept-110105-housing', role: 'co' }],
        copies: [],
        rule: 'department:district 110105 human-resources',
        fallback: false,
      });
    });

    it('sends a city-level matter to the city bureau whatever the location, even an unsure one', () => {
      const unsure: DispatchLocation = { resolvedLevel: 'none', confidence: 0.1 };
      expect(dispatched(sut('transport.facility.signal-fault', unsure))).toMatchObject({
        lead: { unitId: 'city-traffic-police', role: 'lead' },
        rule: 'department:city traffic-police',
      });
    });

    it('uses the city bureau where the district has none of the sector', () => {
      expect(dispatched(sut('market.food.expired', atStreet('110102001')))).toMatchObject({
        lead: { unitId: 'city-market-regulation', role: 'lead' },
        rule: 'department:city market-regulation (no market-regulation in 110102)',
      });
    });

    it('never pushes a department matter down to a street, for any item or place', () => {
      const places = [
        atStreet('110101001'),
        atStreet('110102003'),
        atStreet('110105099'),
        atDistrict('110102'),
      ];
      const departmentItems = CATALOGUE_2026_1.items.filter((i) => i.rule.kind === 'department');
      expect(departmentItems.length).toBeGreaterThan(60);
      for (const departmentItem of departmentItems) {
        for (const location of places) {
          const outcome = decideDispatch({
            item: departmentItem,
            location,
            directory,
            catalogueVersion: version,
          });
          const lead = dispatched(outcome).lead.unitId;
          expect(directory.unit(lead)?.kind).toBe('department');
        }
      }
    });

    it('falls back to the district government when no department of the sector exists', () => {
      const bare = new UnitDirectory(sampleUnits().filter((u) => u.kind !== 'department'));
      const outcome = decideDispatch({
        item: item('market.food.expired'),
        location: atStreet('110105001'),
        directory: bare,
        catalogueVersion: version,
      });
      expect(dispatched(outcome)).toMatchObject({
        lead: { unitId: 'gov-110105' },
        fallback: true,
        copies: [],
      });
    });
  });

  describe('utility (水电气热)', () => {
    it('sends the order to the company serving the district', () => {
      expect(dispatched(sut('utility.water.outage', atStreet('110102001')))).toMatchObject({
        lead: { unitId: 'util-water', role: 'lead' },
        coHandlers: [{ unitId: 'city-water-affairs', role: 'co' }],
        copies: [],
        rule: 'utility:water 110102001',
      });
    });

    it('prefers a company serving the very street', () => {
      expect(dispatched(sut('utility.heating.cold', atStreet('110101001'))).lead.unitId).toBe(
        'util-heating-dhm',
      );
      expect(dispatched(sut('utility.heating.cold', atStreet('110101002'))).lead.unitId).toBe(
        'util-heating-city',
      );
      expect(dispatched(sut('utility.heating.cold', atDistrict('110105'))).lead.unitId).toBe(
        'util-heating-city',
      );
    });

    it('falls back to the district government where no company serves the place', () => {
      expect(dispatched(sut('utility.heating.outage', atStreet('110102003')))).toMatchObject({
        lead: { unitId: 'gov-110102' },
        fallback: true,
      });
    });
  });

  describe('district (兜底)', () => {
    it('sends the order to the district government', () => {
      expect(dispatched(sut('community.governance.other', atDistrict('110102')))).toMatchObject({
        lead: { unitId: 'gov-110102', role: 'lead' },
        coHandlers: [],
        copies: [],
        rule: 'district:110102',
        fallback: false,
      });
    });

    it('adds co-handling departments to a district-led matter', () => {
      const decision = dispatched(sut('planning.plan.facilities', atStreet('110101003')));
      expect(decision.coHandlers.map((c) => c.unitId)).toEqual([
        'dept-110101-planning',
        'dept-110101-housing',
      ]);
    });
  });

  describe('manual queue (人工派单)', () => {
    it('takes an unknown category', () => {
      expect(sut(undefined, atStreet('110105001'))).toEqual({
        kind: 'manual',
        reason: 'unknown-category',
        detail: 'the category is not in the dispatch catalogue',
        catalogueVersion: '2026.1',
      });
    });

    it('takes a location-dependent matter below the confidence threshold (default 0.6, configurable)', () => {
      expect(sut('ecology.noise.living', atStreet('110105001', { confidence: 0.59 }))).toMatchObject({
        kind: 'manual',
        reason: 'low-confidence',
      });
      expect(sut('utility.power.outage', atStreet('110105001', { confidence: 0.6 })).kind).toBe('dispatch');
      expect(sut('utility.power.outage', atStreet('110105001', { confidence: 0.7 }), 0.8)).toMatchObject({
        kind: 'manual',
        reason: 'low-confidence',
      });
      expect(sut('utility.power.outage', atStreet('110105001', { confidence: Number.NaN })).kind).toBe(
        'manual',
      );
    });

    it('takes a district matter of a place without a known district', () => {
      const nowhere: DispatchLocation = { resolvedLevel: 'none', confidence: 0.9 };
      expect(sut('community.governance.other', nowhere)).toMatchObject({ reason: 'location-too-coarse' });
      expect(sut('labour.relations.contract', nowhere)).toMatchObject({ reason: 'location-too-coarse' });
      expect(sut('utility.gas.leak', nowhere)).toMatchObject({ reason: 'location-too-coarse' });
      expect(sut('community.governance.other', atDistrict('110199'))).toMatchObject({
        reason: 'no-responsible-unit',
      });
    });
  });

  it('maps to the assignments of ticket.dispatched.v1, lead first', () => {
    const decision = dispatched(sut('urban.illegal.building', atStreet('110101003')));
    let n = 0;
    const assignments = toAssignments(decision, () => `asg-${++n}`);
    expect(assignments.map((a) => [a.unitId, a.role])).toEqual([
      ['street-110101003', 'lead'],
      ['dept-110101-urban-enforcement', 'co'],
      ['dept-110101-planning', 'co'],
      ['gov-110101', 'copy'],
    ]);
    const payload = {
      ticketId: 't-1',
      assignments,
      rule: decision.rule,
      catalogVersion: decision.catalogueVersion,
      dispatchedAt: '2026-03-01T08:00:00+08:00',
    };
    // A producer that says nothing of 紧急工单 or cycles gets the defaults: not urgent-after-hours, cycle 1.
    expect(ticketDispatchedV1.schema.parse(payload)).toEqual({
      ...payload,
      assignments: assignments.map((a) => ({ ...a, emergency: false, onDutyStaffId: null })),
      cycle: 1,
    });
  });
});

describe('UnitDirectory', () => {
  it('refuses two units with one id or one jurisdiction', () => {
    const gov = { kind: 'district-government', id: 'g', name: '区政府', districtCode: '110101' } as const;
    expect(() => new UnitDirectory([gov, { ...gov }])).toThrow(UnitDirectoryError);
    expect(() => new UnitDirectory([gov, { ...gov, id: 'g2' }])).toThrow(/both claim district 110101/);
    const street = {
      kind: 'street',
      id: 's',
      name: '街道',
      streetCode: '110101001',
      districtCode: '110101',
    } as const;
    expect(() => new UnitDirectory([street, { ...street, id: 's2' }])).toThrow(/both claim street 110101001/);
  });

  it('looks units up by jurisdiction', () => {
    expect(directory.street('110105010')?.name).toBe('望京街道');
    expect(directory.districtGovernment('110102')?.id).toBe('gov-110102');
    expect(directory.department('education', '110102')?.id).toBe('dept-110102-education');
    expect(directory.department('education')?.id).toBe('city-education');
    expect(directory.department('tax', '110102')).toBeUndefined();
    expect(directory.utility('gas', { streetCode: '110105001', districtCode: '110105' })?.id).toBe(
      'util-gas',
    );
    expect(directory.utility('heating', { districtCode: '110102' })).toBeUndefined();
  });
});
