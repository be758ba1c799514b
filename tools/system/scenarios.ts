// The system scenarios, played through the three services' HTTP APIs against a running stack: by
// the system tests (tools/test/system, a stack of their own) and by `npm run demo` (the stack
// `npm start` runs). Each uses its own street; time moves forward for all of them through the
// development clock control, so months and deadlines are read from the services' own times.
import assert from 'node:assert/strict';
import type { Caller, Reply, SystemClient } from './client.ts';

const NOISE = '楼下广场舞每天晚上十点以后还在放音乐，音响声音很大，影响休息。';
const NOISE_AGAIN = '楼下广场舞每天晚上十点以后还在放音乐，音响声音太大了，影响休息。';

const DAY = 24 * 3600_000;

const operator: Caller = { role: 'operator', sub: 'op-system' };
const dispatcher: Caller = { role: 'dispatcher', sub: 'dispatcher-system' };
const staffOf = (unit: string): Caller => ({ role: 'unit_staff', sub: `staff-${unit}`, unit });
const agent: Caller = { role: 'callback_agent', sub: 'agent-system' };
const manager: Caller = { role: 'manager', sub: 'manager-system' };

type Json = Record<string, unknown>;
const items = (reply: Reply): Json[] => (reply.body['items'] as Json[] | undefined) ?? [];
/** The city's (UTC+8) month of an instant the services gave. */
const cityMonth = (iso: unknown): string =>
  new Date(Date.parse(String(iso)) + 8 * 3600_000).toISOString().slice(0, 7);

/** Jest-like checks on node:assert, so the scenarios run in tests and in the demo alike. */
function expectThat(actual: unknown) {
  return {
    toBe: (expected: unknown) => assert.equal(actual, expected),
    toEqual: (expected: unknown) => assert.deepEqual(actual, expected),
    toMatchObject: (expected: object) => assert.partialDeepStrictEqual(actual, expected),
    toBeGreaterThan: (n: number) =>
      assert.ok(typeof actual === 'number' && actual > n, `${String(actual)} > ${n}`),
  };
}

export interface Scenario {
  name: string;
  run(): Promise<void>;
}

