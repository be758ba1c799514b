import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { AppError, PLATFORM_CONFIG, ValidationError } from '@jsjb/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RoutingConfig } from '../config';

/** Content types reference imports accept besides JSON. */
export const CSV = 'text/csv';
export const GEO_JSON = 'application/geo+json';

const IMPORT_ROUTE = 'jsjbReferenceImport';

/** Marks a route that accepts CSV or GeoJSON bodies (the parsers refuse them on every other route). */
export const ReferenceImportRoute = (): MethodDecorator => RouteConfig({ [IMPORT_ROUTE]: true });

/**
 * Body parsers for text/csv and application/geo+json. The app's JSON parser and its limit stay as
 * they are: these two types are accepted only on routes marked ReferenceImportRoute, with their own
 * limit (REFERENCE_IMPORT_BODY_LIMIT_BYTES), and refused elsewhere before the body is read.
 * GeoJSON goes through Fastify's JSON parser (with its prototype-poisoning protection).
 */
@Injectable()
export class ReferenceImportParsers implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PLATFORM_CONFIG) private readonly config: RoutingConfig,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    const fastify = adapter?.getInstance();
    if (!fastify || fastify.hasContentTypeParser(CSV)) return;
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    const limit = this.config.REFERENCE_IMPORT_BODY_LIMIT_BYTES;
    fastify.addContentTypeParser([CSV, GEO_JSON], (request, payload, done) => {
      if (!isImportRoute(request)) {
        done(
          new AppError(
            'REQUEST.UNSUPPORTED_MEDIA_TYPE',
            `${String(request.headers['content-type'])} is accepted only by reference imports.`,
            { status: 415, title: 'Unsupported Media Type' },
          ),
          undefined,
        );
        return;
      }
      readText(payload, limit).then(
        (text) => {
          if (!isGeoJson(request)) {
            done(null, text);
            return;
          }
          void parseJson(request, text, (error, value) => {
            done(
              error
                ? new ValidationError(
                    [{ field: '(body)', code: 'malformed_json', message: error.message }],
                    'The request body is not valid JSON.',
                    'REQUEST.MALFORMED_JSON',
                  )
                : null,
              value,
            );
          });
        },
        (error: Error) => done(error, undefined),
      );
    });
  }
}

function isImportRoute(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return config?.[IMPORT_ROUTE] === true;
}

function isGeoJson(request: FastifyRequest): boolean {
  return String(request.headers['content-type']).toLowerCase().startsWith(GEO_JSON);
}

/** Reads a body as UTF-8 text, failing with 413 once it exceeds `limit` bytes. */
function readText(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    stream.on('data', (chunk: Buffer | string) => {
      if (failed) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        failed = true;
        reject(
          new AppError('REQUEST.BODY_TOO_LARGE', `The body exceeds ${limit} bytes.`, {
            status: 413,
            title: 'Content Too Large',
          }),
        );
        return;
      }
      chunks.push(buffer);
    });
    stream.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    stream.on('error', (error: Error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}
