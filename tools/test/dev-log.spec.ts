import type { PreparedStack } from '../dev/stack.ts';
import {
  colourEnabled,
  createOutput,
  formatLogLine,
  formatPrefix,
  formatTime,
  LineSplitter,
  PREFIX_WIDTH,
  stripAnsi,
} from '../dev/log.ts';
import { Cleanups, formatTable, summaryLines } from '../dev/stack.ts';

const ESC = String.fromCharCode(27);

describe('LineSplitter', () => {
  it('joins chunks into lines and keeps the unfinished rest', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\ntw')).toEqual(['one']);
    expect(splitter.push('o\r\nthree\n\nfo')).toEqual(['two', 'three', '']);
    expect(splitter.flush()).toEqual(['fo']);
    expect(splitter.flush()).toEqual([]);
  });
});

describe('formatLogLine', () => {
  const at = '2026-11-21T14:50:15.924Z';
  const time = formatTime(at) ?? '';

  it('shows time, level, context and message of a pino line', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      service: 'intake',
      context: 'NestApplication',
      msg: 'Nest application successfully started',
    });
    expect(formatLogLine(line, false)).toBe(
      `${time} INFO  [NestApplication] Nest application successfully started`,
    );
  });

  it('formats local time as HH:MM:SS.mmm', () => {
    expect(time).toMatch(/^\d\d:\d\d:\d\d\.924$/);
    const date = new Date(at);
    expect(time.slice(0, 2)).toBe(String(date.getHours()).padStart(2, '0'));
    expect(formatTime('yesterday')).toBeUndefined();
    expect(formatTime(undefined)).toBeUndefined();
  });

  it('understands level labels and lines without a time (migration logs)', () => {
    expect(formatLogLine('{"level":"warn","service":"sla","msg":"slow"}', false)).toBe('WARN  slow');
    expect(formatLogLine('{"level":"info","service":"sla","msg":"migrations: 1 applied"}', false)).toBe(
      'INFO  migrations: 1 applied',
    );
  });

  it('summarises requests, error codes and errors', () => {
    expect(
      formatLogLine(
        JSON.stringify({
          level: 30,
          time: at,
          req: { id: 'r1', method: 'GET', url: '/docs' },
          res: { statusCode: 200 },
          responseTime: 3,
          msg: 'request completed',
        }),
        false,
      ),
    ).toBe(`${time} INFO  request completed GET /docs → 200 (3 ms)`);
    expect(
      formatLogLine(
        JSON.stringify({
          level: 'fatal',
          time: at,
          service: 'intake',
          code: 'CONFIG.INVALID',
          msg: 'Invalid configuration',
        }),
        false,
      ),
    ).toBe(`${time} FATAL Invalid configuration (CONFIG.INVALID)`);
    expect(
      formatLogLine(
        JSON.stringify({ level: 50, time: at, msg: 'query failed', err: { message: 'boom' } }),
        false,
      ),
    ).toBe(`${time} ERROR query failed — boom`);
  });

  it('keeps anything else as it is', () => {
    for (const raw of [
      'plain text',
      '{not json}',
      '[1,2,3]',
      '{"no":"message or level"}',
      '  > nx run intake:build',
      '',
    ]) {
      expect(formatLogLine(raw, false)).toBe(raw);
    }
  });

  it('colours the level only when asked', () => {
    const line = JSON.stringify({ level: 50, msg: 'bad' });
    expect(formatLogLine(line, false)).not.toContain(ESC);
    expect(formatLogLine(line, true)).toBe(`${ESC}[31mERROR${ESC}[0m bad`);
  });
});

describe('prefixes and colour', () => {
  it('pads names to one width', () => {
    expect(PREFIX_WIDTH).toBe('postgres'.length);
    expect(formatPrefix('sla', false)).toBe('sla      | ');
    expect(formatPrefix('routing', false)).toBe('routing  | ');
    expect(formatPrefix('intake', true)).toBe(`${ESC}[36mintake  ${ESC}[0m ${ESC}[90m|${ESC}[0m `);
  });

  it('colours terminals only, honouring NO_COLOR and FORCE_COLOR', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({}, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true);
  });

  it('strips ANSI sequences', () => {
    expect(stripAnsi(`${ESC}[1mGenerated${ESC}[22m ${ESC}[2mok${ESC}[22m`)).toBe('Generated ok');
  });

  it('writes prefixed lines, errors to stderr', () => {
    const out: string[] = [];
    const err: string[] = [];
    const output = createOutput({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      colour: false,
    });
    output.info('hello\nworld');
    output.line('redis', 'ready');
    output.line('intake', 'oops', 'stderr');
    output.error('failed');
    expect(out).toEqual(['jsjb     | hello\n', 'jsjb     | world\n', 'redis    | ready\n']);
    expect(err).toEqual(['intake   | oops\n', 'jsjb     | failed\n']);
  });
});

describe('summary', () => {
  it('aligns columns', () => {
    expect(
      formatTable([
        ['a', 'bbb', 'c'],
        ['dddd', 'e', 'f'],
      ]),
    ).toEqual(['a     bbb  c', 'dddd  e    f']);
  });

  it('lists every service with its URL, docs and readiness URL', () => {
    const stack: PreparedStack = {
      postgresUrl: 'postgresql://postgres:postgres@127.0.0.1:54329',
      postgresEmbedded: true,
      redisUrl: 'redis://127.0.0.1:6379',
      redisStarted: false,
      databases: { intake: 'jsjb_intake', routing: 'jsjb_routing', sla: 'jsjb_sla' },
      databaseUrls: { intake: '', routing: '', sla: '' },
    };
    const lines = summaryLines({ intake: 3001, routing: 3002, sla: 3003 }, stack, {
      brokers: '127.0.0.1:9092',
      devBroker: true,
    });
    expect(lines.slice(0, 4)).toEqual([
      'service  url                    docs                        readiness',
      'intake   http://localhost:3001  http://localhost:3001/docs  http://localhost:3001/readyz',
      'routing  http://localhost:3002  http://localhost:3002/docs  http://localhost:3002/readyz',
      'sla      http://localhost:3003  http://localhost:3003/docs  http://localhost:3003/readyz',
    ]);
    expect(lines.join('\n')).toContain(
      'postgresql://postgres:***@127.0.0.1:54329 (embedded, stopped on exit)',
    );
    expect(lines.join('\n')).not.toContain(':postgres@');
    expect(lines).toContain('kafka:    127.0.0.1:9092 (dev broker, in memory, stopped on exit)');
    expect(
      summaryLines({ intake: 1, routing: 2, sla: 3 }, stack, {
        brokers: 'k1:9092,k2:9092',
        devBroker: false,
      }),
    ).toContain('kafka:    k1:9092,k2:9092 (KAFKA_BROKERS)');
  });
});

describe('Cleanups', () => {
  it('runs last-added first and keeps going after a failure', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const cleanups = new Cleanups();
    cleanups.add('first', () => Promise.resolve(void order.push('first')));
    cleanups.add('second', () => Promise.reject(new Error('stuck')));
    cleanups.add('third', () => Promise.resolve(void order.push('third')));
    const output = createOutput({
      stdout: { write: () => true },
      stderr: { write: (t: string) => errors.push(t) },
      colour: false,
    });
    expect(await cleanups.runAll(output)).toBe(false);
    expect(order).toEqual(['third', 'first']);
    expect(errors).toEqual(['jsjb     | second: stuck\n']);
    expect(await cleanups.runAll(output)).toBe(true);
  });
});
