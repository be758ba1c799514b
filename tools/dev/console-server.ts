// The operations console's server for `npm start`: the built single page (apps/console/dist) and
// the three services' APIs under one origin — /api/intake/…, /api/routing/…, /api/sla/… are passed
// to the services with the prefix taken off, so the browser needs no CORS. A deployment does the same
// with its gateway (docs in the README). With the development token secret (no AUTH_JWT_SECRET),
// POST /console/dev-login issues a development token for the role chosen on the login page, as
// `npm run token` does; GET /console/config says whether it can.
//
//   node tools/dev/console-server.ts   (CONSOLE_PORT, CONSOLE_DIST, INTAKE_URL, ROUTING_URL, SLA_URL)
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_PORT_BASE, planConsolePort, SERVICES, type ServiceName } from './config.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Roles the login page offers: the console's four views (admins and agents use the APIs). */
const LOGIN_ROLES = ['operator', 'dispatcher', 'unit_staff', 'manager'] as const;
const MAX_LOGIN_BODY = 4096;

export interface ConsoleServerOptions {
  /** The built page (apps/console/dist). */
  dist: string;
  upstreams: Record<ServiceName, string>;
  /** The token tool (libs/platform/dist/auth/token.cli.js), when development logins are allowed. */
  tokenCli: string | undefined;
  node: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function proxy(req: IncomingMessage, res: ServerResponse, upstream: string, path: string): void {
  const target = new URL(path, upstream);
  const headers = { ...req.headers, host: target.host };
  const out = request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => {
    if (!res.headersSent)
      send(res, 502, { code: 'CONSOLE.UPSTREAM_UNREACHABLE', message: `${upstream} did not answer` });
    else res.destroy();
  });
  req.pipe(out);
}

function serveFile(res: ServerResponse, dist: string, urlPath: string): void {
  const relative = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  let file = join(dist, relative);
  if (!file.startsWith(dist + sep) || !existsSync(file) || statSync(file).isDirectory()) {
    // The page's own routes (/manager, /unit, …) are the page.
    file = join(dist, 'index.html');
  }
  if (!existsSync(file)) {
    send(res, 503, { code: 'CONSOLE.NOT_BUILT', message: 'apps/console/dist is missing: npm run build' });
    return;
  }
  const hashed = relative.startsWith('assets/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BODY) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

const CODE = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The token tool's arguments for a login, or the field that is wrong. */
export function loginArguments(body: unknown): { args: string[] } | { field: string; message: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const role = LOGIN_ROLES.find((r) => r === b['role']);
  if (role === undefined) return { field: 'role', message: `one of ${LOGIN_ROLES.join(', ')}` };
  const args = ['--role', role, '--ttl', '43200'];
  for (const [field, flag] of [
    ['subject', '--sub'],
    ['unitId', '--unit'],
    ['districtCode', '--district'],
    ['streetCode', '--street'],
  ] as const) {
    const value = b[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' || !CODE.test(value))
      return { field, message: 'letters, digits and _.:- only' };
    args.push(flag, value);
  }
  if (role === 'unit_staff' && !args.includes('--unit'))
    return { field: 'unitId', message: 'a unit is required' };
  return { args };
}

export function consoleServer(options: ConsoleServerOptions) {
  const run = promisify(execFile);
  return createServer((req, res) => {
    const url = req.url ?? '/';
    const api = /^\/api\/([a-z]+)(\/.*)?$/.exec(url);
    if (api) {
      const service = SERVICES.find((s) => s === api[1]);
      if (service === undefined) send(res, 404, { code: 'CONSOLE.NO_SUCH_SERVICE', field: 'service' });
      else proxy(req, res, options.upstreams[service], api[2] ?? '/');
      return;
    }
    if (url === '/console/config') {
      send(res, 200, { devLogin: options.tokenCli !== undefined });
      return;
    }
    if (url === '/console/dev-login' && req.method === 'POST') {
      if (options.tokenCli === undefined) {
        send(res, 404, { code: 'CONSOLE.DEV_LOGIN_DISABLED', message: 'development logins are off here' });
        return;
      }
      const tokenCli = options.tokenCli;
      void readJson(req)
        .then(async (body) => {
          const login = loginArguments(body);
          if ('field' in login) {
            send(res, 400, { code: 'VALIDATION.FAILED', field: login.field, message: login.message });
            return;
          }
          const { stdout } = await run(options.node, [tokenCli, ...login.args]);
          send(res, 201, { token: stdout.trim() });
        })
        .catch(() => send(res, 400, { code: 'VALIDATION.FAILED', field: 'body', message: 'a JSON login' }));
      return;
    }
    if (url === '/healthz') {
      send(res, 200, { status: 'ok' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { code: 'CONSOLE.METHOD_NOT_ALLOWED' });
      return;
    }
    serveFile(res, options.dist, url.split('?')[0] ?? '/');
  });
}

if (import.meta.main) {
  const env = process.env;
  const root = join(import.meta.dirname, '..', '..');
  const upstreams = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    const value = env[`${service.toUpperCase()}_URL`];
    if (!value) throw new Error(`${service.toUpperCase()}_URL is not set`);
    upstreams[service] = value;
  }
  const devSecret = !env['AUTH_JWT_SECRET'] && env['NODE_ENV'] !== 'production';
  const server = consoleServer({
    dist: env['CONSOLE_DIST'] ?? join(root, 'apps', 'console', 'dist'),
    upstreams,
    tokenCli: devSecret ? join(root, 'libs', 'platform', 'dist', 'auth', 'token.cli.js') : undefined,
    node: process.execPath,
  });
  server.listen(Number(env['CONSOLE_PORT'] ?? planConsolePort(DEFAULT_PORT_BASE)), '127.0.0.1');
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
