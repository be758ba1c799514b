import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { BaseConfig } from '../config/config';
import { traceLogFields } from '../tracing/trace-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honour a caller's request id when it is sane; mint one otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}

/**
 * JSON logs through pino: one line per request with its id, secrets redacted, probes quiet; a
 * line written while a request or event is handled carries the `traceId` and `spanId` of its span.
 */
export function pinoParams(service: string, config: Pick<BaseConfig, 'LOG_LEVEL'>): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { service },
      messageKey: 'msg',
      mixin: traceLogFields,
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      // Fastify assigned req.id already (see createApp); fall back for plain HTTP servers.
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = typeof req.id === 'string' ? req.id : requestIdFrom(req.headers[REQUEST_ID_HEADER]);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customAttributeKeys: { reqId: 'requestId' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
        censor: '[redacted]',
      },
      // Behind Nest's middleware layer req.url is relative to the mount point; originalUrl is the path.
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) => isProbe(req.originalUrl ?? req.url),
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** Query parameters whose values are personal data or credentials: never written to the logs. */
const SECRET_PARAMS = new Set(['phone', 'subject', 'name', 'caller', 'api_key', 'token', 'code']);
/** Path segments that are credentials (a resident's signed rating link). */
const SECRET_PATHS = /^(\/ratings\/)[^/?]+/;

/**
 * A request URL as it may be logged: the values of personal-data and credential parameters
 * (`?phone=…`, `?subject=…`, `api_key`) and signed-link tokens replaced by `[redacted]`.
 */
export function loggableUrl(url: string): string {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).replace(SECRET_PATHS, '$1[redacted]');
  if (query < 0) return path;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponentSafe(eq < 0 ? pair : pair.slice(0, eq));
      return SECRET_PARAMS.has(key.toLowerCase()) && eq >= 0 ? `${pair.slice(0, eq)}=[redacted]` : pair;
    });
  return `${path}?${params.join('&')}`;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isProbe(url: string | undefined): boolean {
  return url !== undefined && PROBES.has(url.split('?', 1)[0] ?? url);
}
