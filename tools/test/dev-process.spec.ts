import { createServer, type Server } from 'node:http';
import { createOutput, type Output } from '../dev/log.ts';
import { findFreePort, httpGet, isPortFree, isPortOpen } from '../dev/net.ts';
import { isUnreachableError, probePostgres, withoutNewProcessListeners } from '../dev/postgres.ts';
import { pollUntil, spawnChild, stopChild, Supervisor, withTimeout } from '../dev/process.ts';
import { findOnPath, probeRedis } from '../dev/redis.ts';
import { InterruptedError } from '../dev/workspace.ts';

function capture(): { output: Output; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const output = createOutput({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    colour: false,
  });
  return { output, out, err };
}

function nodeChild(name: string, script: string, output: Output): ReturnType<typeof spawnChild> {
  return spawnChild({
    name,
    command: process.execPath,
    args: ['-e', script],
    cwd: process.cwd(),
    env: { PATH: process.env['PATH'] ?? '' },
    output,
  });
}

describe('spawnChild', () => {
  it('prefixes every line, pretty-prints JSON logs and reports the exit', async () => {
    const { output, out, err } = capture();
    const child = nodeChild(
      'intake',
      `process.stdout.write('plain\\n{"level":30,"msg":"hello"}\\npart');
       setTimeout(() => { process.stdout.write('ial\\n'); console.error('to stderr'); process.exit(3); }, 20);`,
      output,
    );
    const exit = await child.exit;
    expect(exit).toEqual({ code: 3, signal: null });
    expect(child.exited()).toEqual(exit);
    expect(out).toEqual(['intake   | plain\n', 'intake   | INFO  hello\n', 'intake   | partial\n']);
    expect(err).toEqual(['intake   | to stderr\n']);
  });

  it('reports a command that cannot start', async () => {
    const { output } = capture();
    const child = spawnChild({
      name: 'build',
      command: '/nonexistent/binary',
      args: [],
      cwd: process.cwd(),
      env: {},
      output,
    });
    const exit = await child.exit;
    expect(exit.error?.message).toMatch(/ENOENT/);
    expect(exit.code).toBeNull();
  });
});

describe('stopChild', () => {
  it('stops a child with SIGTERM', async () => {
    const { output, out } = capture();
    const child = nodeChild(
      'sla',
      `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`,
      output,
    );
    await pollUntil(() => Promise.resolve(out.length > 0 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const result = await stopChild(child, { timeoutMs: 5000 });
    expect(result).toEqual({ exit: { code: 0, signal: null }, forced: false });
    expect(out).toEqual(['sla      | up\n', 'sla      | bye\n']);
  });

  it('kills a child that ignores SIGTERM after the timeout, and joins a stop in progress', async () => {
    const { output, out } = capture();
    const child = nodeChild(
      'routing',
      `process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);`,
      output,
    );
    await pollUntil(() => Promise.resolve(out.length > 0 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const first = stopChild(child, { timeoutMs: 300 });
    const second = stopChild(child, { timeoutMs: 300 });
    expect(second).toBe(first);
    const result = await first;
    expect(result.forced).toBe(true);
    expect(result.exit.signal).toBe('SIGKILL');
    expect(out).toContain('routing  | ignored\n');
  });

  it('supervises: stops all but infrastructure unless asked', async () => {
    const { output } = capture();
    const supervisor = new Supervisor();
    const spawn = (name: string, infrastructure: boolean): ReturnType<Supervisor['spawn']> =>
      supervisor.spawn(
        {
          name,
          command: process.execPath,
          args: ['-e', 'setInterval(() => {}, 1000)'],
          cwd: process.cwd(),
          env: {},
          output,
        },
        { infrastructure },
      );
    const app = spawn('intake', false);
    const redis = spawn('redis', true);
    expect(supervisor.size).toBe(2);
    await supervisor.stopAll(5000);
    expect(app.exited()).toBeDefined();
    expect(redis.exited()).toBeUndefined();
    await supervisor.stopAll(5000, { includeInfrastructure: true });
    expect(redis.exited()).toBeDefined();
    await Promise.resolve();
    expect(supervisor.size).toBe(0);
  });
});

describe('pollUntil and withTimeout', () => {
  it('returns the first value', async () => {
    let calls = 0;
    const value = await pollUntil(() => Promise.resolve(++calls === 3 ? 'ready' : undefined), {
      timeoutMs: 5000,
      intervalMs: 5,
    });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('gives up at the deadline', async () => {
    const started = Date.now();
    expect(
      await pollUntil(() => Promise.resolve(undefined), { timeoutMs: 100, intervalMs: 20 }),
    ).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const polling = pollUntil(() => Promise.resolve(undefined), {
      timeoutMs: 60_000,
      intervalMs: 10_000,
      signal: controller.signal,
    });
    controller.abort();
    await expect(polling).rejects.toBeInstanceOf(InterruptedError);
  });

  it('bounds a promise', async () => {
    expect(await withTimeout(Promise.resolve(1), 1000)).toBe(1);
    expect(await withTimeout(new Promise(() => undefined), 10)).toBeUndefined();
  });
});

describe('ports and HTTP', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? 503 : 200;
      res.end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sees a listening port as open and not free', async () => {
    expect(await isPortOpen(port)).toBe(true);
    expect(await isPortFree(port)).toBe(false);
  });

  it('finds free ports', async () => {
    const free = await findFreePort();
    expect(await isPortFree(free)).toBe(true);
    expect(await isPortOpen(free)).toBe(false);
  });

  it('GETs status and body', async () => {
    expect(await httpGet(`http://127.0.0.1:${port}/healthz`)).toEqual({ status: 200, body: 'body' });
    expect(await httpGet(`http://127.0.0.1:${port}/readyz`)).toEqual({ status: 503, body: 'body' });
    const closed = await findFreePort();
    await expect(httpGet(`http://127.0.0.1:${closed}/readyz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('discovery probes', () => {
  it('tells "nobody there" from "refused"', () => {
    expect(
      isUnreachableError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isUnreachableError(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(
      isUnreachableError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])),
    ).toBe(true);
    expect(
      isUnreachableError(Object.assign(new Error('password authentication failed'), { code: '28P01' })),
    ).toBe(false);
  });

  it('reports PostgreSQL and Redis on a closed port as unreachable, not fatal', async () => {
    const closed = await findFreePort();
    expect(await probePostgres(`postgresql://postgres@127.0.0.1:${closed}`)).toMatchObject({
      reachable: false,
      fatal: false,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await probeRedis(`redis://127.0.0.1:${closed}`)).toMatchObject({
      reachable: false,
      fatal: false,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('finds executables on PATH', () => {
    expect(findOnPath('node', `/nonexistent:${process.env['PATH'] ?? ''}`)).toMatch(/\/node$/);
    expect(findOnPath('surely-not-installed-xyz', process.env['PATH'])).toBeUndefined();
    expect(findOnPath('node', '')).toBeUndefined();
  });

  it('removes process listeners a module installs on import', async () => {
    const before = process.listenerCount('SIGINT');
    const kept = (): void => undefined;
    const value = await withoutNewProcessListeners(() => {
      process.on('SIGINT', kept);
      process.on('beforeExit', kept);
      return Promise.resolve(42);
    });
    expect(value).toBe(42);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listeners('beforeExit')).not.toContain(kept);
  });
});
