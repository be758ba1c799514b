// What the dev stack is made of and how it is configured: pure functions, no I/O.
import { DevError } from './workspace.ts';

export const SERVICES = ['intake', 'routing', 'sla'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_PREFIX = 'jsjb';
export const DEFAULT_PORT_BASE = 3000;
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
/** Where `npm start` runs the Kafka dev broker when KAFKA_BROKERS is unset and the port is free. */
export const DEFAULT_DEV_BROKER_PORT = 9092;

/**
 * How the services' memory is bounded in production (docker/service.Dockerfile sets these; `npm run
 * bench` runs the services with them): a 192 MB old generation and 8 MB semi-spaces make V8 collect
 * before the heap grows under load, and two malloc arenas keep glibc from reserving one per thread.
 * Measured at saturation (docs/performance.md): resident memory 237–299 MB per service where it grew
 * to 477–536 MB without them, for about 3 % more CPU per ticket (160 MB / 4 MB cost 13 %).
 */
export const SERVICE_MEMORY = {
  nodeOptions: '--max-old-space-size=192 --max-semi-space-size=8',
  mallocArenaMax: '2',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

export interface DevOptions {
  /** A PostgreSQL server URL; its database part is ignored. */
  postgresUrl: string;
  postgresUrlFromEnv: boolean;
  redisUrl: string;
  redisUrlFromEnv: boolean;
  /** KAFKA_BROKERS, validated (`host:port,…`); undefined: `npm start` runs the dev broker. */
  kafkaBrokers: string | undefined;
  databasePrefix: string;
  portBase: number;
  skipBuild: boolean;
  readyTimeoutMs: number;
  /** Where an embedded PostgreSQL keeps its data; undefined: `<root>/.data/postgres`. */
  embeddedPostgresDir: string | undefined;
  help: boolean;
}

export const USAGE = `Usage: npm start [-- --no-build]      start PostgreSQL, Redis, Kafka and the three services
       npm run migrate [-- --no-build] create the databases, build and migrate, then exit

Options:
  --no-build        use the existing apps/<app>/dist (also: JSJB_SKIP_BUILD=1)
  -h, --help        show this help

Environment:
  POSTGRES_URL            PostgreSQL server (default ${DEFAULT_POSTGRES_URL}); an embedded one is
                          started under .data/postgres when none is reachable
  REDIS_URL               Redis (default ${DEFAULT_REDIS_URL}); redis-server is started when none is reachable
  KAFKA_BROKERS           Kafka brokers, host:port[,host:port…] (npm start only); unset: the in-memory
                          dev broker (libs/kafka-dev-broker) is started on port ${DEFAULT_DEV_BROKER_PORT}, or a free one
  JSJB_DATABASE_PREFIX    databases are <prefix>_intake, <prefix>_routing, <prefix>_sla (default ${DEFAULT_DATABASE_PREFIX})
  JSJB_PORT_BASE          intake listens on base+1, routing on base+2, sla on base+3 (default ${DEFAULT_PORT_BASE})
  JSJB_EMBEDDED_POSTGRES_DIR  data directory of the embedded PostgreSQL (default .data/postgres)
  JSJB_READY_TIMEOUT_MS   how long to wait for every /readyz to answer 200 (default ${DEFAULT_READY_TIMEOUT_MS})
  LOG_LEVEL, NODE_ENV     passed to the services (defaults info, development)`;

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseInteger(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new DevError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new DevError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A whole-number setting from the environment: `fallback` when unset, else checked against min..max. */
export function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? fallback : parseInteger(name, raw, min, max);
}

/** Reads the command line and the environment; throws DevError naming what is wrong. */
export function parseDevOptions(argv: readonly string[], env: Env): DevOptions {
  let noBuildFlag = false;
  let help = false;
  for (const arg of argv) {
    if (arg === '--no-build') noBuildFlag = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else throw new DevError(`Unknown argument "${arg}"\n\n${USAGE}`);
  }
  const postgresEnv = nonEmpty(env['POSTGRES_URL']);
  const redisEnv = nonEmpty(env['REDIS_URL']);
  const postgresUrl = postgresEnv ?? DEFAULT_POSTGRES_URL;
  const redisUrl = redisEnv ?? DEFAULT_REDIS_URL;
  checkUrl('POSTGRES_URL', postgresUrl, ['postgres:', 'postgresql:']);
  checkUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  const kafkaRaw = nonEmpty(env['KAFKA_BROKERS']);
  const kafkaBrokers = kafkaRaw === undefined ? undefined : parseBrokers(kafkaRaw).join(',');
  const databasePrefix = nonEmpty(env['JSJB_DATABASE_PREFIX']) ?? DEFAULT_DATABASE_PREFIX;
  // Validates the prefix against the longest service name.
  for (const service of SERVICES) databaseName(databasePrefix, service);
  const portBaseRaw = nonEmpty(env['JSJB_PORT_BASE']);
  const portBase = portBaseRaw === undefined ? DEFAULT_PORT_BASE : parsePortBase(portBaseRaw);
  const readyTimeoutMs = integerSetting(
    env,
    'JSJB_READY_TIMEOUT_MS',
    DEFAULT_READY_TIMEOUT_MS,
    1000,
    3_600_000,
  );
  return {
    postgresUrl,
    postgresUrlFromEnv: postgresEnv !== undefined,
    redisUrl,
    redisUrlFromEnv: redisEnv !== undefined,
    kafkaBrokers,
    databasePrefix,
    portBase,
    skipBuild: noBuildFlag || isTruthy(env['JSJB_SKIP_BUILD']),
    readyTimeoutMs,
    embeddedPostgresDir: nonEmpty(env['JSJB_EMBEDDED_POSTGRES_DIR']),
    help,
  };
}

function checkUrl(name: string, value: string, protocols: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DevError(`${name} is not a valid URL: "${value}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new DevError(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${value}"`,
    );
  }
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/**
 * KAFKA_BROKERS as the services read it: comma-separated `host:port` entries (blanks around
 * commas ignored), at least one. Returns the entries; throws DevError naming a bad one.
 */
export function parseBrokers(raw: string): string[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new DevError(`KAFKA_BROKERS lists no broker: "${raw}"`);
  for (const entry of entries) brokerAddress(entry);
  return entries;
}

/** One `host:port` entry of KAFKA_BROKERS. */
export function brokerAddress(entry: string): BrokerAddress {
  const match = /^([^\s:]+):(\d{1,5})$/.exec(entry);
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535) {
    throw new DevError(
      `KAFKA_BROKERS must be a comma-separated host:port list (e.g. 127.0.0.1:9092), got "${entry}"`,
    );
  }
  return { host: match[1] ?? '', port };
}

export function parsePortBase(raw: string): number {
  return parseInteger('JSJB_PORT_BASE', raw, 1, 65535 - SERVICES.length);
}

/** intake → base+1, routing → base+2, sla → base+3. */
export function planPorts(base: number): Record<ServiceName, number> {
  if (!Number.isInteger(base) || base < 1 || base + SERVICES.length > 65535) {
    throw new DevError(`Port base ${base} leaves no room for ${SERVICES.length} ports below 65536`);
  }
  return { intake: base + 1, routing: base + 2, sla: base + 3 };
}

/** The operations console's port (npm start): the base itself, below the services'. */
export function planConsolePort(base: number): number {
  return base;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const MAX_IDENTIFIER = 63;

/** `<prefix>_<service>`; a plain lower-case identifier PostgreSQL accepts without quoting surprises. */
export function databaseName(prefix: string, service: ServiceName): string {
  const name = `${prefix}_${service}`;
  if (!IDENTIFIER.test(prefix)) {
    throw new DevError(
      `JSJB_DATABASE_PREFIX "${prefix}" must be lower-case letters, digits and underscores, starting with a letter or underscore`,
    );
  }
  if (name.length > MAX_IDENTIFIER) {
    throw new DevError(
      `Database name "${name}" is longer than ${MAX_IDENTIFIER} characters: shorten JSJB_DATABASE_PREFIX`,
    );
  }
  return name;
}

/** The server URL pointed at one database (path replaced, everything else kept). */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Each service's database URL on a PostgreSQL server, for a stack's database prefix. */
export function stackDatabaseUrls(serverUrl: string, prefix: string): Record<ServiceName, string> {
  const urls = {} as Record<ServiceName, string>;
  for (const service of SERVICES) urls[service] = withDatabase(serverUrl, databaseName(prefix, service));
  return urls;
}

/** The URL without its password, for messages. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

export interface ServiceEnvInput {
  service: ServiceName;
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string;
  port: number;
  path: string;
}

/** A service's environment: the launcher's, with the stack's wiring on top. */
export function serviceEnv(base: Env, input: ServiceEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const nodeEnv = nonEmpty(base['NODE_ENV']) ?? 'development';
  return {
    ...env,
    PATH: input.path,
    NODE_ENV: nodeEnv,
    // The development stack's clock can be moved (npm run demo); never in production.
    DEV_CLOCK_CONTROL: nonEmpty(base['DEV_CLOCK_CONTROL']) ?? (nodeEnv === 'production' ? 'false' : 'true'),
    LOG_LEVEL: nonEmpty(base['LOG_LEVEL']) ?? 'info',
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    REDIS_KEY_PREFIX: nonEmpty(base['REDIS_KEY_PREFIX']) ?? 'jsjb:', // the service appends its own name
    KAFKA_BROKERS: input.kafkaBrokers,
    PORT: String(input.port),
  };
}

/** Environment for a tool child (nx, redis-server): the launcher's own, PATH adjusted, extras on top. */
export function toolEnv(base: Env, path: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return { ...env, PATH: path, ...extra };
}
