// The transient-error classification lives in the platform (HTTP maps it to 503 too).
export { isTransientError, TransientError } from '@jsjb/platform';

/** A stable description of an error for logs and dead-letter headers. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: String(error) };
}
