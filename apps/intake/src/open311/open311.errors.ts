import { AppError } from '@jsjb/platform';
import type { Open311Failure } from './open311.domain';
import type { Open311Error } from './open311.schemas';

/** An Open311 answer other than success: the HTTP status and the specification's `errors[]`. */
export interface Open311ErrorAnswer {
  status: number;
  errors: Open311Error[];
}

/**
 * A failure to answer in GeoReport's error format. An AppError, so that anything outside the
 * Open311 filter still renders it (as problem details) with its status.
 */
export class Open311Exception extends AppError {
  readonly answer: Open311ErrorAnswer;

  constructor(answer: Open311ErrorAnswer | Open311Failure) {
    const descriptions = answer.errors.map((e) => e.description);
    super(`OPEN311.HTTP_${answer.status}`, descriptions.join('; '), {
      status: answer.status,
      errors: answer.errors.map((e) => ({
        field: '(open311)',
        code: String(e.code),
        message: e.description,
      })),
    });
    this.answer = { status: answer.status, errors: answer.errors.map((e) => ({ ...e })) };
  }

  /** An answer whose error codes repeat the HTTP status, as Open311 clients expect. */
  static of(status: number, ...descriptions: string[]): Open311Exception {
    return new Open311Exception({
      status,
      errors: descriptions.map((description) => ({ code: status, description })),
    });
  }
}

/** A form body over the size limit: the parser hands this on so the Open311 route answers 413 in its format. */
export class OversizeForm {
  constructor(readonly limitBytes: number) {}
}
