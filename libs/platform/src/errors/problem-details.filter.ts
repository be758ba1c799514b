import { Catch, type ArgumentsHost, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app.error';
import { toProblem, TRANSIENT_RETRY_AFTER_SECONDS } from './to-problem';

/** The one global filter: every error leaves the service as `application/problem+json`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(exception, request, reply, this.logger);
  }
}

export function sendProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  const { problem, serverError } = toProblem(exception, request.url);
  if (serverError !== undefined) {
    logger.error({ err: serverError, errorId: problem.errorId, reqId: request.id }, 'request failed');
  }
  if (exception instanceof AppError && exception.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(Math.max(0, Math.ceil(exception.retryAfterSeconds))));
  } else if (problem.code === 'SERVICE.UNAVAILABLE') {
    void reply.header('retry-after', String(TRANSIENT_RETRY_AFTER_SECONDS));
  }
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(problem);
}
