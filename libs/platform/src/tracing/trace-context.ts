import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';

/** The W3C header (and outbox/CloudEvents attribute) that carries the trace context. */
export const TRACEPARENT = 'traceparent';

const singleValue: TextMapGetter<Readonly<Record<string, string | string[] | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return Array.isArray(value) ? value[0] : value;
  },
};

/**
 * The context to start a span in, continuing the trace of `headers` (an HTTP request's, a Kafka
 * record's): the root context when they carry no valid `traceparent`.
 */
export function contextFromHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  parent: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(parent, headers, singleValue);
}

/** The context continuing a stored `traceparent` (undefined: the root context). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent === undefined ? ROOT_CONTEXT : contextFromHeaders({ [TRACEPARENT]: traceparent });
}

/**
 * The `traceparent` of the span in `ctx` — by default the active one, for an event written now (the
 * outbox stores it; the relay and consumers continue the trace from it). Undefined outside any trace
 * or before tracing starts.
 */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier[TRACEPARENT];
}

export interface TraceLogFields {
  traceId: string;
  spanId: string;
}

/**
 * `traceId` and `spanId` of the active span for a log line (a pino mixin): a line written while a
 * request or event is handled can be found from its trace, and the other way round.
 */
export function traceLogFields(): TraceLogFields | Record<string, never> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}
