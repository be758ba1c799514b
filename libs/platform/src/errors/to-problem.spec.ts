import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { z } from 'zod';
import { AppError, ConflictError, ValidationError } from './app.error';
import { toProblem } from './to-problem';
import { parseOrThrow } from './zod-errors';

describe('toProblem', () => {
  it('maps a domain error to its status and stable code', () => {
    const { problem, serverError } = toProblem(
      new ConflictError('TICKET.ALREADY_SIGNED', 'The ticket is signed already.'),
      '/x',
    );
    expect(problem).toEqual({
      type: 'https://jsjb.dev/problems/ticket-already-signed',
      title: 'Conflict',
      status: 409,
      code: 'TICKET.ALREADY_SIGNED',
      detail: 'The ticket is signed already.',
      instance: '/x',
      errors: [],
    });
    expect(serverError).toBeUndefined();
  });

  it('lists each invalid field', () => {
    const schema = z.object({ phone: z.string().regex(/^1\d{10}$/), content: z.string().max(5) });
    let caught: unknown;
    try {
      parseOrThrow(schema, { phone: '123', content: 'too long' }, 'body');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const { problem } = toProblem(caught);
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors.map((e) => e.field)).toEqual(['body.phone', 'body.content']);
    expect(problem.errors.map((e) => e.code)).toEqual(['invalid_format', 'too_big']);
  });

  it('maps a thrown ZodError as a validation failure', () => {
    const result = z.object({ n: z.number() }).safeParse({ n: 'x' });
    expect(result.success).toBe(false);
    const { problem } = toProblem(result.error);
    expect(problem).toMatchObject({ status: 400, code: 'REQUEST.INVALID', errors: [{ field: 'n' }] });
  });

  it("maps Nest's HTTP exceptions (and Fastify's, which Nest wraps) to HTTP.* codes", () => {
    expect(toProblem(new NotFoundException('Cannot GET /x')).problem).toMatchObject({
      status: 404,
      code: 'HTTP.NOT_FOUND',
    });
    expect(toProblem(new PayloadTooLargeException()).problem).toMatchObject({
      status: 413,
      code: 'HTTP.CONTENT_TOO_LARGE',
    });
  });

  it('hides internals of unexpected errors behind an errorId', () => {
    const boom = new Error('password=hunter2 at db.internal:5432');
    const { problem, serverError } = toProblem(boom);
    expect(problem.status).toBe(500);
    expect(problem.code).toBe('INTERNAL.UNEXPECTED');
    expect(problem.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(serverError).toBe(boom);
  });

  it('answers 503 SERVICE.UNAVAILABLE for a transient failure (the database restarting), still logged', () => {
    const restarting = Object.assign(new Error('Database error. Code: `57P03`'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2039',
      meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P03' } } },
    });
    const { problem, serverError } = toProblem(restarting, '/tickets');
    expect(problem).toMatchObject({ status: 503, code: 'SERVICE.UNAVAILABLE', title: 'Service Unavailable' });
    expect(problem.detail).toContain('retry');
    expect(problem.errorId).toEqual(expect.any(String));
    expect(serverError).toBe(restarting);
    expect(toProblem(Object.assign(new Error('duplicate key'), { code: '23505' })).problem.status).toBe(500);
  });

  it('gives a 5xx domain error an errorId and a generic detail', () => {
    const { problem } = toProblem(
      new AppError('DEPENDENCY.DOWN', 'kafka at 10.0.0.7 refused', {
        status: 503,
        title: 'Service Unavailable',
      }),
    );
    expect(problem).toMatchObject({ status: 503, code: 'DEPENDENCY.DOWN' });
    expect(problem.errorId).toBeDefined();
    expect(problem.detail).not.toContain('10.0.0.7');
  });
});
