/** One problem with one input field, as reported in problem details' `errors[]`. */
export interface FieldError {
  /** JSON path of the offending field, e.g. `location.streetCode`. */
  field: string;
  /** Stable machine code, e.g. `too_small`, `invalid_format`. */
  code: string;
  message: string;
}

export interface AppErrorOptions {
  status?: number;
  title?: string;
  errors?: FieldError[];
  cause?: unknown;
  /** Seconds the client should wait before retrying (429, 503): sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

/**
 * A domain or request error with a stable code (e.g. `TICKET.ALREADY_SIGNED`), mapped to
 * problem details at the HTTP edge. Subclasses fix the status; the code names the case.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors: readonly FieldError[];
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 400;
    this.title = options.title ?? 'Bad Request';
    this.errors = options.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], message = 'The request is invalid.', code = 'REQUEST.INVALID') {
    super(code, message, { status: 400, title: 'Bad Request', errors });
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 404, title: 'Not Found' });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 409, title: 'Conflict' });
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super(code, message, { status: 403, title: 'Forbidden', errors });
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super(code, message, { status: 422, title: 'Unprocessable Content', errors });
  }
}

/** What a request shed for load is told to wait before retrying. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/**
 * The service is at its bound of requests in progress (HTTP_MAX_IN_FLIGHT): answered at once with
 * 503 and Retry-After. Expected under overload, so neither logged nor hidden behind a generic detail.
 */
export class OverloadedError extends AppError {
  constructor(limit: number) {
    super(
      'SERVICE.OVERLOADED',
      `The service is at its limit of ${limit} requests in progress; retry after the Retry-After delay (an Idempotency-Key makes that safe).`,
      { status: 503, title: 'Service Unavailable', retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS },
    );
  }
}
