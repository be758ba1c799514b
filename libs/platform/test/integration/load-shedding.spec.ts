import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap/create-app';
import { baseConfigSchema, loadConfig } from '../../src/config/config';
import { DatabaseModule } from '../../src/database/prisma';
import { PlatformModule } from '../../src/platform.module';
import { RedisModule } from '../../src/redis/redis';
import { postgresUrl, redisUrl, testPrismaService } from '../support';

/** Requests to /probe/hold wait in the handler until the test opens the gate. */
class Gate {
  arrived = 0;
  private open: () => void = () => undefined;
  private opened = new Promise<void>((resolve) => (this.open = resolve));

  pass(): Promise<void> {
    this.arrived += 1;
    return this.opened;
  }

  release(): void {
    this.open();
    this.opened = new Promise<void>((resolve) => (this.open = resolve));
  }
}

const gate = new Gate();

@Controller('probe')
class HoldController {
  @Get('hold')
  async hold(): Promise<{ ok: true }> {
    await gate.pass();
    return { ok: true };
  }
}

async function start(maxInFlight: string): Promise<{ app: NestFastifyApplication; base: string }> {
  const config = loadConfig(baseConfigSchema, {
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    HTTP_MAX_IN_FLIGHT: maxInFlight,
  });
  @Module({
    imports: [
      PlatformModule.forRoot({
        service: 'test',
        config,
        permissions: { 'GET /probe/hold': { public: 'test' } },
      }),
      DatabaseModule.forRoot(testPrismaService(postgresUrl)),
      RedisModule.forRoot(),
    ],
    controllers: [HoldController],
  })
  class TestModule {}
  const app = await createApp({ module: TestModule, config, openApi: { title: 't', description: 't' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: await app.getUrl() };
}

/** Polls until `check` holds (no fixed sleeps), failing after `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return Number(line?.split(' ').pop() ?? Number.NaN);
}

describe('load shedding (HTTP_MAX_IN_FLIGHT)', () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await start('2'));
  }, 30_000);
  afterAll(async () => {
    gate.release();
    await app?.close();
  }, 30_000);

  it('answers past the bound at once with 503 SERVICE.OVERLOADED and Retry-After; probes still pass', async () => {
    const before = gate.arrived;
    const held = [fetch(`${base}/probe/hold`), fetch(`${base}/probe/hold`)];
    await until(() => gate.arrived === before + 2, 'two requests in the handler');

    const shed = await fetch(`${base}/probe/hold`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('content-type')).toContain('application/problem+json');
    expect(shed.headers.get('x-request-id')).toBeTruthy();
    expect(await shed.json()).toMatchObject({
      status: 503,
      code: 'SERVICE.OVERLOADED',
      detail: expect.stringContaining('limit of 2 requests in progress'),
    });
    expect(gate.arrived).toBe(before + 2); // the shed request never reached the handler

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await metric(base, 'http_requests_in_flight')).toBe(2);
    expect(await metric(base, 'http_requests_shed_total')).toBe(1);

    gate.release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    await until(async () => (await metric(base, 'http_requests_in_flight')) === 0, 'the slots to free');
  });

  it('frees a slot when a client goes away before its answer', async () => {
    const before = gate.arrived;
    const aborted = new AbortController();
    const gone = fetch(`${base}/probe/hold`, { signal: aborted.signal }).catch(() => 'aborted');
    const held = fetch(`${base}/probe/hold`);
    await until(() => gate.arrived === before + 2, 'two requests in the handler');
    aborted.abort();
    expect(await gone).toBe('aborted');
    await until(
      async () => (await metric(base, 'http_requests_in_flight')) === 1,
      'the aborted slot to free',
    );

    const admitted = fetch(`${base}/probe/hold`);
    await until(() => gate.arrived === before + 3, 'the next request admitted');
    gate.release();
    expect([(await held).status, (await admitted).status]).toEqual([200, 200]);
  });
});

describe('load shedding off (HTTP_MAX_IN_FLIGHT=0)', () => {
  it('admits every request', async () => {
    const { app, base } = await start('0');
    try {
      const before = gate.arrived;
      const held = Array.from({ length: 5 }, () => fetch(`${base}/probe/hold`));
      await until(() => gate.arrived === before + 5, 'five requests in the handler');
      gate.release();
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      gate.release();
      await app.close();
    }
  }, 30_000);
});
