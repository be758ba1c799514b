import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { AppError, toProblem } from '@jsjb/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { splitOpen311Resource } from './open311.domain';
import { type Open311ErrorAnswer, Open311Exception } from './open311.errors';
import { renderOpen311 } from './open311.xml';

/**
 * Errors of the Open311 routes in GeoReport's format — `[{code, description}]` as JSON or XML, by
 * the resource's extension (JSON when it names no known format) — instead of problem details.
 *
 * The specification knows 400, 403 and 404. Intake's own errors map onto them: an unknown category
 * (the catalogue changed under the request) is the spec's "service_code was not found" 404; an
 * unknown location (an address_id naming no area) and any other 422 is a 400 — the request cannot
 * be fulfilled as sent. Statuses the specification does not list but HTTP needs keep their status
 * with the spec's body: 413 (form over the body limit), 429 (rate limit, with Retry-After) and 5xx
 * (an errorId to quote, the error logged).
 */
@Catch()
export class Open311ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const answer = this.answerFor(exception, request);
    const retryAfter = retryAfterSeconds(exception);
    if (retryAfter !== null) void reply.header('retry-after', String(retryAfter));
    const { contentType, body } = renderOpen311(formatOf(request.url), 'errors', answer.errors);
    void reply.status(answer.status).header('content-type', contentType).send(body);
  }

  private answerFor(exception: unknown, request: FastifyRequest): Open311ErrorAnswer {
    if (exception instanceof Open311Exception) return exception.answer;
    const { problem, serverError } = toProblem(exception, request.url);
    if (serverError !== undefined) {
      this.logger.error({ err: serverError, errorId: problem.errorId, reqId: request.id }, 'request failed');
      return answer(problem.status, `An unexpected error occurred; quote errorId ${problem.errorId ?? ''}`);
    }
    const descriptions =
      problem.errors.length > 0 ? problem.errors.map((e) => e.message) : [problem.detail ?? problem.title];
    switch (problem.status) {
      case 401:
        return answer(403, ...descriptions);
      case 422:
        return answer(problem.code === 'TICKET.UNKNOWN_CATEGORY' ? 404 : 400, ...descriptions);
      default:
        return answer(problem.status, ...descriptions);
    }
  }
}

function answer(status: number, ...descriptions: string[]): Open311ErrorAnswer {
  const texts = descriptions.map((d) => d.trim()).filter((d) => d !== '');
  return {
    status,
    errors: (texts.length > 0 ? texts : ['The request failed']).map((description) => ({
      code: status,
      description,
    })),
  };
}

/** The format named by the last path segment (`requests.xml`, `requests/2026….xml`); JSON otherwise. */
function formatOf(url: string): 'json' | 'xml' {
  const path = url.split('?')[0] ?? '';
  const segment = path.slice(path.lastIndexOf('/') + 1);
  // An id is percent-encoded at most; the extension never is.
  return splitOpen311Resource(segment)?.format ?? 'json';
}

/** When to try again (a 429 of a rate limit): HTTP clients read it from Retry-After. */
function retryAfterSeconds(exception: unknown): number | null {
  if (!(exception instanceof AppError) || exception.retryAfterSeconds === undefined) return null;
  return Math.max(0, Math.ceil(exception.retryAfterSeconds));
}
