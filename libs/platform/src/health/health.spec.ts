import { PlatformError } from '../errors/platform.error';
import { ReadinessRegistry } from './health';

describe('ReadinessRegistry', () => {
  it('is ready when every check passes', async () => {
    const sut = new ReadinessRegistry();
    sut.register({ name: 'database', check: () => Promise.resolve() });
    sut.register({ name: 'redis', check: () => Promise.resolve() });
    const report = await sut.run(100);
    expect(report.status).toBe('ready');
    expect(report.checks.map((c) => c.status)).toEqual(['up', 'up']);
  });

  it('reports a failing check as down with its error', async () => {
    const sut = new ReadinessRegistry();
    sut.register({ name: 'database', check: () => Promise.resolve() });
    sut.register({ name: 'redis', check: () => Promise.reject(new Error('ECONNREFUSED')) });
    const report = await sut.run(100);
    expect(report.status).toBe('not_ready');
    expect(report.checks[1]).toMatchObject({ name: 'redis', status: 'down', error: 'ECONNREFUSED' });
  });

  it('times out a check that hangs', async () => {
    const sut = new ReadinessRegistry();
    sut.register({ name: 'kafka', check: () => new Promise<void>(() => undefined) });
    const report = await sut.run(30);
    expect(report.checks[0]).toMatchObject({ status: 'down', error: 'timed out after 30 ms' });
  });

  it('refuses two checks of one name', () => {
    const sut = new ReadinessRegistry();
    sut.register({ name: 'database', check: () => Promise.resolve() });
    expect(() => sut.register({ name: 'database', check: () => Promise.resolve() })).toThrow(PlatformError);
  });
});
