import { z } from 'zod';

/** Open311 client and key of development and tests: a production service refuses to start with it. */
export const DEVELOPMENT_OPEN311_CLIENT = 'open311-dev';
export const DEVELOPMENT_OPEN311_KEY = 'jsjb-open311-development-key';

/** One Open311 client: the id stored on its tickets, and the api_key it sends. */
export interface Open311Client {
  clientId: string;
  key: string;
}

const CLIENT_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** Keys travel in form bodies: no separators of this list, no spaces. */
const KEY = /^[!-~]{16,200}$/;

/**
 * `clientId:key` pairs separated by commas, e.g. `city-app:3f…,fixmystreet:9a…`. The key is what
 * follows the first colon. An empty value means no client (POST requests answers 403).
 */
const apiKeys = z.string().transform((raw, ctx): Open311Client[] => {
  const clients: Open311Client[] = [];
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const colon = pair.indexOf(':');
    const clientId = colon < 0 ? '' : pair.slice(0, colon).trim();
    const key = colon < 0 ? '' : pair.slice(colon + 1).trim();
    if (!CLIENT_ID.test(clientId) || !KEY.test(key) || key.includes(',')) {
      ctx.addIssue({
        code: 'custom',
        message: `each entry is clientId:key (id of letters, digits, "._-"; key of 16–200 visible ASCII characters), not "${clientId || pair.slice(0, 20)}:…"`,
      });
      return z.NEVER;
    }
    clients.push({ clientId, key });
  }
  if (new Set(clients.map((c) => c.clientId)).size !== clients.length) {
    ctx.addIssue({ code: 'custom', message: 'a clientId is listed twice' });
    return z.NEVER;
  }
  if (new Set(clients.map((c) => c.key)).size !== clients.length) {
    ctx.addIssue({ code: 'custom', message: 'two clients share a key' });
    return z.NEVER;
  }
  return clients;
});

/**
 * Open311 GeoReport v2 (`/open311/v2`) settings. Spread into the intake configuration
 * (apps/intake/src/config.ts), whose refinement calls `checkOpen311Config`.
 */
export const open311ConfigShape = {
  /**
   * The clients allowed to POST requests. Unset: the development client in development and test,
   * none in production.
   */
  OPEN311_API_KEYS: apiKeys.optional(),
  /** The jurisdiction served; a request naming another one gets 404. Unset: jurisdiction_id is ignored. */
  OPEN311_JURISDICTION_ID: z.string().trim().min(1).max(200).optional(),
  /** Offset of the datetimes Open311 answers with, in minutes east of UTC (480 = +08:00, China). */
  OPEN311_UTC_OFFSET_MINUTES: z.coerce.number().int().min(-720).max(840).default(480),
  /** The endpoint's public URL, as service discovery announces it. */
  OPEN311_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3001/open311/v2'),
  /** Discovery's `contact`: whom client developers write to. */
  OPEN311_CONTACT: z.string().trim().min(1).max(500).default('12345 市民服务热线 Open311 接入咨询'),
  /** Discovery's `key_service`: how to get an api_key. */
  OPEN311_KEY_SERVICE: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default('向 12345 市民服务热线管理部门申请 api_key（每个接入系统一个）'),
};

type Open311Config = z.infer<z.ZodObject<typeof open311ConfigShape>> & { NODE_ENV: string };

/** Production refuses the development key, as the platform refuses the development JWT secret. */
export function checkOpen311Config(config: Open311Config, ctx: z.RefinementCtx): void {
  if (
    config.NODE_ENV === 'production' &&
    config.OPEN311_API_KEYS?.some((c) => c.key === DEVELOPMENT_OPEN311_KEY)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['OPEN311_API_KEYS'],
      message: 'the development key cannot be used in production',
    });
  }
}

/** The clients in force: as configured, else the development client outside production. */
export function open311Clients(config: Open311Config): readonly Open311Client[] {
  if (config.OPEN311_API_KEYS !== undefined) return config.OPEN311_API_KEYS;
  return config.NODE_ENV === 'production'
    ? []
    : [{ clientId: DEVELOPMENT_OPEN311_CLIENT, key: DEVELOPMENT_OPEN311_KEY }];
}
