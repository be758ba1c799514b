// The CLI as a process: one stdout line once listening, quiet unless --verbose, exit 0 on signals.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { compileSources, type CompiledSources } from '../support/compile';
import { waitFor } from '../support/cluster';

jest.setTimeout(30_000);

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('kafka-dev-broker CLI', () => {
  let compiled: CompiledSources;
  const runs: Run[] = [];

  function run(args: string[]): Run {
    const child = spawn(process.execPath, [join(compiled.dir, 'cli.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const r = { child, stdout: () => stdout, stderr: () => stderr, exited };
    runs.push(r);
    return r;
  }

  async function listening(r: Run): Promise<string> {
    const line = await waitFor(
      'the listening line',
      () => /^kafka-dev-broker listening on (\S+:\d+)\n/.exec(r.stdout()) ?? undefined,
    );
    return line[1] ?? '';
  }

  beforeAll(() => {
    compiled = compileSources();
  });

  afterEach(async () => {
    for (const r of runs.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGKILL');
        await r.exited;
      }
    }
  });

  afterAll(() => compiled.remove());

  it('prints one line once listening, serves clients, exits 0 on SIGTERM', async () => {
    const r = run(['--port', '0']);
    const address = await listening(r);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(address).not.toBe('127.0.0.1:0');

    const admin = new Kafka({ clientId: 'cli-test', brokers: [address], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli-topic', numPartitions: 2 }] });
    expect(await admin.listTopics()).toEqual(['cli-topic']);
    await admin.disconnect();

    r.child.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toBe(`kafka-dev-broker listening on ${address}\n`);
    expect(r.stderr()).toBe('');
  });

  it('--partitions sets the auto-created partition count, --verbose logs to stderr, SIGINT exits 0', async () => {
    const r = run(['--port=0', '--host', '127.0.0.1', '--partitions', '5', '--verbose']);
    const address = await listening(r);
    const kafka = new Kafka({ clientId: 'cli-test', brokers: [address], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'auto-created', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: ['auto-created'] });
    expect(metadata.topics[0]?.partitions).toHaveLength(5);
    await admin.disconnect();

    r.child.kill('SIGINT');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.stdout().split('\n')).toEqual([`kafka-dev-broker listening on ${address}`, '']);
    expect(r.stderr()).toContain('auto-created topic auto-created (5 partitions)');
  });

  it('SIGUSR1 suspends (connections refused, data kept), SIGUSR2 resumes on the same address', async () => {
    const r = run(['--port', '0']);
    const address = await listening(r);
    const kafka = new Kafka({
      clientId: 'cli-test',
      brokers: [address],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 500,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'kept', messages: [{ value: 'before the outage' }] });
    await producer.disconnect();

    r.child.kill('SIGUSR1');
    await waitFor(
      'the suspended line',
      () => r.stdout().includes('kafka-dev-broker suspended\n') || undefined,
    );
    const refused = kafka.admin();
    await expect(refused.connect()).rejects.toThrow();

    r.child.kill('SIGUSR2');
    await waitFor('the resumed line', () => r.stdout().includes('kafka-dev-broker resumed\n') || undefined);
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('kept')).toEqual(
      expect.arrayContaining([expect.objectContaining({ high: '1' })]),
    );
    await admin.disconnect();

    r.child.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.stdout().split('\n')).toEqual([
      `kafka-dev-broker listening on ${address}`,
      'kafka-dev-broker suspended',
      'kafka-dev-broker resumed',
      '',
    ]);
  });

  it('rejects unknown arguments with exit code 2', async () => {
    const r = run(['--bogus']);
    expect((await r.exited).code).toBe(2);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).toMatch(/unknown argument "--bogus"[\s\S]*usage: kafka-dev-broker/);
  });
});
