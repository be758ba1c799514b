import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { AppError, PLATFORM_CONFIG } from '@jsjb/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IntakeConfig } from '../config';
import { OversizeForm } from './open311.errors';

export const FORM = 'application/x-www-form-urlencoded';

const FORM_ROUTE = 'jsjbOpen311Form';

/** Marks a route that takes an `application/x-www-form-urlencoded` body (Open311 POST requests). */
export const Open311FormRoute = (): MethodDecorator => RouteConfig({ [FORM_ROUTE]: true });

/**
 * The body parser of `application/x-www-form-urlencoded`. The platform parses JSON only; GeoReport
 * POSTs forms. The body is kept as the raw string: the Open311 layer reads it with URLSearchParams,
 * keeping keys such as `attribute[code][]` literal (a nesting parser like qs would not) and repeated
 * keys. Only routes marked Open311FormRoute accept forms (415 elsewhere, before the body is read).
 * Over HTTP_BODY_LIMIT_BYTES the parser does not fail — a parser error would bypass the Open311
 * route's filter and leave as problem details — but hands the route an OversizeForm, which it
 * answers with 413 in GeoReport's error format.
 */
@Injectable()
export class Open311FormParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PLATFORM_CONFIG) private readonly config: IntakeConfig,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    const fastify = adapter?.getInstance();
    if (!fastify || fastify.hasContentTypeParser(FORM)) return;
    const limit = this.config.HTTP_BODY_LIMIT_BYTES;
    fastify.addContentTypeParser(FORM, (request, payload, done) => {
      if (!isFormRoute(request)) {
        done(
          new AppError(
            'REQUEST.UNSUPPORTED_MEDIA_TYPE',
            `${FORM} is accepted only by Open311 POST requests.`,
            {
              status: 415,
              title: 'Unsupported Media Type',
            },
          ),
          undefined,
        );
        return;
      }
      readForm(payload, limit).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
    });
  }
}

function isFormRoute(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return config?.[FORM_ROUTE] === true;
}

/**
 * Reads the body as text (a form is ASCII once percent-encoded; UTF-8 is what browsers send for the
 * rest). Past `limit` bytes it settles at once with an OversizeForm and drains the rest unread.
 */
function readForm(stream: NodeJS.ReadableStream, limit: number): Promise<string | OversizeForm> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    stream.on('data', (chunk: Buffer | string) => {
      if (settled) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        settled = true;
        chunks.length = 0;
        resolve(new OversizeForm(limit));
        return;
      }
      chunks.push(buffer);
    });
    stream.on('end', () => {
      if (!settled) resolve(Buffer.concat(chunks).toString('utf8'));
      settled = true;
    });
    stream.on('error', (error: Error) => {
      if (!settled) reject(error);
      settled = true;
    });
  });
}
