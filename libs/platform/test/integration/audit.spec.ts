import { Body, Controller, Get, HttpCode, Module, Param, Post, Put } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  auditNote,
  baseConfigSchema,
  Clock,
  ConflictError,
  createApp,
  DatabaseModule,
  DEVELOPMENT_JWT_SECRET,
  loadConfig,
  PlatformModule,
  RedisModule,
  signJwt,
  SkipAudit,
  type AuditPage,
  type BaseConfig,
  type TokenClaims,
} from '../../src';
import { createScratchDatabase, redisUrl, testPrismaService } from '../support';

/**
 * The services' `audit_log` as their migrations (apps/<svc>/prisma/migrations/20261221000000_audit_log)
 * create it; the library cannot read an app's files, so the table is repeated here.
 */
const AUDIT_LOG_DDL = `
CREATE TABLE audit_log (
  id UUID NOT NULL PRIMARY KEY, at TIMESTAMPTZ(3) NOT NULL, actor_subject VARCHAR(200) NOT NULL,
  actor_role VARCHAR(32) NOT NULL, actor_unit_id VARCHAR(100), action VARCHAR(300) NOT NULL,
  resource_ids JSONB NOT NULL, status INTEGER NOT NULL, error_code VARCHAR(100),
  request_id VARCHAR(128) NOT NULL, "before" JSONB, "after" JSONB, body_fields TEXT[]);
CREATE INDEX audit_log_at_id_idx ON audit_log (at, id);
CREATE INDEX audit_log_actor_subject_at_id_idx ON audit_log (actor_subject, at, id);
CREATE INDEX audit_log_action_at_id_idx ON audit_log (action, at, id);
CREATE INDEX audit_log_resource_ids_idx ON audit_log USING GIN (resource_ids jsonb_ops);`;

const OPERATOR: TokenClaims = { sub: 'op-1', role: 'operator' };
const UNIT_STAFF: TokenClaims = { sub: 'staff-7', role: 'unit_staff', unit: 'unit-42' };
const ADMIN: TokenClaims = { sub: 'admin-1', role: 'admin' };

@Controller('things')
class ThingController {
  @Post()
  create(@Body() body: { label?: string }) {
    return {
      id: '11111111-1111-4111-8111-111111111111',
      status: 'created',
      version: 1,
      createdAt: new Date('2026-12-21T01:02:03.004Z'),
      label: body.label,
      callerName: '张三',
      callerPhone: '13800000000',
      content: 'free text that may name a person',
      nested: { id: 'x' },
    };
  }

  @Put(':id')
  change(@Param('id') id: string) {
    auditNote({ before: { status: 'created', version: 1 } });
    return { id, status: 'changed', version: 2 };
  }

  @Post(':id/refuse')
  @HttpCode(200)
  refuse(@Param('id') id: string) {
    auditNote({ before: { status: 'changed' }, after: { status: 'never' } });
    throw new ConflictError('THING.LOCKED', `Thing ${id} is locked.`);
  }

  @Post('suggest')
  @HttpCode(200)
  @SkipAudit()
  suggest() {
    return { status: 'suggested' };
  }

  @Get(':id')
  read(@Param('id') id: string) {
    return { id, status: 'changed' };
  }
}

@Controller('public')
class PublicController {
  @Post(':token')
  @HttpCode(200)
  rate(@Param('token') token: string) {
    return { accepted: token.length > 0, status: 'rated' };
  }

  @Post('client/:id')
  @HttpCode(200)
  fromClient(@Param('id') id: string) {
    auditNote({
      actor: { subject: 'city-app', role: 'open311_client' },
      after: { number: '20261221000001' },
    });
    return `<ok id="${id}"/>`;
  }
}

function appModule(cfg: BaseConfig) {
  @Module({
    imports: [
      PlatformModule.forRoot({
        service: 'test',
        config: cfg,
        permissions: {
          'POST /things': { roles: ['operator', 'unit_staff'] },
          'PUT /things/:id': { roles: ['operator'] },
          'POST /things/:id/refuse': { roles: ['operator'] },
          'POST /things/suggest': { roles: ['operator'] },
          'GET /things/:id': { roles: ['operator'] },
          'POST /public/:token': { public: 'test: a signed link' },
          'POST /public/client/:id': { public: 'test: an api client' },
        },
      }),
      DatabaseModule.forRoot(testPrismaService(cfg.DATABASE_URL)),
      RedisModule.forRoot(),
    ],
    controllers: [ThingController, PublicController],
  })
  class TestAppModule {}
  return TestAppModule;
}

