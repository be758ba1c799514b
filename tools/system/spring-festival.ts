// The Spring Festival 2026 scenario, on a stack whose time starts on Fri 2026-02-13 10:00 (Beijing),
// the day before the holiday: an admin puts a working-day policy for 供暖 matters in force; a
// heating ticket goes through intake and routing, and sla's reply deadline counts the 调休 make-up
// Saturdays (02-14 and 02-28) as working days and the holiday (02-15 … 02-23) as none. Played by
// the system tests on the dev broker and by the containers suite; not by `npm run demo`, whose
// stack runs on today's time and would keep the policy.
import assert from 'node:assert/strict';
import type { Caller, SystemClient } from './client.ts';
import type { Scenario } from './scenarios.ts';

/** DEV_CLOCK_START of the stack the scenario needs. */
export const SPRING_FESTIVAL_CLOCK_START = '2026-02-13T10:00:00+08:00';

const operator: Caller = { role: 'operator', sub: 'op-festival' };
const admin: Caller = { role: 'admin', sub: 'admin-festival' };
const manager: Caller = { role: 'manager', sub: 'manager-festival' };
type Json = Record<string, unknown>;

/** The scenario, bound to a stack started at SPRING_FESTIVAL_CLOCK_START. */
export function springFestivalScenario(system: SystemClient): Scenario {
  async function replyClock(street: string): Promise<Json> {
    const created = await system.until('the heating ticket to be accepted', async () => {
      const res = await system.http('intake', 'POST', '/tickets', operator, {
        requestType: 'complaint',
        categoryCode: 'utility.heating.fee',
        content: '供暖费已经交了，系统里还显示欠费，要求核实。',
        caller: { name: '李女士', phone: '13900139000' },
        location: { communityCode: `${street}001` },
        triage: { outcome: 'dispatch' },
      });
      return res.status === 201 ? res.body : undefined;
    });
    return system.until('the reply clock', async () => {
      const res = await system.http('sla', 'GET', `/clocks?ticketId=${String(created['id'])}`, manager);
      return ((res.body['items'] as Json[] | undefined) ?? []).find((c) => c['kind'] === 'reply');
    });
  }

  return {
    name: 'a working-day policy across Spring Festival 2026: 3 working days over the holiday and both make-up Saturdays',
    run: async () => {
      // The city's policy: 供暖 matters in 3 working days, the DB11/T table for the rest.
      const current = await system.http('sla', 'GET', '/policies/db11t-2023', admin);
      assert.equal(current.status, 200);
      const defaults =
        ((current.body['document'] as Json | undefined)?.['rules'] as Json[] | undefined) ?? [];
      const now = await system.http('sla', 'GET', '/dev/clock', admin);
      const added = await system.http('sla', 'POST', '/policies', admin, {
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
      const before = await replyClock('110101001');
      assert.partialDeepStrictEqual(before, {
        policyVersion: 'city-2026.1',
        ruleId: 'heating.workdays',
        scheduleId: 'workdays:cn',
        state: 'running',
        dueAt: '2026-02-25T16:00:00.000Z',
      });

      // Received Thu 02-26: Fri 27, Sat 28 (调休), Mon 03-02: due at the end of Mon 03-02.
      await system.advance(
        Date.parse('2026-02-26T10:00:00+08:00') -
          Date.parse(String((await system.http('sla', 'GET', '/dev/clock', admin)).body['now'])),
      );
      const after = await replyClock('110101002');
      assert.partialDeepStrictEqual(after, { ruleId: 'heating.workdays', dueAt: '2026-03-02T16:00:00.000Z' });
    },
  };
}
