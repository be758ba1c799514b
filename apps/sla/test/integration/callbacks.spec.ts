import { randomUUID } from 'node:crypto';
import type { TicketReceivedV1, TicketRepliedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { CallbackService, type OpenCallbackInput } from '../../src/callbacks/callback.service';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

const HOUR = 3_600_000;
const START = new Date('2026-12-01T09:00:00+08:00');

const agent: TokenClaims = { sub: 'agent-li', role: 'callback_agent' };
const otherAgent: TokenClaims = { sub: 'agent-wang', role: 'callback_agent' };
const manager: TokenClaims = { sub: 'manager-city', role: 'manager' };
const districtManager: TokenClaims = { sub: 'manager-hd', role: 'manager', district: '110108' };
const unitStaff: TokenClaims = { sub: 'staff-1', role: 'unit_staff', unit: 'street-1' };

let sequence = 0;
function ticketNumber(): string {
  sequence += 1;
  return `20261201${String(100000 + sequence).slice(-6)}`;
}

describe('回访 callbacks and ratings', () => {
  let h: SlaHarness;
  let callbacks: CallbackService;

  beforeAll(async () => {
    h = await startSlaHarness();
    callbacks = h.sut.app.get(CallbackService);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);
  beforeEach(() => {
    h.clock.setFixed(START);
  });

  /** Opens a task as the reply timer does, in a transaction of the app's PrismaService. */
  function open(ticketId: string, over: Partial<OpenCallbackInput> = {}) {
    const at = h.clock.now();
    return h.prisma.$transaction((tx) =>
      callbacks.open(tx, {
        ticketId,
        cycle: 1,
        leadUnitId: 'street-1',
        leadAssignmentId: `A-${ticketId}`,
        replyDueAt: at,
        reopenOnUnresolved: true,
        callbackDueAt: new Date(at.getTime() + 24 * HOUR),
        at,
        ...over,
      }),
    );
  }

  async function receive(ticketId: string, districtCode = '110108'): Promise<TicketReceivedV1> {
    const received: TicketReceivedV1 = {
      ticketId,
      number: ticketNumber(),
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'city.street-lighting',
      urgency: 'general',
      content: '小区门口路灯坏了一个星期，晚上很黑。',
      location: {
        districtCode,
        streetCode: `${districtCode}001`,
        communityCode: null,
        address: null,
        lng: null,
        lat: null,
      },
      confidential: false,
      receivedAt: new Date(START.getTime() - 8 * 24 * HOUR).toISOString(),
    };
    await h.deliver('ticket.received.v1', ticketId, received);
    return received;
  }

  function reply(ticketId: string, content: string, repliedAt: Date, cycle = 1): TicketRepliedV1 {
    return {
      ticketId,
      assignmentId: `A-${ticketId}`,
      unitId: 'street-1',
      result: 'resolved',
      content,
      attachments: [],
      cycle,
      staffId: 'staff-zhang',
      repliedAt: repliedAt.toISOString(),
    };
  }

  const newTicket = () => `T-${randomUUID()}`;
  const outboxCount = (ticketId: string, type: string) =>
    h.prisma.outboxEvent.count({ where: { key: ticketId, type } });

  it('opens one task per ticket cycle: a second open returns the same task', async () => {
    const ticketId = newTicket();
    const first = await open(ticketId);
    const second = await open(ticketId, { callbackDueAt: new Date(START.getTime() + HOUR) });
    const nextCycle = await open(ticketId, { cycle: 2 });
    expect(first.created).toBe(true);
    expect(second).toEqual({ taskId: first.taskId, created: false });
    expect(nextCycle.created).toBe(true);
    expect(nextCycle.taskId).not.toBe(first.taskId);
    const rows = await h.prisma.callbackTask.findMany({ where: { ticketId }, orderBy: { cycle: 'asc' } });
    expect(rows.map((r) => [r.cycle, r.status, r.attempts])).toEqual([
      [1, 'open', 0],
      [2, 'open', 0],
    ]);
    expect(rows[0]?.callbackDueAt).toEqual(new Date(START.getTime() + 24 * HOUR));
  });

  it('shows the agent the ticket and the unit’s reply, and a later reply replaces it', async () => {
    const ticketId = newTicket();
    const received = await receive(ticketId);
    await h.deliver('ticket.replied.v1', ticketId, reply(ticketId, '已安排维修，路灯已恢复。', START));
    const { taskId } = await open(ticketId);

    const view = await h.http('GET', `/callbacks/${taskId}`, agent);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      ticketId,
      status: 'open',
      attempts: 0,
      maxAttempts: 3,
      leadUnitId: 'street-1',
      ticket: {
        number: received.number,
        requestType: 'complaint',
        categoryCode: 'city.street-lighting',
        location: { districtCode: '110108', streetCode: '110108001' },
      },
      reply: { content: '已安排维修，路灯已恢复。', result: 'resolved', staffId: 'staff-zhang' },
      residentContact: { service: 'intake', path: `/tickets/${ticketId}` },
      answers: [],
    });
    expect(JSON.stringify(view.body)).not.toContain('小区门口路灯坏了'); // the complaint text is not kept here

    // a reply after the task opened (e.g. a corrected reply) is what the agent then sees; an older one is ignored
    const later = new Date(START.getTime() + HOUR);
    await h.deliver('ticket.replied.v1', ticketId, reply(ticketId, '补充：已更换灯杆线路。', later));
    await h.deliver(
      'ticket.replied.v1',
      ticketId,
      reply(ticketId, '旧的答复', new Date(START.getTime() - HOUR)),
    );
    const updated = await h.http('GET', `/callbacks/${taskId}`, agent);
    expect(updated.body['reply']).toMatchObject({
      content: '补充：已更换灯杆线路。',
      repliedAt: later.toISOString(),
    });
  });

  it('closes on an agent’s answer with ticket.rated.v1; a second answer is refused with 409', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    h.clock.advance(2 * HOUR);
    const body = { contacted: true, resolved: true, satisfaction: 'satisfied', comment: '修好了，谢谢。' };
    const answered = await h.http('POST', `/callbacks/${taskId}/answers`, agent, body);
    expect(answered.status).toBe(201);
    expect(answered.body).toEqual({
      taskId,
      status: 'answered',
      attempts: 1,
      rated: { contacted: true, resolved: true, satisfaction: 'satisfied' },
      reopened: false,
    });

    const rated = await h.event('ticket.rated.v1', ticketId);
    expect(rated.data).toEqual({
      ticketId,
      cycle: 1,
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      ratedAt: new Date(START.getTime() + 2 * HOUR).toISOString(),
    });

    const again = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
    });
    expect(again.status).toBe(409);
    expect(again.body['code']).toBe('CALLBACK.CLOSED');
    expect(await h.prisma.callbackAnswer.count({ where: { taskId } })).toBe(1);
    expect(await outboxCount(ticketId, 'ticket.rated.v1')).toBe(1);

    const view = await h.http('GET', `/callbacks/${taskId}`, agent);
    expect(view.body).toMatchObject({
      status: 'answered',
      outcome: { contacted: true, resolved: true, satisfaction: 'satisfied', satisfactionLabel: '满意' },
      ratingLink: null,
    });
  });

  it('reopens an unresolved, unsatisfied answer as the next cycle when the policy says so', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    const res = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      comment: '路灯还是不亮。',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'answered', reopened: true });
    const rated = await h.event('ticket.rated.v1', ticketId);
    expect(rated.data).toMatchObject({
      cycle: 1,
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
    });
    const reopened = await h.event('ticket.reopened.v1', ticketId);
    expect(reopened.data).toEqual({
      ticketId,
      cycle: 2,
      reason: '回访结果：未解决，不满意（重办）。群众意见：路灯还是不亮。',
      reopenedAt: START.toISOString(),
    });
  });

  it('does not reopen when the policy does not, nor when the answer is only unsatisfied', async () => {
    const noReopen = newTicket();
    const a = await open(noReopen, { reopenOnUnresolved: false });
    const unsatisfiedOnly = newTicket();
    const b = await open(unsatisfiedOnly);
    expect(
      (
        await h.http('POST', `/callbacks/${a.taskId}/answers`, agent, {
          contacted: true,
          resolved: false,
          satisfaction: 'unsatisfied',
        })
      ).body,
    ).toMatchObject({ status: 'answered', reopened: false });
    expect(
      (
        await h.http('POST', `/callbacks/${b.taskId}/answers`, agent, {
          contacted: true,
          resolved: true,
          satisfaction: 'unsatisfied',
        })
      ).body,
    ).toMatchObject({ status: 'answered', reopened: false });
    await h.event('ticket.rated.v1', noReopen);
    await h.event('ticket.rated.v1', unsatisfiedOnly);
    // the events are written in the answer's transaction: none there means none will come
    expect(await outboxCount(noReopen, 'ticket.reopened.v1')).toBe(0);
    expect(await outboxCount(unsatisfiedOnly, 'ticket.reopened.v1')).toBe(0);
  });

  it('keeps trying an unreachable resident, then closes as unreachable with an empty rating', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    for (const [n, comment] of [
      [1, '无人接听'],
      [2, '关机'],
    ] as const) {
      const attempt = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
        contacted: false,
        comment,
      });
      expect(attempt.status).toBe(201);
      expect(attempt.body).toMatchObject({ status: 'open', attempts: n, rated: null });
      h.clock.advance(HOUR);
    }
    expect(await outboxCount(ticketId, 'ticket.rated.v1')).toBe(0);
    const last = await h.http('POST', `/callbacks/${taskId}/answers`, agent, { contacted: false });
    expect(last.body).toEqual({
      taskId,
      status: 'unreachable',
      attempts: 3,
      rated: { contacted: false, resolved: null, satisfaction: null },
      reopened: false,
    });
    const rated = await h.event('ticket.rated.v1', ticketId);
    expect(rated.data).toMatchObject({ contacted: false, resolved: null, satisfaction: null });
    expect((await h.http('POST', `/callbacks/${taskId}/answers`, agent, { contacted: false })).status).toBe(
      409,
    );

    const view = await h.http('GET', `/callbacks/${taskId}`, manager);
    expect((view.body['answers'] as { comment: string | null }[]).map((a) => a.comment)).toEqual([
      '无人接听',
      '关机',
      null,
    ]);
  });

  it('applies concurrent answers to one task one at a time: one closes it, the rest get 409', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    const path = await (async () => {
      const view = await h.http('GET', `/callbacks/${taskId}`, agent);
      return `/ratings/${(view.body['ratingLink'] as { url: string }).url.split('/').pop() ?? ''}`;
    })();
    const answer = { contacted: true, resolved: true, satisfaction: 'satisfied' };
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => h.http('POST', `/callbacks/${taskId}/answers`, agent, answer)),
      ...Array.from({ length: 4 }, () =>
        h.http('POST', path, null, { resolved: true, satisfaction: 'satisfied' }),
      ),
    ]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    expect(await h.prisma.callbackAnswer.count({ where: { taskId } })).toBe(1);
    expect(await outboxCount(ticketId, 'ticket.rated.v1')).toBe(1);
  });

  it('answers 400 naming each field that does not fit, and stores nothing', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    const missing = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: true,
      resolved: true,
    });
    expect(missing.status).toBe(400);
    expect(missing.body['errors']).toEqual([
      expect.objectContaining({ field: 'satisfaction', code: 'required_when_contacted' }),
    ]);
    const rated = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: false,
      satisfaction: 'satisfied',
    });
    expect(rated.status).toBe(400);
    expect(rated.body['errors']).toEqual([
      expect.objectContaining({ field: 'satisfaction', code: 'not_allowed_when_not_contacted' }),
    ]);
    const badLevel = await h.http('POST', `/callbacks/${taskId}/answers`, agent, {
      contacted: true,
      resolved: true,
      satisfaction: '非常满意',
    });
    expect(badLevel.status).toBe(400);
    expect(badLevel.body['errors']).toEqual([
      expect.objectContaining({ field: 'satisfaction', code: 'invalid_value' }),
    ]);
    const noContacted = await h.http('POST', `/callbacks/${taskId}/answers`, agent, { resolved: true });
    expect(noContacted.body['errors']).toEqual([expect.objectContaining({ field: 'contacted' })]);

    expect(await h.prisma.callbackAnswer.count({ where: { taskId } })).toBe(0);
    expect(await h.prisma.callbackTask.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({
      status: 'open',
      attempts: 0,
    });
  });

  it('keeps every answer raw, with who, when and through which channel', async () => {
    const ticketId = newTicket();
    const { taskId } = await open(ticketId);
    const attempt = { contacted: false, comment: '占线' };
    await h.http('POST', `/callbacks/${taskId}/answers`, agent, attempt);
    h.clock.advance(HOUR);
    const answer = {
      contacted: true,
      resolved: true,
      satisfaction: 'basically-satisfied',
      comment: ' 还行 ',
    };
    await h.http('POST', `/callbacks/${taskId}/answers`, agent, answer);
    const rows = await h.prisma.callbackAnswer.findMany({
      where: { taskId },
      orderBy: { recordedAt: 'asc' },
    });
    expect(rows).toEqual([
      expect.objectContaining({
        ticketId,
        cycle: 1,
        channel: 'agent',
        recordedBy: 'agent-li',
        contacted: false,
        resolved: null,
        satisfaction: null,
        comment: '占线',
        raw: attempt,
        recordedAt: START,
      }),
      expect.objectContaining({
        channel: 'agent',
        contacted: true,
        resolved: true,
        satisfaction: 'basically-satisfied',
        comment: '还行',
        raw: answer, // as sent, untrimmed
        recordedAt: new Date(START.getTime() + HOUR),
      }),
    ]);
  });

  describe('the resident’s signed link', () => {
    async function linkOf(taskId: string): Promise<string> {
      const view = await h.http('GET', `/callbacks/${taskId}`, agent);
      const link = view.body['ratingLink'] as { url: string; expiresAt: string };
      expect(link.url.startsWith('http://localhost:3003/ratings/')).toBe(true);
      expect(link.expiresAt).toBe(new Date(START.getTime() + 72 * HOUR).toISOString());
      return `/ratings/${link.url.split('/').pop() ?? ''}`;
    }

    it('shows what is rated without staff data, records the rating once and closes the callback', async () => {
      const ticketId = newTicket();
      const received = await receive(ticketId);
      await h.deliver('ticket.replied.v1', ticketId, reply(ticketId, '已联系物业排水，积水已清理。', START));
      const { taskId } = await open(ticketId);
      const path = await linkOf(taskId);

      const page = await h.http('GET', path, null);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({
        ticketNumber: received.number,
        categoryCode: 'city.street-lighting',
        cycle: 1,
        reply: { content: '已联系物业排水，积水已清理。', result: 'resolved' },
        open: true,
      });
      expect(page.body['satisfactionOptions']).toEqual([
        { value: 'satisfied', label: '满意' },
        { value: 'basically-satisfied', label: '基本满意' },
        { value: 'unsatisfied', label: '不满意' },
      ]);
      expect(JSON.stringify(page.body)).not.toMatch(/staff|street-1|assignment/);

      h.clock.advance(5 * HOUR);
      const body = { resolved: false, satisfaction: 'unsatisfied', comment: '积水还在。' };
      const rated = await h.http('POST', path, null, body);
      expect(rated.status).toBe(201);
      expect(rated.body).toMatchObject({ status: 'answered', reopened: true });
      expect((await h.event('ticket.rated.v1', ticketId)).data).toMatchObject({
        contacted: true,
        resolved: false,
        satisfaction: 'unsatisfied',
      });
      expect((await h.event('ticket.reopened.v1', ticketId)).data).toMatchObject({ cycle: 2 });
      expect(await h.prisma.callbackAnswer.findMany({ where: { taskId } })).toEqual([
        expect.objectContaining({ channel: 'resident-link', recordedBy: null, contacted: true, raw: body }),
      ]);

      const twice = await h.http('POST', path, null, { resolved: true, satisfaction: 'satisfied' });
      expect(twice.status).toBe(409);
      expect(twice.body['code']).toBe('RATING.ALREADY_ANSWERED');
      expect((await h.http('GET', path, null)).body).toMatchObject({ open: false });
      const byAgent = await h.http('POST', `/callbacks/${taskId}/answers`, agent, { contacted: false });
      expect(byAgent.status).toBe(409);
    });

    it('refuses a tampered link with 401 and an expired one with 410', async () => {
      const ticketId = newTicket();
      const { taskId } = await open(ticketId);
      const path = await linkOf(taskId);
      const token = path.split('/').pop() ?? '';
      const later = Buffer.from(token, 'base64url');
      later.writeUInt32BE(later.readUInt32BE(3) + 86_400, 3); // a longer life, under the old signature
      const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [later.toString('base64url'), flipped, 'not-a-link']) {
        const res = await h.http('POST', `/ratings/${bad}`, null, {
          resolved: true,
          satisfaction: 'satisfied',
        });
        expect(res.status).toBe(401);
        expect(res.body['code']).toBe('RATING.LINK_INVALID');
        expect((await h.http('GET', `/ratings/${bad}`, null)).status).toBe(401);
      }

      h.clock.advance(72 * HOUR - 1000);
      expect((await h.http('GET', path, null)).status).toBe(200);
      h.clock.advance(1000);
      const expired = await h.http('POST', path, null, { resolved: true, satisfaction: 'satisfied' });
      expect(expired.status).toBe(410);
      expect(expired.body['code']).toBe('RATING.LINK_EXPIRED');
      expect((await h.http('GET', path, null)).status).toBe(410);
      expect(await h.prisma.callbackAnswer.count({ where: { taskId } })).toBe(0);
      // the agent no longer gets a link that cannot work, and can still call
      expect((await h.http('GET', `/callbacks/${taskId}`, agent)).body['ratingLink']).toBeNull();
    });

    it('validates the resident’s answer with 400 per field', async () => {
      const { taskId } = await open(newTicket());
      const path = await linkOf(taskId);
      const res = await h.http('POST', path, null, { resolved: 'yes' });
      expect(res.status).toBe(400);
      expect((res.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'resolved',
        'satisfaction',
      ]);
      expect(await h.prisma.callbackAnswer.count({ where: { taskId } })).toBe(0);
    });
  });

  it('lists open callbacks by due time with filters, scoped to a manager’s district', async () => {
    const unit = `street-${randomUUID()}`;
    const haidian = newTicket();
    const chaoyang = newTicket();
    await receive(haidian, '110108');
    await receive(chaoyang, '110105');
    const late = await open(haidian, {
      leadUnitId: unit,
      callbackDueAt: new Date(START.getTime() + 48 * HOUR),
    });
    const soon = await open(chaoyang, {
      leadUnitId: unit,
      callbackDueAt: new Date(START.getTime() + 2 * HOUR),
    });

    const all = await h.http('GET', `/callbacks?unitId=${unit}`, agent);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
    expect((all.body['items'] as { id: string }[]).map((i) => i.id)).toEqual([soon.taskId, late.taskId]);

    const due = await h.http(
      'GET',
      `/callbacks?unitId=${unit}&dueBefore=${encodeURIComponent(new Date(START.getTime() + 3 * HOUR).toISOString())}`,
      manager,
    );
    expect((due.body['items'] as { id: string }[]).map((i) => i.id)).toEqual([soon.taskId]);

    const scoped = await h.http('GET', `/callbacks?unitId=${unit}`, districtManager);
    expect((scoped.body['items'] as { id: string }[]).map((i) => i.id)).toEqual([late.taskId]);
    expect((await h.http('GET', `/callbacks/${soon.taskId}`, districtManager)).status).toBe(404);

    h.clock.advance(3 * HOUR);
    const overdue = await h.http('GET', `/callbacks/${soon.taskId}`, manager);
    expect(overdue.body).toMatchObject({ overdue: true, ratingLink: null }); // managers do not get the link

    expect((await h.http('GET', '/callbacks', unitStaff)).status).toBe(403);
    expect(
      (await h.http('POST', `/callbacks/${soon.taskId}/answers`, manager, { contacted: false })).status,
    ).toBe(403);
    expect((await h.http('GET', `/callbacks/${randomUUID()}`, agent)).status).toBe(404);
    expect((await h.http('GET', '/callbacks/not-a-uuid', agent)).body['code']).toBe('CALLBACK.NOT_FOUND');
  });

  it('lets an agent claim a callback; another agent can then neither claim nor answer it', async () => {
    const { taskId } = await open(newTicket());
    const claimed = await h.http('POST', `/callbacks/${taskId}/claim`, agent);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ claimedBy: 'agent-li', claimedAt: START.toISOString() });
    expect((await h.http('POST', `/callbacks/${taskId}/claim`, agent)).status).toBe(200);

    const stolen = await h.http('POST', `/callbacks/${taskId}/claim`, otherAgent);
    expect(stolen.status).toBe(409);
    expect(stolen.body['code']).toBe('CALLBACK.CLAIMED_BY_OTHER');
    const answer = await h.http('POST', `/callbacks/${taskId}/answers`, otherAgent, { contacted: false });
    expect(answer.body['code']).toBe('CALLBACK.CLAIMED_BY_OTHER');

    const mine = await h.http('GET', '/callbacks?mine=true', agent);
    expect((mine.body['items'] as { id: string }[]).map((i) => i.id)).toContain(taskId);
    const theirs = await h.http('GET', '/callbacks?mine=true', otherAgent);
    expect((theirs.body['items'] as { id: string }[]).map((i) => i.id)).not.toContain(taskId);
  });

  it('documents the callback and rating endpoints in OpenAPI with Chinese examples', async () => {
    const doc = (await h.sut.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown[];
            parameters?: { name: string }[];
            requestBody?: { content: Record<string, { examples?: Record<string, { summary: string }> }> };
          }
        >
      >;
    }>();
    expect(doc.paths['/callbacks']?.['get']?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['status', 'dueBefore', 'unitId', 'page', 'pageSize']),
    );
    expect(doc.paths['/callbacks/{id}']?.['get']).toBeDefined();
    expect(doc.paths['/callbacks/{id}/claim']?.['post']).toBeDefined();
    const answerExamples =
      doc.paths['/callbacks/{id}/answers']?.['post']?.requestBody?.content['application/json']?.examples;
    expect(Object.values(answerExamples ?? {}).map((e) => e.summary)).toContain('已联系：已解决，满意');
    const ratingExamples =
      doc.paths['/ratings/{token}']?.['post']?.requestBody?.content['application/json']?.examples;
    expect(Object.values(ratingExamples ?? {}).map((e) => e.summary)).toContain('未解决，不满意');
    expect(doc.paths['/ratings/{token}']?.['get']?.security ?? []).toEqual([]);
  });
});