interface Row {
  actor_subject: string;
  actor_role: string;
  actor_unit_id: string | null;
  action: string;
  resource_ids: Record<string, string>;
  status: number;
  error_code: string | null;
  request_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  body_fields: string[] | null;
  at: Date;
}

describe('audit trail (platform)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let sql: Client;
  let sut: NestFastifyApplication;
  let clock: Clock;

  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    caller: TokenClaims | null,
    body?: unknown,
  ) => {
    const res = await sut.inject({
      method,
      url,
      headers: {
        ...(caller
          ? { authorization: `Bearer ${signJwt(caller, { secret: DEVELOPMENT_JWT_SECRET, issuer: 'jsjb' })}` }
          : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, json: () => res.json<Record<string, unknown>>(), headers: res.headers };
  };

  const rows = async (): Promise<Row[]> =>
    (await sql.query<Row>('SELECT * FROM audit_log ORDER BY at, request_id')).rows;

  beforeAll(async () => {
    database = await createScratchDatabase('audit');
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    await sql.query(AUDIT_LOG_DDL);
    const cfg = loadConfig(baseConfigSchema, {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
    });
    sut = await createApp({ module: appModule(cfg), config: cfg, openApi: { title: 't', description: 't' } });
    await sut.init();
    await sut.getHttpAdapter().getInstance().ready();
    clock = sut.get(Clock);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await sql?.end();
    await database?.drop();
  }, 60_000);

  beforeEach(async () => {
    await sql.query('DELETE FROM audit_log');
    clock.setFixed(new Date('2026-12-21T08:00:00.000Z'));
  });

  it('records a create: actor, time, route key, the created id, status and a summary without personal data', async () => {
    const res = await call('POST', '/things', UNIT_STAFF, { label: 'x', phone: '13800000000' });
    expect(res.status).toBe(201);

    const [row, ...others] = await rows();
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      actor_subject: 'staff-7',
      actor_role: 'unit_staff',
      actor_unit_id: 'unit-42',
      action: 'POST /things',
      resource_ids: { id: '11111111-1111-4111-8111-111111111111' },
      status: 201,
      error_code: null,
      request_id: res.headers['x-request-id'],
      before: null,
      body_fields: ['label', 'phone'],
    });
    expect(row?.at.toISOString()).toBe('2026-12-21T08:00:00.000Z');
    expect(row?.after).toEqual({
      id: '11111111-1111-4111-8111-111111111111',
      status: 'created',
      version: 1,
      createdAt: '2026-12-21T01:02:03.004Z',
    });
  });

  it('keeps a handler’s before summary next to the response’s after', async () => {
    const res = await call('PUT', '/things/t-1', OPERATOR, { status: 'changed' });
    expect(res.status).toBe(200);
    const [row] = await rows();
    expect(row).toMatchObject({
      action: 'PUT /things/:id',
      resource_ids: { id: 't-1' },
      status: 200,
      before: { status: 'created', version: 1 },
      after: { id: 't-1', status: 'changed', version: 2 },
    });
  });

  it('records a refusal with its status and code, the before state and no after', async () => {
    const res = await call('POST', '/things/t-1/refuse', OPERATOR);
    expect(res.status).toBe(409);
    expect(res.json()['code']).toBe('THING.LOCKED');
    const [row] = await rows();
    expect(row).toMatchObject({
      action: 'POST /things/:id/refuse',
      status: 409,
      error_code: 'THING.LOCKED',
      before: { status: 'changed' },
      after: null,
      body_fields: null,
    });
  });

  it('records nothing for reads, skipped routes and requests the auth guard refuses', async () => {
    expect((await call('GET', '/things/t-1', OPERATOR)).status).toBe(200);
    expect((await call('POST', '/things/suggest', OPERATOR)).status).toBe(200);
    expect((await call('POST', '/things', null, {})).status).toBe(401);
    expect((await call('POST', '/things', { sub: 'm-1', role: 'manager' }, {})).status).toBe(403);
    expect(await rows()).toEqual([]);
  });

  it('names public callers: anonymous, or the actor a handler noted; credentials in the path are redacted', async () => {
    expect((await call('POST', '/public/signed.link.token', null)).status).toBe(200);
    expect((await call('POST', '/public/client/r-9', null)).status).toBe(200);
    const byAction = new Map((await rows()).map((r) => [r.action, r]));
    expect(byAction.get('POST /public/:token')).toMatchObject({
      actor_subject: 'anonymous',
      actor_role: 'anonymous',
      resource_ids: { token: '[redacted]' },
      after: { status: 'rated' },
    });
    expect(byAction.get('POST /public/client/:id')).toMatchObject({
      actor_subject: 'city-app',
      actor_role: 'open311_client',
      resource_ids: { id: 'r-9' },
      after: { number: '20261221000001' },
    });
  });

  it('writes the rows of concurrent requests, one each', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call('PUT', `/things/c-${i}`, OPERATOR)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const written = await rows();
    expect(written).toHaveLength(25);
    expect(new Set(written.map((r) => r.resource_ids['id'])).size).toBe(25);
  });

  it('answers the request when the row cannot be written, and counts the failure', async () => {
    const failures = async (): Promise<number> => {
      const metrics = await sut.inject({ method: 'GET', url: '/metrics' });
      const line = metrics.body.split('\n').find((l) => l.startsWith('audit_write_failures_total'));
      return Number(line?.split(' ').at(-1) ?? NaN);
    };
    const before = await failures();
    await sql.query('ALTER TABLE audit_log RENAME TO audit_log_away');
    try {
      const res = await call('PUT', '/things/t-2', OPERATOR);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ id: 't-2', status: 'changed', version: 2 });
    } finally {
      await sql.query('ALTER TABLE audit_log_away RENAME TO audit_log');
    }
    expect(await failures()).toBe(before + 1);
    expect(await rows()).toEqual([]);
  });

  describe('GET /audit', () => {
    const list = async (query: string, caller: TokenClaims | null = ADMIN) => {
      const res = await call('GET', `/audit${query}`, caller);
      return {
        status: res.status,
        body: res.json() as unknown as AuditPage & { errors?: { field: string }[] },
      };
    };

    beforeEach(async () => {
      // Five rows, a minute apart: operator PUT t-0 … t-3, then unit staff POST.
      for (let i = 0; i < 4; i += 1) {
        await call('PUT', `/things/t-${i}`, OPERATOR);
        clock.advance(60_000);
      }
      await call('POST', '/things', UNIT_STAFF, {});
    });

    it('lists newest first and pages with the cursor', async () => {
      const first = await list('?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((i) => i.action)).toEqual(['POST /things', 'PUT /things/:id']);
      expect(first.body.items[1]?.resourceIds).toEqual({ id: 't-3' });
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const second = await list(`?limit=2&cursor=${first.body.nextCursor ?? ''}`);
      expect(second.body.items.map((i) => i.resourceIds['id'])).toEqual(['t-2', 't-1']);
      const third = await list(`?limit=2&cursor=${second.body.nextCursor ?? ''}`);
      expect(third.body.items.map((i) => i.resourceIds['id'])).toEqual(['t-0']);
      expect(third.body.nextCursor).toBeNull();
    });

    it('filters by actor, action, resource id and time', async () => {
      const byActor = await list('?actor=staff-7');
      expect(byActor.body.items).toHaveLength(1);
      expect(byActor.body.items[0]).toMatchObject({
        actor: { subject: 'staff-7', role: 'unit_staff', unitId: 'unit-42' },
        at: '2026-12-21T08:04:00.000Z',
        status: 201,
      });
      const byAction = await list(`?action=${encodeURIComponent('PUT /things/:id')}`);
      expect(byAction.body.items).toHaveLength(4);
      const byResource = await list('?resourceId=t-2');
      expect(byResource.body.items.map((i) => i.resourceIds)).toEqual([{ id: 't-2' }]);
      const window = await list(
        `?from=${encodeURIComponent('2026-12-21T08:01:00Z')}&to=${encodeURIComponent('2026-12-21T08:03:00Z')}`,
      );
      expect(window.body.items.map((i) => i.resourceIds['id'])).toEqual(['t-2', 't-1']);
    });

    it('answers 400 naming each bad parameter', async () => {
      const cases: [string, string][] = [
        ['?limit=0', 'limit'],
        ['?limit=abc', 'limit'],
        ['?cursor=not-a-cursor', 'cursor'],
        ['?from=yesterday', 'from'],
        [
          `?from=${encodeURIComponent('2026-12-22T00:00:00Z')}&to=${encodeURIComponent('2026-12-21T00:00:00Z')}`,
          'to',
        ],
        ['?action=GET%20%2Fthings', 'action'],
        ['?resourceId=%22%29%20%7C%7C%20true', 'resourceId'],
        ['?colour=red', '(root)'],
      ];
      for (const [query, field] of cases) {
        const res = await list(query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.errors?.map((e) => e.field)).toContain(field);
      }
    });

    it('is for admins only, and is not itself recorded', async () => {
      expect((await list('', OPERATOR)).status).toBe(403);
      expect((await list('', null)).status).toBe(401);
      expect((await list('', ADMIN)).body.items).toHaveLength(5);
      expect(await rows()).toHaveLength(5);
    });
  });
});
