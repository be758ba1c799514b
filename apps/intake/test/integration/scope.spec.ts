import { randomUUID } from 'node:crypto';
import { ticketDispatchedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { AREAS, seedReference, UNITS } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const operator: TokenClaims = { sub: 'operator-scope', role: 'operator' };
const cityManager: TokenClaims = { sub: 'mgr-city', role: 'manager' };
const chaoyang: TokenClaims = { sub: 'mgr-chaoyang', role: 'manager', district: AREAS.district.code };
const haidian: TokenClaims = { sub: 'mgr-haidian', role: 'manager', district: '110108' };
const anzhen: TokenClaims = { sub: 'mgr-anzhen', role: 'manager', street: AREAS.anzhen.code };
const department: TokenClaims = { sub: 'mgr-cg', role: 'manager', unit: UNITS.chengguan.id };

type Json = Record<string, unknown>;

// A manager sees the tickets of their scope only: district, street, or the department leading them.
describe('intake: a manager’s scope', () => {
  let h: IntakeHarness;
  let inAnzhen: string;
  let inHepingli: string;

  beforeAll(async () => {
    h = await startIntakeHarness();
    await seedReference(h);
    const create = async (streetCode: string): Promise<string> => {
      const res = await h.http('POST', '/tickets', operator, {
        requestType: 'complaint',
        categoryCode: 'city.facility.streetlight',
        content: '小区门口的路灯坏了，晚上很黑。',
        location: { districtCode: AREAS.district.code, streetCode },
        triage: { outcome: 'dispatch' },
      });
      expect(res.status).toBe(201);
      return res.body['id'] as string;
    };
    inAnzhen = await create(AREAS.anzhen.code);
    inHepingli = await create(AREAS.hepingli.code);
    // Routing made the city-management department lead the 和平街 ticket.
    const event = ticketDispatchedV1.schema.parse({
      ticketId: inHepingli,
      assignments: [{ assignmentId: randomUUID(), unitId: UNITS.chengguan.id, role: 'lead' }],
      rule: 'catalogue:city.facility.streetlight',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: new Date().toISOString(),
    });
    await h.processed(await h.produce('ticket.dispatched.v1', inHepingli, event));
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  const found = async (who: TokenClaims): Promise<string[]> => {
    const res = await h.http('GET', '/tickets?pageSize=100', who);
    expect(res.status).toBe(200);
    return ((res.body['items'] as Json[]) ?? [])
      .map((t) => t['id'] as string)
      .filter((id) => id === inAnzhen || id === inHepingli)
      .sort();
  };

  it('narrows searches to the district, the street, or the tickets the department leads', async () => {
    expect(await found(cityManager)).toEqual([inAnzhen, inHepingli].sort());
    expect(await found(chaoyang)).toEqual([inAnzhen, inHepingli].sort());
    expect(await found(haidian)).toEqual([]);
    expect(await found(anzhen)).toEqual([inAnzhen]);
    expect(await found(department)).toEqual([inHepingli]);
  });

  it('hides a ticket outside the scope (404) and refuses asking for another area (403 with the field)', async () => {
    expect((await h.http('GET', `/tickets/${inAnzhen}`, anzhen)).status).toBe(200);
    expect((await h.http('GET', `/tickets/${inHepingli}`, anzhen)).status).toBe(404);
    expect((await h.http('GET', `/tickets/${inAnzhen}`, haidian)).status).toBe(404);
    expect((await h.http('GET', `/tickets/${inHepingli}`, department)).status).toBe(200);

    const other = await h.http('GET', `/tickets?districtCode=${AREAS.district.code}`, haidian);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({
      code: 'SCOPE.OUT_OF_SCOPE',
      errors: [{ field: 'districtCode', code: 'out_of_scope' }],
    });
    const street = await h.http('GET', `/tickets?streetCode=${AREAS.hepingli.code}`, anzhen);
    expect(street).toMatchObject({ status: 403, body: { code: 'SCOPE.OUT_OF_SCOPE' } });
  });
});
