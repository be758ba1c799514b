import {
  brokerAddress,
  databaseName,
  DEFAULT_POSTGRES_URL,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_REDIS_URL,
  parseBrokers,
  parseDevOptions,
  planPorts,
  redactUrl,
  serviceEnv,
  toolEnv,
  withDatabase,
} from '../dev/config.ts';
import { DevError, findWorkspaceRoot, pathWithWorkspaceBin } from '../dev/workspace.ts';

describe('parseDevOptions', () => {
  it('defaults to the local servers, prefix jsjb, ports from 3000 and a build', () => {
    expect(parseDevOptions([], {})).toEqual({
      postgresUrl: DEFAULT_POSTGRES_URL,
      postgresUrlFromEnv: false,
      redisUrl: DEFAULT_REDIS_URL,
      redisUrlFromEnv: false,
      kafkaBrokers: undefined,
      databasePrefix: 'jsjb',
      portBase: 3000,
      skipBuild: false,
      readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
      embeddedPostgresDir: undefined,
      help: false,
    });
  });

  it('reads the environment', () => {
    const options = parseDevOptions([], {
      POSTGRES_URL: 'postgresql://me:secret@db:5433/whatever',
      REDIS_URL: 'redis://cache:6380/2',
      KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ,',
      JSJB_DATABASE_PREFIX: 'jsjb_devtest_ab12',
      JSJB_PORT_BASE: '41000',
      JSJB_SKIP_BUILD: '1',
      JSJB_READY_TIMEOUT_MS: '5000',
      JSJB_EMBEDDED_POSTGRES_DIR: '/tmp/pg',
    });
    expect(options).toMatchObject({
      postgresUrl: 'postgresql://me:secret@db:5433/whatever',
      postgresUrlFromEnv: true,
      redisUrl: 'redis://cache:6380/2',
      redisUrlFromEnv: true,
      kafkaBrokers: 'kafka-1:9092,kafka-2:9092',
      databasePrefix: 'jsjb_devtest_ab12',
      portBase: 41000,
      skipBuild: true,
      readyTimeoutMs: 5000,
      embeddedPostgresDir: '/tmp/pg',
    });
  });

  it('skips the build with --no-build or a truthy JSJB_SKIP_BUILD only', () => {
    expect(parseDevOptions(['--no-build'], {}).skipBuild).toBe(true);
    expect(parseDevOptions([], { JSJB_SKIP_BUILD: 'true' }).skipBuild).toBe(true);
    expect(parseDevOptions([], { JSJB_SKIP_BUILD: '0' }).skipBuild).toBe(false);
    expect(parseDevOptions([], { JSJB_SKIP_BUILD: '' }).skipBuild).toBe(false);
  });

  it('treats empty variables as unset', () => {
    const options = parseDevOptions([], {
      POSTGRES_URL: ' ',
      REDIS_URL: '',
      KAFKA_BROKERS: ' ',
      JSJB_PORT_BASE: '',
    });
    expect(options.postgresUrl).toBe(DEFAULT_POSTGRES_URL);
    expect(options.postgresUrlFromEnv).toBe(false);
    expect(options.redisUrl).toBe(DEFAULT_REDIS_URL);
    expect(options.portBase).toBe(3000);
    expect(options.kafkaBrokers).toBeUndefined();
  });

  it('recognises --help', () => {
    expect(parseDevOptions(['-h'], {}).help).toBe(true);
    expect(parseDevOptions(['--help'], {}).help).toBe(true);
  });

  it.each([
    [['--frobnicate'], {}, /Unknown argument "--frobnicate"/],
    [[], { JSJB_PORT_BASE: 'abc' }, /JSJB_PORT_BASE must be a whole number/],
    [[], { JSJB_PORT_BASE: '65533' }, /JSJB_PORT_BASE must be between 1 and 65532/],
    [[], { JSJB_PORT_BASE: '0' }, /JSJB_PORT_BASE must be between/],
    [[], { JSJB_DATABASE_PREFIX: 'Bad-Name' }, /JSJB_DATABASE_PREFIX "Bad-Name"/],
    [[], { JSJB_DATABASE_PREFIX: 'x'.repeat(60) }, /longer than 63/],
    [
      [],
      { POSTGRES_URL: 'mysql://localhost' },
      /POSTGRES_URL must start with postgres:\/\/ or postgresql:\/\//,
    ],
    [[], { POSTGRES_URL: 'not a url' }, /POSTGRES_URL is not a valid URL/],
    [[], { REDIS_URL: 'http://localhost' }, /REDIS_URL must start with redis:\/\//],
    [[], { JSJB_READY_TIMEOUT_MS: '10' }, /JSJB_READY_TIMEOUT_MS must be between/],
    [[], { KAFKA_BROKERS: 'kafka:9092,localhost' }, /KAFKA_BROKERS must be .*host:port.*"localhost"/],
    [[], { KAFKA_BROKERS: ',' }, /KAFKA_BROKERS lists no broker/],
  ])('rejects %j %j', (argv, env, message) => {
    expect(() => parseDevOptions(argv, env)).toThrow(DevError);
    expect(() => parseDevOptions(argv, env)).toThrow(message);
  });
});

describe('KAFKA_BROKERS', () => {
  it('reads host:port entries as the services do', () => {
    expect(parseBrokers('127.0.0.1:9092')).toEqual(['127.0.0.1:9092']);
    expect(parseBrokers('a:1, b.example:65535')).toEqual(['a:1', 'b.example:65535']);
    expect(brokerAddress('kafka.internal:9094')).toEqual({ host: 'kafka.internal', port: 9094 });
  });

  it.each(['kafka', 'kafka:', ':9092', 'kafka:0', 'kafka:65536', 'kafka :9092', 'PLAINTEXT://kafka:9092'])(
    'rejects %j',
    (entry) => {
      expect(() => brokerAddress(entry)).toThrow(DevError);
    },
  );
});

describe('planPorts', () => {
  it('puts intake, routing and sla right above the base', () => {
    expect(planPorts(3000)).toEqual({ intake: 3001, routing: 3002, sla: 3003 });
    expect(planPorts(65532)).toEqual({ intake: 65533, routing: 65534, sla: 65535 });
  });

  it('refuses bases that leave no room', () => {
    expect(() => planPorts(65533)).toThrow(DevError);
    expect(() => planPorts(0)).toThrow(DevError);
    expect(() => planPorts(3000.5)).toThrow(DevError);
  });
});

describe('database names and URLs', () => {
  it('names databases <prefix>_<service>', () => {
    expect(databaseName('jsjb', 'intake')).toBe('jsjb_intake');
    expect(databaseName('jsjb_devtest_1a', 'sla')).toBe('jsjb_devtest_1a_sla');
  });

  it('points a server URL at a database, keeping credentials and query', () => {
    expect(withDatabase('postgresql://postgres@127.0.0.1:5432', 'jsjb_intake')).toBe(
      'postgresql://postgres@127.0.0.1:5432/jsjb_intake',
    );
    expect(withDatabase('postgresql://u:p@db:6543/ignored?sslmode=disable', 'jsjb_sla')).toBe(
      'postgresql://u:p@db:6543/jsjb_sla?sslmode=disable',
    );
  });

  it('hides passwords in messages', () => {
    expect(redactUrl('postgresql://u:secret@db:5432/x')).toBe('postgresql://u:***@db:5432/x');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('::')).toBe('(invalid URL)');
  });
});

