// A client of a running jsjb stack (npm start, or one a test launched): HTTP to the three services
// with development tokens, the development clock control, and waiting on conditions.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { planPorts, SERVICES, type ServiceName } from '../dev/config.ts';
import { pollUntil } from '../dev/process.ts';
import { findWorkspaceRoot, workspaceNode } from '../dev/workspace.ts';

const root = findWorkspaceRoot();
// The workspace's Node 22 (npm scripts run on it); the token tool needs it too.
const node = workspaceNode(root);

/** Claims of a caller, as `npm run token` takes them. */
export interface Caller {
  role: 'operator' | 'dispatcher' | 'unit_staff' | 'callback_agent' | 'manager' | 'admin' | 'resident';
  sub?: string;
  unit?: string;
  district?: string;
  street?: string;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface SystemClient {
  ports: Record<ServiceName, number>;
  http(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    caller: Caller,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** Moves every service's clock forward by `ms` (sla then runs the timers that became due). */
  advance(ms: number): Promise<void>;
  /** Polls `probe` until it returns a value; fails naming `what` after `timeoutMs`. */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

const REQUEST_TIMEOUT_MS = 30_000;

const tokens = new Map<string, string>();

function claimArgs(caller: Caller): string[] {
  const args = ['--role', caller.role, '--sub', caller.sub ?? `${caller.role}-system`];
  for (const claim of ['unit', 'district', 'street'] as const) {
    const value = caller[claim];
    if (value !== undefined) args.push(`--${claim}`, value);
  }
  return args;
}

/**
 * `count` development tokens from the project's own tool (`npm run token -- --count`): the caller's
 * claims, with subs `<sub>-1…count` when more than one.
 */
export function mintTokens(caller: Caller, count: number): string[] {
  const args = [...claimArgs(caller), '--count', String(count)];
  const printed = execFileSync(node, [join(root, 'libs/platform/dist/auth/token.cli.js'), ...args], {
    encoding: 'utf8',
    env: process.env,
  });
  return printed.trim().split('\n');
}

/** A development token for the caller, minted once. */
function token(caller: Caller): string {
  const key = claimArgs(caller).join(' ');
  let minted = tokens.get(key);
  if (minted === undefined) {
    minted = mintTokens(caller, 1)[0] ?? '';
    tokens.set(key, minted);
  }
  return minted;
}

/** A client of the stack whose services listen on `planPorts(portBase)` on 127.0.0.1. */
export function systemClient(portBase: number): SystemClient {
  const ports = planPorts(portBase);
  const http: SystemClient['http'] = async (service, method, path, caller, body, headers = {}) => {
    const response = await fetch(`http://127.0.0.1:${ports[service]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token(caller)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A service killed mid-request never answers: give up and let the caller retry.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  };

  const until: SystemClient['until'] = async (what, probe, wait = 30_000) => {
    const value = await pollUntil(probe, { timeoutMs: wait, intervalMs: 100 });
    if (value === undefined) throw new Error(`${what} did not happen within ${wait} ms`);
    return value;
  };

  const admin: Caller = { role: 'admin', sub: 'system-clock' };
  const advance: SystemClient['advance'] = async (ms) => {
    for (const service of SERVICES) {
      const moved = await http(service, 'POST', '/dev/clock', admin, { advanceMs: ms });
      if (moved.status !== 200) {
        throw new Error(
          `${service} did not move its clock (${moved.status}): start the stack with DEV_CLOCK_CONTROL=true`,
        );
      }
    }
  };

  return { ports, http, advance, until };
}
