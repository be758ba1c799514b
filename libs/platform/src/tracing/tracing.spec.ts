import { context, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { Writable } from 'node:stream';
import { pinoParams } from '../logging/logging';
import { contextFromTraceparent, traceLogFields, traceparentOf } from './trace-context';
import { otlpTracesUrl, startTracing, tracer, type Tracing } from './tracing';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A pino logger with the services' mixin, writing its lines into an array. */
function captureLogs(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const params = pinoParams('test', { LOG_LEVEL: 'info' }).pinoHttp as LoggerOptions;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { log: pino({ mixin: params.mixin }, stream), lines };
}

describe('log lines and traces', () => {
  let tracing: Tracing | undefined;

  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('carry the traceId and spanId of the active span, and nothing outside one', () => {
    tracing = startTracing({ service: 'test', config: { OTEL_TRACES_SAMPLER_ARG: 1 } });
    const { log, lines } = captureLogs();
    log.info('before');
    const span = tracer().startSpan('work', {}, contextFromTraceparent(CALLER));
    context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
    span.end();
    log.info('after');
    expect(lines.map((l) => [l['msg'], l['traceId'], l['spanId']])).toEqual([
      ['before', undefined, undefined],
      ['inside', '4bf92f3577b34da6a3ce929d0e0e4736', span.spanContext().spanId],
      ['after', undefined, undefined],
    ]);
  });

  it('carry nothing before tracing starts (tests, tools): the mixin is harmless', () => {
    const { log, lines } = captureLogs();
    log.info('plain');
    expect(traceLogFields()).toEqual({});
    expect(lines[0]).not.toHaveProperty('traceId');
  });
});

describe('startTracing', () => {
  let tracing: Tracing | undefined;

  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('without an exporter records nothing but still gives ids, and keeps a caller’s sampling decision', () => {
    tracing = startTracing({ service: 'test', config: { OTEL_TRACES_SAMPLER_ARG: 1 } });
    expect(tracing.exporting).toBe(false);
    const root = tracer().startSpan('root');
    expect(root.isRecording()).toBe(false);
    expect(root.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanContext().traceFlags).toBe(TraceFlags.NONE);
    const child = tracer().startSpan('child', {}, contextFromTraceparent(CALLER));
    expect(child.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceparentOf(trace.setSpan(context.active(), child))).toBe(
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${child.spanContext().spanId}-01`,
    );
  });

  it('with an exporter samples new traces at OTEL_TRACES_SAMPLER_ARG and exports ended spans', () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({
      service: 'test',
      config: { OTEL_TRACES_SAMPLER_ARG: 0, OTEL_SERVICE_NAME: 'intake-blue' },
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    expect(tracing.exporting).toBe(true);
    tracer().startSpan('new trace, ratio 0').end();
    tracer().startSpan('sampled by the caller', {}, contextFromTraceparent(CALLER)).end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['sampled by the caller']);
    expect(spans[0]?.resource.attributes['service.name']).toBe('intake-blue');
  });

  it('reads a stored traceparent, and none outside a trace', () => {
    tracing = startTracing({ service: 'test', config: { OTEL_TRACES_SAMPLER_ARG: 1 } });
    expect(traceparentOf()).toBeUndefined();
    expect(traceparentOf(contextFromTraceparent(CALLER))).toBe(CALLER);
    expect(traceparentOf(contextFromTraceparent('not a traceparent'))).toBeUndefined();
    expect(traceparentOf(contextFromTraceparent(undefined))).toBeUndefined();
  });

  it('sends spans to <endpoint>/v1/traces', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otlp.example/base/')).toBe('https://otlp.example/base/v1/traces');
  });
});