describe('serviceEnv', () => {
  it('wires a service to its database, Redis prefix and port on top of the launcher environment', () => {
    // A stack of its own on a shared Redis (system tests) keeps its keys apart with REDIS_KEY_PREFIX.
    const env = serviceEnv(
      { HOME: '/root', DATABASE_URL: 'postgresql://wrong/db', REDIS_KEY_PREFIX: 'other:', UNSET: undefined },
      {
        service: 'routing',
        databaseUrl: 'postgresql://postgres@127.0.0.1:5432/jsjb_routing',
        redisUrl: 'redis://127.0.0.1:6379',
        kafkaBrokers: '127.0.0.1:9092',
        port: 3002,
        path: '/w/node_modules/.bin:/usr/bin',
      },
    );
    expect(env).toEqual({
      HOME: '/root',
      PATH: '/w/node_modules/.bin:/usr/bin',
      NODE_ENV: 'development',
      DEV_CLOCK_CONTROL: 'true',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_routing',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'other:',
      KAFKA_BROKERS: '127.0.0.1:9092',
      PORT: '3002',
    });
    const plain = serviceEnv(
      { HOME: '/root' },
      {
        service: 'routing',
        databaseUrl: 'postgresql://postgres@127.0.0.1:5432/jsjb_routing',
        redisUrl: 'redis://127.0.0.1:6379',
        kafkaBrokers: '127.0.0.1:9092',
        port: 3002,
        path: '/usr/bin',
      },
    );
    expect(plain['REDIS_KEY_PREFIX']).toBe('jsjb:');
  });

  it('keeps the developer’s LOG_LEVEL and NODE_ENV', () => {
    const env = serviceEnv(
      { LOG_LEVEL: 'debug', NODE_ENV: 'test' },
      {
        service: 'sla',
        databaseUrl: 'postgresql://x/y',
        redisUrl: 'redis://z',
        kafkaBrokers: 'k:1',
        port: 1,
        path: '',
      },
    );
    expect(env['LOG_LEVEL']).toBe('debug');
    expect(env['NODE_ENV']).toBe('test');
  });

  it('builds tool environments with extras on top', () => {
    expect(toolEnv({ A: '1', PATH: '/usr/bin' }, '/bin', { NX_DAEMON: 'false' })).toEqual({
      A: '1',
      PATH: '/bin',
      NX_DAEMON: 'false',
    });
  });
});

describe('workspace', () => {
  it('finds the workspace root from inside tools/', () => {
    const root = findWorkspaceRoot();
    expect(findWorkspaceRoot(`${root}/tools/dev`)).toBe(root);
  });

  it('fails clearly outside a workspace', () => {
    expect(() => findWorkspaceRoot('/')).toThrow(/No nx.json/);
  });

  it('puts the workspace binaries first on PATH', () => {
    expect(pathWithWorkspaceBin('/w', '/usr/bin:/bin')).toBe('/w/node_modules/.bin:/usr/bin:/bin');
    expect(pathWithWorkspaceBin('/w', undefined)).toBe('/w/node_modules/.bin');
  });
});
