import { z } from 'zod';
import { NotFoundError, ValidationError, type FieldError } from './app.error';

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

const uuidSchema = z.uuid();

/**
 * A UUID path parameter. An id that cannot exist is answered like one that does not: 404 with the
 * resource's code (`what` names it in the message), never a 400 that tells ids apart.
 */
export function uuidParam(value: string, code: string, what = 'resource'): string {
  if (!uuidSchema.safeParse(value).success) throw new NotFoundError(code, `No ${what} ${value}.`);
  return value;
}
