import type { FieldError } from './app.error';

/** RFC 9457 problem details, with our stable `code`, per-field `errors` and an `errorId` on 5xx. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors: FieldError[];
  errorId?: string;
}

export const PROBLEM_TYPE_BASE = 'https://jsjb.dev/problems/';

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
