import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Role } from './jwt';

/**
 * Who may call one route. Every route of a service has exactly one rule in the service's
 * permission map (`src/permissions.ts`); a route without one stops the service at boot.
 * - `roles`: a bearer token with one of these roles (admin only where listed). Finer scoping
 *   (own unit, own tickets, a manager's area) is the route's own business, on top of this.
 * - `public`: no token; the reason says why (probes, resident links signed otherwise, Open311
 *   with its api_key). Public routes that change state or cost work are rate-limited.
 */
export type Permission = { readonly roles: readonly Role[] } | { readonly public: string };

/** `METHOD /path/:param` → rule, e.g. `'GET /tickets/:id': { roles: ['operator', 'admin'] }`. */
export type PermissionMap = Readonly<Record<string, Permission>>;

/** A service's permission map, checked for shape (non-empty role lists, reasons, key format). */
export function definePermissions<const M extends PermissionMap>(map: M): M {
  for (const [key, rule] of Object.entries(map)) {
    if (!ROUTE_KEY.test(key)) throw new Error(`permission map: "${key}" is not "METHOD /path"`);
    if ('roles' in rule && rule.roles.length === 0) {
      throw new Error(`permission map: ${key} lists no role (use public with a reason, or remove the route)`);
    }
    if ('public' in rule && rule.public.trim() === '') {
      throw new Error(`permission map: ${key} is public without a reason`);
    }
  }
  return map;
}

const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE) \/[^\s]*$/;

/** The routes every service gets from the platform (probes, metrics, the audit trail). */
export const PLATFORM_PERMISSIONS = definePermissions({
  'GET /healthz': { public: 'liveness probe' },
  'GET /readyz': { public: 'readiness probe' },
  'GET /metrics': { public: 'Prometheus scrape; keep it on the cluster network' },
  'GET /audit': { roles: ['admin'] },
});

/** The development clock control's routes, present only with DEV_CLOCK_CONTROL=true. */
export const DEV_CLOCK_PERMISSIONS = definePermissions({
  'GET /dev/clock': { roles: ['admin'] },
  'POST /dev/clock': { roles: ['admin'] },
});

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

/** A route declared by a controller method, as its permission-map key. */
export interface DeclaredRoute {
  key: string;
  method: string;
  path: string;
  handler: (...args: never[]) => unknown;
  controller: string;
}

/** The routes a controller class declares (`@Get(':id')` on `@Controller('tickets')` → `GET /tickets/:id`). */
export function controllerRoutes(controller: abstract new (...args: never[]) => unknown): DeclaredRoute[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
  const routes: DeclaredRoute[] = [];
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name === 'constructor') continue;
    const handler = prototype[name];
    if (typeof handler !== 'function') continue;
    const paths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (paths === undefined || requestMethod === undefined) continue;
    const method = METHODS[requestMethod];
    if (method === undefined) {
      throw new Error(
        `${controller.name}.${name}: HTTP method ${RequestMethod[requestMethod]} has no permission rule kind`,
      );
    }
    for (const prefix of base) {
      for (const path of pathsOf(paths)) {
        const full = joinPath(prefix, path);
        routes.push({
          key: `${method} ${full}`,
          method,
          path: full,
          handler: handler as (...args: never[]) => unknown,
          controller: controller.name,
        });
      }
    }
  }
  return routes;
}

function pathsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/')}`;
  return joined;
}

/**
 * Matches the service's routes with its permission map: every route has a rule and every rule a
 * route. Returns the rule of each handler; throws (and the service does not start) on a gap.
 */
export function bindPermissions(
  routes: readonly DeclaredRoute[],
  map: PermissionMap,
): Map<(...args: never[]) => unknown, { key: string; permission: Permission }> {
  const missing = routes.filter((r) => !Object.hasOwn(map, r.key));
  const declared = new Set(routes.map((r) => r.key));
  const stale = Object.keys(map).filter((key) => !declared.has(key));
  if (missing.length > 0 || stale.length > 0) {
    const lines = [
      ...missing.map((r) => `  - ${r.key} (${r.controller}) has no rule in the permission map`),
      ...stale.map((key) => `  - ${key} is in the permission map but no route declares it`),
    ];
    throw new Error(`The permission map does not match the routes:\n${lines.join('\n')}`);
  }
  const bound = new Map<(...args: never[]) => unknown, { key: string; permission: Permission }>();
  for (const route of routes) {
    const permission = map[route.key];
    if (permission !== undefined) bound.set(route.handler, { key: route.key, permission });
  }
  return bound;
}
