// System scenarios: intake, routing and sla as separate processes with the Kafka dev broker,
// PostgreSQL and Redis (tools/dev/start.ts), asserted through the three services' APIs. One stack
// serves every scenario; each uses its own street, and time moves forward for all of them through
// the development clock control (so months and deadlines are read from the services' own times).
import { type Caller, type Reply, startSystem, type SystemStack } from './system-stack.ts';

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

describe('system scenarios', () => {
  let system: SystemStack;

  beforeAll(async () => {
    system = await startSystem();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

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

  it('a hotline call: dispatched to the street with a district copy, replied, 回访 satisfied, counted', async () => {
    const STREET = '110102001';
    const streetUnit = `street-${STREET}`;
    const streetStaff = staffOf(streetUnit);
    const districtGovernment = `gov-${STREET.slice(0, 6)}`;
    const created = await call(STREET, '13800138000');
    const ticketId = created['id'] as string;
    const month = cityMonth(created['createdAt']);

    // Automatic dispatch: the street leads, the district government gets a copy.
    const lead = await leadOf(STREET, ticketId);
    expect(lead).toMatchObject({ role: 'lead', status: 'dispatched' });
    const copies = await system.http(
      'routing',
      'GET',
      `/assignments?unitId=${districtGovernment}&role=copy&status=copied`,
      dispatcher,
    );
    expect(items(copies).some((a) => a['ticketId'] === ticketId)).toBe(true);

    // The street: 签收, first contact, 办结 reply.
    const assignment = lead['id'] as string;
    expect(
      (await system.http('routing', 'POST', `/assignments/${assignment}/sign`, streetStaff)).status,
    ).toBe(200);
    const contact = await system.http('routing', 'POST', `/assignments/${assignment}/contacts`, streetStaff, {
      method: 'phone',
      result: 'reached',
      note: '已与诉求人电话沟通，约定晚上到现场查看',
    });
    expect(contact.status).toBe(201);
    const reply = await system.http('routing', 'POST', `/assignments/${assignment}/reply`, streetStaff, {
      result: 'resolved',
      content: '已与广场舞队协商，活动时间调整为晚上九点前结束，音响音量调低。',
    });
    expect(reply).toMatchObject({ status: 200, body: { status: 'replied' } });

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
    expect((await system.http('sla', 'POST', `/callbacks/${taskId}/claim`, agent)).status).toBe(200);
    const answer = await system.http('sla', 'POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      comment: '现在晚上安静多了，谢谢。',
    });
    expect(answer.status).toBe(201);

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
      const row = ((res.body['units'] as Json[] | undefined) ?? []).find((u) => u['unitId'] === streetUnit);
      return row && row['satisfactionRate'] !== null && row['satisfactionRate'] !== undefined
        ? row
        : undefined;
    });
    expect(rates).toMatchObject({ responseRate: 1, resolutionRate: 1, satisfactionRate: 1 });
  }, 180_000);
  it('an unsigned order: 催办 at 50 % and 75 % of the sign-in limit, 督办 at the breach to the district', async () => {
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
    expect(clock).toMatchObject({ state: 'running', warned: [], breached: false, warnings: [0.5, 0.75] });
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
    expect(breached).toMatchObject({
      breached: true,
      everBreached: true,
      escalationUnitId: `street-${STREET}`,
      headUnitId: `gov-${STREET.slice(0, 6)}`,
    });
    const overdue = await system.http('sla', 'GET', `/deadlines/overdue?kind=sign-in&limit=100`, manager);
    expect(items(overdue).some((c) => c['ticketId'] === ticketId)).toBe(true);
  }, 120_000);

  it('a repeated call is merged into the first one and never dispatched itself', async () => {
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
    expect(repeat).toMatchObject({
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
    expect(merged).toMatchObject({ status: 200, body: { status: 'merged', ticket: { status: 'merged' } } });

    // Routing dispatched the master only; sla runs the master's clocks and none for the merged call.
    await leadOf(STREET, master['id'] as string);
    const inbox = await system.http(
      'routing',
      'GET',
      '/assignments?status=dispatched,signed,copied',
      staffOf(`street-${STREET}`),
    );
    expect(items(inbox).map((a) => a['ticketId'])).toEqual([master['id']]);
    await system.until('the master’s resident clock', async () =>
      items(await system.http('sla', 'GET', `/clocks?ticketId=${String(master['id'])}`, manager)).find(
        (c) => c['kind'] === 'resident',
      ),
    );
    expect(
      items(await system.http('sla', 'GET', `/clocks?ticketId=${String(repeat['id'])}`, manager)),
    ).toEqual([]);
    const view = await system.http('intake', 'GET', `/tickets/${String(repeat['id'])}`, operator);
    expect(view.body).toMatchObject({ status: 'merged' });
  }, 120_000);
  /** The street signs, reaches the resident and replies `resolved`. */
  async function handle(assignment: string, staff: Caller): Promise<void> {
    expect((await system.http('routing', 'POST', `/assignments/${assignment}/sign`, staff)).status).toBe(200);
    const contact = await system.http('routing', 'POST', `/assignments/${assignment}/contacts`, staff, {
      method: 'phone',
      result: 'reached',
    });
    expect(contact.status).toBe(201);
    const reply = await system.http('routing', 'POST', `/assignments/${assignment}/reply`, staff, {
      result: 'resolved',
      content: '已到现场处理，并向诉求人说明情况。',
    });
    expect(reply).toMatchObject({ status: 200, body: { status: 'replied' } });
  }

  it('退单 → the dispatcher approves → 改派 to the district department, which replies', async () => {
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
    expect(returned).toMatchObject({ status: 200, body: { status: 'disputed' } });

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
    expect(decided.status).toBe(200);

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
        const departmentReply = all.find((c) => c['kind'] === 'reply' && c['unitId'] === enforcement['id']);
        return streetReply?.['state'] === 'cancelled' && departmentReply?.['state'] === 'met'
          ? all
          : undefined;
      },
    );
    expect(clocks.length).toBeGreaterThan(0);
    await system.until('the department’s reply on intake’s timeline', async () => {
      const view = await system.http('intake', 'GET', `/tickets/${ticketId}`, operator);
      const kinds = ((view.body['timeline'] as Json[] | undefined) ?? []).map((e) => e['kind']);
      return kinds.includes('replied') ? kinds : undefined;
    });
  }, 120_000);

  it('an unsatisfied, unresolved 回访 reopens the ticket: the street gets a second cycle', async () => {
    const STREET = '110106001';
    const created = await call(STREET, '13800138004');
    const ticketId = created['id'] as string;
    const staff = staffOf(`street-${STREET}`);
    const first = await leadOf(STREET, ticketId);
    expect(first).toMatchObject({ cycle: 1 });
    await handle(String(first['id']), staff);

    await system.advance(8 * 24 * 3600_000);
    const task = await system.until(
      'the 回访 task',
      async () => items(await system.http('sla', 'GET', `/callbacks?ticketId=${ticketId}`, agent))[0],
    );
    expect((await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/claim`, agent)).status).toBe(
      200,
    );
    const answer = await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/answers`, agent, {
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      comment: '还是很吵，问题没有解决。',
    });
    expect(answer.status).toBe(201);

    // 重办: routing dispatches the second cycle to the street; sla starts that cycle's clocks.
    const second = await system.until('the second cycle’s assignment', async () =>
      items(await system.http('routing', 'GET', '/assignments', staff)).find(
        (a) => a['ticketId'] === ticketId && a['cycle'] === 2,
      ),
    );
    expect(second).toMatchObject({ role: 'lead', status: 'dispatched' });
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
  }, 120_000);
  it('吹哨报到: a street summons two departments, one checks in late; both services count it (双考核)', async () => {
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
      const unit = ((units.body['units'] as Json[] | undefined) ?? []).find((u) => u['sector'] === sector);
      if (!unit) throw new Error(`no ${sector} department in district ${district}`);
      return String(unit['id']);
    };
    const housing = department('housing');
    const enforcement = department('urban-enforcement');

    const blown = await system.http('routing', 'POST', '/whistles', staffOf(`street-${STREET}`), {
      ticketId,
      urgency: 'urgent',
      description: '占道经营与违建交织，需住建、城管执法联合执法',
      location: { address: '幸福路12号' },
      summon: [housing, enforcement],
    });
    expect(blown.status).toBe(201);
    const whistleId = String(blown.body['id']);
    const month = cityMonth(blown.body['blownAt']);

    // 住建 arrives within the 30 minutes; 城管执法 after them (accepted, recorded late).
    await system.advance(12 * 60_000);
    const onTime = await system.http('routing', 'POST', `/whistles/${whistleId}/check-in`, staffOf(housing), {
      place: { address: '幸福路12号' },
    });
    expect(onTime).toMatchObject({ status: 200, body: { late: false } });
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
    expect(late).toMatchObject({ status: 200, body: { late: true } });

    const figures = await system.until('sla’s 双考核 figures', async () => {
      const res = await system.http('sla', 'GET', `/assessment/whistles?month=${month}`, manager);
      const summoned = (res.body['summoned'] as Json[] | undefined) ?? [];
      const of = (unitId: string) => summoned.find((u) => u['unitId'] === unitId);
      return of(housing)?.['onTime'] === 1 && of(enforcement)?.['late'] === 1 ? res.body : undefined;
    });
    const street = ((figures['streets'] as Json[] | undefined) ?? []).find(
      (u) => u['unitId'] === `street-${STREET}`,
    );
    expect(street).toMatchObject({ blown: 1, summoned: 2, checkedInOnTime: 1 });
    const routing = await system.http('routing', 'GET', '/whistles/assessment', manager);
    expect(routing.status).toBe(200);
  }, 120_000);
});
