import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contextFromHeaders } from './trace-context';
import { tracer } from './tracing';

/** Probes and scrapes: no span (they would drown the traces that matter). */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

interface RequestTrace {
  span: Span;
  context: Context;
}

const traces = new WeakMap<FastifyRequest, RequestTrace>();

/**
 * A server span per HTTP request, named by method and route template (`POST /tickets`), continuing
 * the caller's `traceparent`, active while the request is handled so that log lines carry its ids
 * and events written to the outbox carry its `traceparent`.
 *
 * The span's context is entered in `onRequest` and again in `preValidation`: Fastify reads a body
 * from stream events, whose callbacks run outside the request's async context.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) {
      done();
      return;
    }
    const parent = contextFromHeaders(request.headers);
    const span = tracer().startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
          'jsjb.request_id': request.id,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    traces.set(request, { span, context: ctx });
    context.with(ctx, done);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const current = traces.get(request);
    if (current === undefined) done();
    else context.with(current.context, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const current = traces.get(request);
    if (current !== undefined) {
      const status = reply.statusCode;
      current.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // Server spans are errors for 5xx only: a 4xx is the caller's mistake, answered correctly.
      if (status >= 500) current.span.setStatus({ code: SpanStatusCode.ERROR });
      current.span.end();
      traces.delete(request);
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const current = traces.get(request);
    if (current !== undefined) {
      current.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the request' });
      current.span.end();
      traces.delete(request);
    }
    done();
  });
}
