import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { AppError, type FieldError, OverloadedError } from './app.error';
import { problemType, type ProblemDetails } from './problem-details';
import { isTransientError } from './transient';
import { toFieldErrors } from './zod-errors';

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function titleFor(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

function httpCode(status: number): string {
  return `HTTP.${titleFor(status)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')}`;
}

export interface ProblemMapping {
  problem: ProblemDetails;
  /** The original error when it is a server-side failure worth logging with its stack. */
  serverError?: unknown;
}

/** The HTTP status and stable code that anything thrown while serving a request maps to. */
export function errorOutcome(exception: unknown): { status: number; code: string } {
  if (exception instanceof AppError) return { status: exception.status, code: exception.code };
  if (exception instanceof ZodError) return { status: 400, code: 'REQUEST.INVALID' };
  if (exception instanceof HttpException) {
    // Includes Fastify's own errors (body too large, bad media type), which Nest wraps.
    const status = exception.getStatus();
    return { status, code: httpCode(status) };
  }
  // The database restarting, a connection dropped, a deadlock: the same request may succeed soon.
  if (isTransientError(exception)) return { status: 503, code: 'SERVICE.UNAVAILABLE' };
  return { status: 500, code: 'INTERNAL.UNEXPECTED' };
}

/** What a 503 for a transient failure tells clients to wait before retrying. */
export const TRANSIENT_RETRY_AFTER_SECONDS = 1;

/**
 * Maps anything thrown while serving a request to problem details. 4xx keep their message;
 * 5xx never leak internals: they carry a generic detail and an `errorId` to find the log line.
 */
export function toProblem(exception: unknown, instance?: string): ProblemMapping {
  const { status, code } = errorOutcome(exception);
  let detail: string | undefined;
  let errors: FieldError[] = [];
  let title: string | undefined;

  if (exception instanceof AppError) {
    detail = exception.message;
    errors = [...exception.errors];
    title = exception.title;
  } else if (exception instanceof ZodError) {
    detail = 'The request is invalid.';
    errors = toFieldErrors(exception);
  } else if (exception instanceof HttpException) {
    detail = status < 500 ? exception.message : undefined;
  }

  const problem: ProblemDetails = {
    type: problemType(code),
    title: title ?? titleFor(status),
    status,
    code,
    errors,
  };
  if (detail !== undefined) problem.detail = detail;
  if (instance !== undefined) problem.instance = instance;
  if (status >= 500 && !(exception instanceof OverloadedError)) {
    problem.errorId = randomUUID();
    problem.detail =
      code === 'SERVICE.UNAVAILABLE'
        ? 'A dependency is briefly unavailable; retry the request (an Idempotency-Key makes that safe).'
        : 'An unexpected error occurred. Quote the errorId when reporting it.';
    return { problem, serverError: exception };
  }
  return { problem };
}
