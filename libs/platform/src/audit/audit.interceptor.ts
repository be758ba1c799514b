import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { catchError, concatMap, from, type Observable, throwError } from 'rxjs';
import type { Principal } from '../auth/jwt';
import { errorOutcome } from '../errors/to-problem';
import { MetricsRegistry } from '../metrics/metrics';
import { Clock } from '../time/clock';
import { type AuditActor, AuditNotes, withAuditNotes } from './audit-note';
import { bodyFieldNames, resourceIdsOf, summarizeBody } from './audit-summary';
import { type AuditEntry, AuditRepository } from './audit.repository';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SKIP_AUDIT_KEY = 'jsjb:audit:skip';

/** The actor of a public route nobody identified (no token, no api_key recognised). */
export const ANONYMOUS_ACTOR: AuditActor = { subject: 'anonymous', role: 'anonymous', unitId: null };

/**
 * The route changes nothing although it is a POST (a suggestion computed from the body): it is not
 * audited. Give the reason next to it.
 */
export const SkipAudit = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_AUDIT_KEY, true);

type AuditedRequest = FastifyRequest & { principal?: Principal };

type Outcome = { ok: true; body: unknown } | { ok: false; error: unknown };

/**
 * Global interceptor: every state-changing HTTP request (POST, PUT, PATCH, DELETE) that reaches its
 * handler leaves one `audit_log` row once the handler is done, success or failure — actor, time,
 * route key, resource ids, status and error code, request id, before/after summaries and the body's
 * field names. Requests the auth guard refuses (401, role 403) never reach interceptors and are not
 * recorded (see the README's audit section).
 *
 * The row is written before the response leaves, after the handler's transaction has committed. A
 * failed write is logged and counted (`audit_write_failures_total`) but does not fail the request:
 * the change it describes has happened and the caller must learn so.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');
  private readonly failures: Counter;

  constructor(
    @Inject(AuditRepository) private readonly repository: AuditRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
  ) {
    this.failures = new Counter({
      name: 'audit_write_failures_total',
      help: 'Audit rows that could not be written (the request they describe was answered anyway)',
      registers: [metrics.registry],
    });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<AuditedRequest>();
    if (!STATE_CHANGING.has(request.method)) return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(SKIP_AUDIT_KEY, targets)) return next.handle();

    const reply = http.getResponse<FastifyReply>();
    const at = this.clock.now();
    const notes = new AuditNotes();
    return withAuditNotes(notes, () => next.handle()).pipe(
      concatMap(async (body: unknown) => {
        await this.record(request, reply, at, notes, { ok: true, body });
        return body;
      }),
      catchError((error: unknown) =>
        from(this.record(request, reply, at, notes, { ok: false, error })).pipe(
          concatMap(() => throwError(() => error)),
        ),
      ),
    );
  }

  /** Never throws: an audit failure is logged and counted, the request goes on. */
  private async record(
    request: AuditedRequest,
    reply: FastifyReply,
    at: Date,
    notes: AuditNotes,
    outcome: Outcome,
  ): Promise<void> {
    let entry: AuditEntry | undefined;
    try {
      entry = this.entry(request, reply, at, notes, outcome);
      await this.repository.append(entry);
    } catch (error) {
      this.failures.inc();
      this.logger.error(
        { err: error, reqId: request.id, action: entry?.action, status: entry?.status },
        'audit row not written',
      );
    }
  }

  private entry(
    request: AuditedRequest,
    reply: FastifyReply,
    at: Date,
    notes: AuditNotes,
    outcome: Outcome,
  ): AuditEntry {
    const principal = request.principal;
    const actor =
      notes.actor ??
      (principal
        ? { subject: principal.subject, role: principal.role, unitId: principal.unitId }
        : ANONYMOUS_ACTOR);
    const resourceIds = { ...resourceIdsOf(request.params), ...notes.resourceIds };
    const failure = outcome.ok ? undefined : errorOutcome(outcome.error);
    let after: AuditEntry['after'] = null;
    if (outcome.ok) {
      const summary = summarizeBody(outcome.body);
      // A created resource is named by the id the response gives it.
      const createdId = summary?.['id'];
      if (typeof createdId === 'string' && !Object.values(resourceIds).includes(createdId)) {
        resourceIds[resourceIds['id'] === undefined ? 'id' : 'resultId'] = createdId;
      }
      const merged = { ...summary, ...notes.after };
      after = Object.keys(merged).length > 0 ? merged : null;
    }
    return {
      id: randomUUID(),
      at,
      actor: { subject: actor.subject, role: actor.role, unitId: actor.unitId ?? null },
      action: `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      resourceIds,
      status: failure ? failure.status : reply.statusCode,
      errorCode: failure ? failure.code : null,
      requestId: request.id,
      before: notes.before ?? null,
      after,
      bodyFields: bodyFieldNames(request.body, request.headers['content-type']),
    };
  }
}
