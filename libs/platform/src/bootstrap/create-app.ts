import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import type { BaseConfig } from '../config/config';
import { ValidationError } from '../errors/app.error';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { REQUEST_ID_HEADER, requestIdFrom } from '../logging/logging';
import { MetricsRegistry } from '../metrics/metrics';
import { APP_CONNECTORS } from '../platform.tokens';
import { traceHttpRequests } from '../tracing/http-tracing';
import { shedLoad } from '../http/load-shedding';

export interface OpenApiInfo {
  title: string;
  description: string;
  version?: string;
}

export interface CreateAppOptions {
  module: Type | DynamicModule;
  config: BaseConfig;
  openApi: OpenApiInfo;
}

/**
 * Builds a service's Nest application on Fastify with the platform's cross-cutting wiring:
 * request ids, a trace span per request, JSON logs, problem-details errors, HTTP metrics and the
 * OpenAPI UI at /docs.
 * Used by `runService` and by integration tests (which call `app.inject`).
 */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.HTTP_BODY_LIMIT_BYTES,
    trustProxy: options.config.HTTP_TRUST_PROXY,
    // The same id for Fastify's request.id and pino-http's req.id (which reads it back).
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      req.id = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Fastify's built-in JSON parser stays (see useStrictJsonParser); nothing else is accepted.
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalFilters(new ProblemDetailsFilter());

  const fastify = app.getHttpAdapter().getInstance();
  // First: the request's span is active in every later hook, guard and handler.
  traceHttpRequests(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    void reply.headers(request.url.startsWith('/docs') ? DOCS_SECURITY_HEADERS : SECURITY_HEADERS);
    done();
  });
  // After the request id and headers (a shed answer carries them), before any work on the request.
  shedLoad(fastify, options.config.HTTP_MAX_IN_FLIGHT, app.get(MetricsRegistry).registry, logger);
  if (options.config.HTTP_CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: options.config.HTTP_CORS_ORIGINS,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        REQUEST_ID_HEADER,
        'x-access-purpose',
      ],
      exposedHeaders: [
        REQUEST_ID_HEADER,
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      credentials: false,
      maxAge: 600,
    });
  }
  app.get(MetricsRegistry).instrument(fastify);
  useStrictJsonParser(fastify);
  for (const connect of appConnectors(app)) connect(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.openApi.title)
      .setDescription(options.openApi.description)
      .setVersion(options.openApi.version ?? '0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Headers on every API response: no MIME sniffing, no framing, no referrer, HTTPS only once seen
 * over HTTPS, nothing cached (responses can hold personal data), and a CSP that allows nothing
 * (JSON needs none). Handlers may still set their own Cache-Control.
 */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** The OpenAPI UI at /docs runs its own scripts and styles: same-origin only, still no framing. */
const DOCS_SECURITY_HEADERS = {
  ...SECURITY_HEADERS,
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
} as const;

/**
 * Fastify's JSON parser (with its prototype-poisoning protection), but a body that is not
 * JSON becomes a REQUEST.MALFORMED_JSON problem instead of a generic 400.
 */
function useStrictJsonParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const body = typeof raw === 'string' ? raw : raw.toString('utf8');
    void parseJson(request, body, (error, value) => {
      if (error) {
        const empty = body === '';
        done(
          new ValidationError(
            [{ field: '(body)', code: empty ? 'empty_body' : 'malformed_json', message: error.message }],
            empty ? 'The request body is empty.' : 'The request body is not valid JSON.',
            empty ? 'REQUEST.EMPTY_BODY' : 'REQUEST.MALFORMED_JSON',
          ),
          undefined,
        );
      } else {
        done(null, value);
      }
    });
  });
}

/** Attaches a transport (a Kafka consumer, …) to the application. */
export type AppConnector = (app: INestApplication) => void;

function appConnectors(app: INestApplication): AppConnector[] {
  try {
    return app.get<AppConnector[]>(APP_CONNECTORS, { strict: false });
  } catch {
    return []; // no module provides any
  }
}

/**
 * Starts a created application in the one safe order: every module's init hooks first (features
 * subscribe to in-process event buses, timers are re-armed), then the transports — a Kafka consumer
 * applies events from its first batch on, and an event it applied before its handlers' features
 * subscribed would be marked processed with no effect — then HTTP: listening on `listen`, or ready
 * for injected requests (tests).
 */
export async function startApp(
  app: INestApplication,
  listen?: { port: number; host: string },
): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  if (listen) await app.listen(listen.port, listen.host);
  else await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
}
