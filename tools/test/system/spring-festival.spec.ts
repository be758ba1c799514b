// System scenario on a stack whose time starts on Fri 2026-02-13 10:00 (Beijing), the day before
// Spring Festival 2026: an admin puts a working-day policy for 供暖 matters in force; a heating
// ticket goes through intake and routing, and sla's reply deadline counts the 调休 make-up
// Saturdays (02-14 and 02-28) as working days and the holiday (02-15 … 02-23) as none.
import assert from 'node:assert/strict';
import type { Caller } from '../../system/client.ts';
import { startSystem, type SystemStack } from './system-stack.ts';

const operator: Caller = { role: 'operator', sub: 'op-festival' };
const admin: Caller = { role: 'admin', sub: 'admin-festival' };
const manager: Caller = { role: 'manager', sub: 'manager-festival' };
type Json = Record<string, unknown>;

describe('system: a working-day policy across Spring Festival 2026', () => {
  let system: SystemStack | undefined;

  beforeAll(async () => {
    system = await startSystem({ DEV_CLOCK_START: '2026-02-13T10:00:00+08:00' });
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  async function replyClock(s: SystemStack, street: string): Promise<Json> {
    const created = await s.until('the heating ticket to be accepted', async () => {
      const res = await s.http('intake', 'POST', '/tickets', operator, {
        requestType: 'complaint',
        categoryCode: 'utility.heating.fee',
        content: '供暖费已经交了，系统里还显示欠费，要求核实。',
        caller: { name: '李女士', phone: '13900139000' },
        location: { communityCode: `${street}001` },
        triage: { outcome: 'dispatch' },
      });
      return res.status === 201 ? res.body : undefined;
    });
    return s.until('the reply clock', async () => {
      const res = await s.http('sla', 'GET', `/clocks?ticketId=${String(created['id'])}`, manager);
      return ((res.body['items'] as Json[] | undefined) ?? []).find((c) => c['kind'] === 'reply');
    });
  }

  it('counts 3 working days over the holiday and both make-up Saturdays', async () => {
    const s = system;
    if (!s) throw new Error('the system did not start');
    // The city's policy: 供暖 matters in 3 working days, the DB11/T table for the rest.
    const current = await s.http('sla', 'GET', '/policies/db11t-2023', admin);
    assert.equal(current.status, 200);
    const defaults = ((current.body['document'] as Json | undefined)?.['rules'] as Json[] | undefined) ?? [];
    const now = await s.http('sla', 'GET', '/dev/clock', admin);
    const added = await s.http('sla', 'POST', '/policies', admin, {
      version: 'city-2026.1',
      description: '供暖诉求 3 个工作日内办结（按工作日计）',
      effectiveFrom: now.body['now'],
      document: {
        warnings: [0.5, 0.75],
        rules: [
          {
            id: 'heating.workdays',
            match: { categories: ['utility.heating.*'] },
            schedule: 'workdays:cn',
            targets: {
              dispatch: { unit: 'minutes', value: 120 },
              'sign-in': { unit: 'minutes', value: 120 },
              response: { unit: 'minutes', value: 1440 },
              reply: { unit: 'working-days', value: 3 },
              callback: { unit: 'working-days', value: 2 },
            },
          },
          ...defaults,
        ],
      },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));

    // Received Fri 02-13: Sat 02-14 (调休) is a working day, 02-15 … 02-23 春节, then Tue 24 and
    // Wed 25: due at the end of Wed 02-25 (Thu 00:00 Beijing).
    const before = await replyClock(s, '110101001');
    assert.partialDeepStrictEqual(before, {
      policyVersion: 'city-2026.1',
      ruleId: 'heating.workdays',
      scheduleId: 'workdays:cn',
      state: 'running',
      dueAt: '2026-02-25T16:00:00.000Z',
    });

    // Received Thu 02-26: Fri 27, Sat 28 (调休), Mon 03-02: due at the end of Mon 03-02.
    await s.advance(
      Date.parse('2026-02-26T10:00:00+08:00') -
        Date.parse(String((await s.http('sla', 'GET', '/dev/clock', admin)).body['now'])),
    );
    const after = await replyClock(s, '110101002');
    assert.partialDeepStrictEqual(after, { ruleId: 'heating.workdays', dueAt: '2026-03-02T16:00:00.000Z' });
  }, 120_000);
});
