import type { z } from 'zod';
import { ValidationError, type FieldError } from './app.error';

/** Maps zod issues to per-field errors. */
export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return {
      field: prefix && path ? `${prefix}.${path}` : prefix || path || '(root)',
      code: issue.code,
      message: issue.message,
    };
  });
}

/** Parses `input` with `schema` or throws a ValidationError naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error, prefix));
  return result.data;
}