/** The scenarios, bound to a stack. */
export function scenarios(system: SystemClient): Scenario[] {
  /** 受理 of a call about noise in a community of `street`, once intake has routing's territory. */
  async function call(street: string, phone: string, content = NOISE): Promise<Json> {
    return system.until('the hotline ticket to be accepted', async () => {
      const res = await system.http('intake', 'POST', '/tickets', operator, {
        requestType: 'complaint',
        categoryCode: 'ecology.noise.living',
        content,
        caller: { name: '张先生', phone },
        location: { communityCode: `${street}001`, address: '小区3号楼前空地' },
        triage: { outcome: 'dispatch' },
      });
      return res.status === 201 ? res.body : undefined;
    });
  }

  /** The lead assignment routing made for a ticket, as the street sees it in its inbox. */
  function leadOf(street: string, ticketId: string): Promise<Json> {
    return system.until(`the assignment of street ${street}`, async () =>
      items(await system.http('routing', 'GET', '/assignments', staffOf(`street-${street}`))).find(
        (a) => a['ticketId'] === ticketId,
      ),
    );
  }

  /** The street signs, reaches the resident and replies `resolved`. */
  async function handle(assignment: string, staff: Caller): Promise<void> {
    expectThat((await system.http('routing', 'POST', `/assignments/${assignment}/sign`, staff)).status).toBe(
      200,
    );
    const contact = await system.http('routing', 'POST', `/assignments/${assignment}/contacts`, staff, {
      method: 'phone',
      result: 'reached',
    });
    expectThat(contact.status).toBe(201);
    const reply = await system.http('routing', 'POST', `/assignments/${assignment}/reply`, staff, {
      result: 'resolved',
      content: '已到现场处理，并向诉求人说明情况。',
    });
    expectThat(reply).toMatchObject({ status: 200, body: { status: 'replied' } });
  }

  /** sla's 双考核 figures of a month, with readers that count a missing unit as 0. */
  async function whistleFigures(month: string) {
    const res = await system.http('sla', 'GET', `/assessment/whistles?month=${month}`, manager);
    const summoned = (res.body['summoned'] as Json[] | undefined) ?? [];
    const streets = (res.body['streets'] as Json[] | undefined) ?? [];
    const count = (rows: Json[], unitId: string, field: string): number =>
      Number(rows.find((u) => u['unitId'] === unitId)?.[field] ?? 0);
    return {
      body: res.body,
      onTime: (unitId: string) => count(summoned, unitId, 'onTime'),
      late: (unitId: string) => count(summoned, unitId, 'late'),
      street: (unitId: string, field: string) => count(streets, unitId, field),
    };
  }

  return [
    {
      name: 'a hotline call: dispatched to the street with a district copy, replied, 回访 satisfied, counted',
      run: async () => {
        const STREET = '110102001';
        const streetUnit = `street-${STREET}`;
        const streetStaff = staffOf(streetUnit);
        const districtGovernment = `gov-${STREET.slice(0, 6)}`;
        const created = await call(STREET, '13800138000');
        const ticketId = created['id'] as string;
        const month = cityMonth(created['createdAt']);

        // Automatic dispatch: the street leads, the district government gets a copy.
        const lead = await leadOf(STREET, ticketId);
        expectThat(lead).toMatchObject({ role: 'lead', status: 'dispatched' });
        const copies = await system.http(
          'routing',
          'GET',
          `/assignments?unitId=${districtGovernment}&role=copy&status=copied`,
          dispatcher,
        );
        expectThat(items(copies).some((a) => a['ticketId'] === ticketId)).toBe(true);

        // The street: 签收, first contact, 办结 reply.
        const assignment = lead['id'] as string;
        expectThat(
          (await system.http('routing', 'POST', `/assignments/${assignment}/sign`, streetStaff)).status,
        ).toBe(200);
        const contact = await system.http(
          'routing',
          'POST',
          `/assignments/${assignment}/contacts`,
          streetStaff,
          {
            method: 'phone',
            result: 'reached',
            note: '已与诉求人电话沟通，约定晚上到现场查看',
          },
        );
        expectThat(contact.status).toBe(201);
        const reply = await system.http('routing', 'POST', `/assignments/${assignment}/reply`, streetStaff, {
          result: 'resolved',
          content: '已与广场舞队协商，活动时间调整为晚上九点前结束，音响音量调低。',
        });
        expectThat(reply).toMatchObject({ status: 200, body: { status: 'replied' } });

        // The resident-facing timeline in intake follows routing's events.
        await system.until('the reply on intake’s timeline', async () => {
          const view = await system.http('intake', 'GET', `/tickets/${ticketId}`, operator);
          const kinds = ((view.body['timeline'] as Json[] | undefined) ?? []).map((e) => e['kind']);
          return kinds.includes('replied') ? kinds : undefined;
        });

        // Past the reply deadline (7 days for a general matter) sla opens the 回访.
        await system.advance(8 * DAY);
        const task = await system.until(
          'the 回访 task',
          async () => items(await system.http('sla', 'GET', `/callbacks?ticketId=${ticketId}`, agent))[0],
        );
        const taskId = task['id'] as string;
        expectThat((await system.http('sla', 'POST', `/callbacks/${taskId}/claim`, agent)).status).toBe(200);
        const answer = await system.http('sla', 'POST', `/callbacks/${taskId}/answers`, agent, {
          contacted: true,
          resolved: true,
          satisfaction: 'satisfied',
          comment: '现在晚上安静多了，谢谢。',
        });
        expectThat(answer.status).toBe(201);

        // The rating reaches intake's timeline, and the street's rates count the order.
        await system.until('the rating on intake’s timeline', async () => {
          const view = await system.http('intake', 'GET', `/tickets/${ticketId}`, operator);
          const kinds = ((view.body['timeline'] as Json[] | undefined) ?? []).map((e) => e['kind']);
          return kinds.includes('rated') ? kinds : undefined;
        });
        const rates = await system.until('the street’s rates', async () => {
          const res = await system.http(
            'sla',
            'GET',
            `/assessment/rates?month=${month}&unitClass=street`,
            manager,
          );
          const row = ((res.body['units'] as Json[] | undefined) ?? []).find(
            (u) => u['unitId'] === streetUnit,
          );
          return row && row['satisfactionRate'] !== null && row['satisfactionRate'] !== undefined
            ? row
            : undefined;
        });
        expectThat(rates).toMatchObject({ responseRate: 1, resolutionRate: 1, satisfactionRate: 1 });
      },
    },
    {
      name: 'an unsigned order: 催办 at 50 % and 75 % of the sign-in limit, 督办 at the breach to the district',
      run: async () => {
        const STREET = '110103001';
        const created = await call(STREET, '13800138001');
        const ticketId = created['id'] as string;
        await leadOf(STREET, ticketId);
        const signIn = (): Promise<Json> =>
          system.until('the sign-in clock', async () =>
            items(await system.http('sla', 'GET', `/clocks?ticketId=${ticketId}`, manager)).find(
              (c) => c['kind'] === 'sign-in' && c['unitId'] === `street-${STREET}`,
            ),
          );
        const clock = await signIn();
        expectThat(clock).toMatchObject({
          state: 'running',
          warned: [],
          breached: false,
          warnings: [0.5, 0.75],
        });
        const span = Date.parse(String(clock['dueAt'])) - Date.parse(String(clock['startedAt']));
        const warnedAt = async (levels: number[]): Promise<Json> =>
          system.until(`催办 at ${levels.map((l) => l * 100).join(' and ')} %`, async () => {
            const now = await signIn();
            return JSON.stringify(now['warned']) === JSON.stringify(levels) ? now : undefined;
          });

        await system.advance(Math.ceil(span * 0.55));
        await warnedAt([0.5]);
        await system.advance(Math.ceil(span * 0.25));
        await warnedAt([0.5, 0.75]);
        await system.advance(Math.ceil(span * 0.25));
        const breached = await system.until('督办 at the breach', async () => {
          const now = await signIn();
          return now['dueHandledAt'] ? now : undefined;
        });
        expectThat(breached).toMatchObject({
          breached: true,
          everBreached: true,
          escalationUnitId: `street-${STREET}`,
          headUnitId: `gov-${STREET.slice(0, 6)}`,
        });
        const overdue = await system.http('sla', 'GET', `/deadlines/overdue?kind=sign-in&limit=100`, manager);
        expectThat(items(overdue).some((c) => c['ticketId'] === ticketId)).toBe(true);
      },
    },
    {
      name: 'a repeated call is merged into the first one and never dispatched itself',
      run: async () => {
        const STREET = '110104001';
        const master = await call(STREET, '13800138002');
        const repeat = await system.until('the repeated call', async () => {
          const res = await system.http('intake', 'POST', '/tickets', operator, {
            requestType: 'complaint',
            categoryCode: 'ecology.noise.living',
            content: NOISE_AGAIN,
            caller: { name: '张先生', phone: '13800138002' },
            location: { communityCode: `${STREET}001` },
          });
          return res.status === 201 ? res.body : undefined;
        });
        expectThat(repeat).toMatchObject({
          status: 'pending',
          duplicateOf: { ticketId: master['id'], reason: 'same-caller' },
        });
        const suggestion = await system.until('the duplicate suggestion', async () =>
          items(
            await system.http('intake', 'GET', '/duplicate-suggestions?status=open&pageSize=100', operator),
          ).find((s) => (s['ticket'] as Json | undefined)?.['id'] === repeat['id']),
        );
        const merged = await system.http(
          'intake',
          'POST',
          `/duplicate-suggestions/${String(suggestion['id'])}/merge`,
          operator,
        );
        expectThat(merged).toMatchObject({
          status: 200,
          body: { status: 'merged', ticket: { status: 'merged' } },
        });

        // Routing dispatched the master only; sla runs the master's clocks and none for the merged call.
        await leadOf(STREET, master['id'] as string);
        const inbox = await system.http(
          'routing',
          'GET',
          '/assignments?status=dispatched,signed,copied',
          staffOf(`street-${STREET}`),
        );
        const inInbox = items(inbox).map((a) => a['ticketId']);
        expectThat(inInbox.includes(master['id']) && !inInbox.includes(repeat['id'])).toBe(true);
        await system.until('the master’s resident clock', async () =>
          items(await system.http('sla', 'GET', `/clocks?ticketId=${String(master['id'])}`, manager)).find(
            (c) => c['kind'] === 'resident',
          ),
        );
        expectThat(
          items(await system.http('sla', 'GET', `/clocks?ticketId=${String(repeat['id'])}`, manager)),
        ).toEqual([]);
        const view = await system.http('intake', 'GET', `/tickets/${String(repeat['id'])}`, operator);
        expectThat(view.body).toMatchObject({ status: 'merged' });
      },
    },
    {
      name: '退单 → the dispatcher approves → 改派 to the district department, which replies',
      run: async () => {
        const STREET = '110105001';
        const district = STREET.slice(0, 6);
        const created = await call(STREET, '13800138003', '楼下商铺每天用大喇叭叫卖，噪音很大。');
        const ticketId = created['id'] as string;
        const lead = await leadOf(STREET, ticketId);
        const returned = await system.http(
          'routing',
          'POST',
          `/assignments/${String(lead['id'])}/return`,
          staffOf(`street-${STREET}`),
          { reason: 'not-our-duty', note: '商业经营噪声属区城管执法局职责' },
        );
        expectThat(returned).toMatchObject({ status: 200, body: { status: 'disputed' } });

        const units = await system.http(
          'routing',
          'GET',
          `/reference/units?kind=department&districtCode=${district}`,
          dispatcher,
        );
        const enforcement = ((units.body['units'] as Json[] | undefined) ?? []).find(
          (u) => u['sector'] === 'urban-enforcement',
        );
        if (!enforcement) throw new Error(`no urban-enforcement department in district ${district}`);
        const decided = await system.http(
          'routing',
          'POST',
          `/disputes/${String(returned.body['disputeId'])}/decision`,
          dispatcher,
          {
            decision: 'approved',
            correctedUnitId: enforcement['id'],
            note: '同意退回，改派区城管执法局',
          },
        );
        expectThat(decided.status).toBe(200);

        // The department gets the order and replies; sla cancelled the street's clocks and runs its own.
        const department = staffOf(String(enforcement['id']));
        const redispatched = await system.until('the department’s assignment', async () =>
          items(await system.http('routing', 'GET', '/assignments', department)).find(
            (a) => a['ticketId'] === ticketId,
          ),
        );
        await handle(String(redispatched['id']), department);
        const clocks = await system.until(
          'the department’s reply clock met and the street’s cancelled',
          async () => {
            const all = items(await system.http('sla', 'GET', `/clocks?ticketId=${ticketId}`, manager));
            const streetReply = all.find((c) => c['kind'] === 'reply' && c['unitId'] === `street-${STREET}`);
            const departmentReply = all.find(
              (c) => c['kind'] === 'reply' && c['unitId'] === enforcement['id'],
            );
            return streetReply?.['state'] === 'cancelled' && departmentReply?.['state'] === 'met'
              ? all
              : undefined;
          },
        );
        expectThat(clocks.length).toBeGreaterThan(0);
        await system.until('the department’s reply on intake’s timeline', async () => {
          const view = await system.http('intake', 'GET', `/tickets/${ticketId}`, operator);
          const kinds = ((view.body['timeline'] as Json[] | undefined) ?? []).map((e) => e['kind']);
          return kinds.includes('replied') ? kinds : undefined;
        });
      },
    },
    {
      name: 'an unsatisfied, unresolved 回访 reopens the ticket: the street gets a second cycle',
      run: async () => {
        const STREET = '110106001';
        const created = await call(STREET, '13800138004');
        const ticketId = created['id'] as string;
        const staff = staffOf(`street-${STREET}`);
        const first = await leadOf(STREET, ticketId);
        expectThat(first).toMatchObject({ cycle: 1 });
        await handle(String(first['id']), staff);

        await system.advance(8 * 24 * 3600_000);
        const task = await system.until(
          'the 回访 task',
          async () => items(await system.http('sla', 'GET', `/callbacks?ticketId=${ticketId}`, agent))[0],
        );
        expectThat(
          (await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/claim`, agent)).status,
        ).toBe(200);
        const answer = await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/answers`, agent, {
          contacted: true,
          resolved: false,
          satisfaction: 'unsatisfied',
          comment: '还是很吵，问题没有解决。',
        });
        expectThat(answer.status).toBe(201);

        // 重办: routing dispatches the second cycle to the street; sla starts that cycle's clocks.
        const second = await system.until('the second cycle’s assignment', async () =>
          items(await system.http('routing', 'GET', '/assignments', staff)).find(
            (a) => a['ticketId'] === ticketId && a['cycle'] === 2,
          ),
        );
        expectThat(second).toMatchObject({ role: 'lead', status: 'dispatched' });
        await system.until('the second cycle’s sign-in clock', async () =>
          items(await system.http('sla', 'GET', `/clocks?ticketId=${ticketId}`, manager)).find(
            (c) => c['kind'] === 'sign-in' && c['cycle'] === 2 && c['state'] === 'running',
          ),
        );
        await system.until('the reopening on intake’s timeline', async () => {
          const view = await system.http('intake', 'GET', `/tickets/${ticketId}`, operator);
          const kinds = ((view.body['timeline'] as Json[] | undefined) ?? []).map((e) => e['kind']);
          return kinds.includes('reopened') ? kinds : undefined;
        });
      },
    },
    {
      name: '吹哨报到: a street summons two departments, one checks in late; both services count it (双考核)',
      run: async () => {
        const STREET = '110101002';
        const district = STREET.slice(0, 6);
        const created = await call(STREET, '13800138005', '小区门口占道经营，还搭了违建，多次反映没有解决。');
        const ticketId = created['id'] as string;
        await leadOf(STREET, ticketId);
        const units = await system.http(
          'routing',
          'GET',
          `/reference/units?kind=department&districtCode=${district}`,
          dispatcher,
        );
        const department = (sector: string): string => {
          const unit = ((units.body['units'] as Json[] | undefined) ?? []).find(
            (u) => u['sector'] === sector,
          );
          if (!unit) throw new Error(`no ${sector} department in district ${district}`);
          return String(unit['id']);
        };
        const housing = department('housing');
        const enforcement = department('urban-enforcement');

        // Counted on top of what an earlier run (npm run demo again) left.
        const before = await whistleFigures(cityMonth(created['createdAt']));
        const blown = await system.http('routing', 'POST', '/whistles', staffOf(`street-${STREET}`), {
          ticketId,
          urgency: 'urgent',
          description: '占道经营与违建交织，需住建、城管执法联合执法',
          location: { address: '幸福路12号' },
          summon: [housing, enforcement],
        });
        expectThat(blown.status).toBe(201);
        const whistleId = String(blown.body['id']);
        const month = cityMonth(blown.body['blownAt']);

        // 住建 arrives within the 30 minutes; 城管执法 after them (accepted, recorded late).
        await system.advance(12 * 60_000);
        const onTime = await system.http(
          'routing',
          'POST',
          `/whistles/${whistleId}/check-in`,
          staffOf(housing),
          {
            place: { address: '幸福路12号' },
          },
        );
        expectThat(onTime).toMatchObject({ status: 200, body: { late: false } });
        await system.advance(29 * 60_000);
        const late = await system.http(
          'routing',
          'POST',
          `/whistles/${whistleId}/check-in`,
          staffOf(enforcement),
          {
            place: { address: '幸福路12号西侧' },
          },
        );
        expectThat(late).toMatchObject({ status: 200, body: { late: true } });

        const figures = await system.until('sla’s 双考核 figures', async () => {
          const now = await whistleFigures(month);
          return now.onTime(housing) === before.onTime(housing) + 1 &&
            now.late(enforcement) === before.late(enforcement) + 1
            ? now.body
            : undefined;
        });
        const street = ((figures['streets'] as Json[] | undefined) ?? []).find(
          (u) => u['unitId'] === `street-${STREET}`,
        );
        expectThat(street?.['blown']).toBe(before.street(`street-${STREET}`, 'blown') + 1);
        expectThat(street?.['summoned']).toBe(before.street(`street-${STREET}`, 'summoned') + 2);
        const routing = await system.http('routing', 'GET', '/whistles/assessment', manager);
        expectThat(routing.status).toBe(200);
      },
    },
  ];
}
