import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { BaseConfig } from '../config/config';

/** The instrumentation scope of every span the platform and messaging make. */
export const TRACER_NAME = 'jsjb';

/** The tracer of the platform and messaging spans (a no-op one until tracing is started). */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export type TracingConfig = Pick<
  BaseConfig,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_TRACES_SAMPLER_ARG'
>;

export interface StartTracingOptions {
  service: string;
  config: TracingConfig;
  /** Processors to use instead of the OTLP exporter (tests pass an in-memory exporter's). */
  spanProcessors?: SpanProcessor[];
}

/** The running tracing of the process: `shutdown()` flushes what is left to export. */
export interface Tracing {
  /** True when spans are recorded and exported; false when only trace ids are made (no exporter). */
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

/** `<endpoint>/v1/traces`, as the OTLP specification derives the traces URL from the base endpoint. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Installs OpenTelemetry for the process: W3C `traceparent` propagation, an AsyncLocalStorage
 * context manager, and a tracer provider.
 *
 * With an exporter (OTEL_EXPORTER_OTLP_ENDPOINT, or `spanProcessors`), new traces are sampled at
 * OTEL_TRACES_SAMPLER_ARG and spans are batched to the collector over OTLP/HTTP (protobuf).
 * Without one, nothing is recorded: spans are non-recording (no attributes, no export), but every
 * request and event still gets a trace id and span id, so log lines correlate and downstream
 * services continue the trace. Either way a caller's sampling decision (the `traceparent` flag) is
 * kept. Call once, before the application is created; the provider is process-wide.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  const { config } = options;
  const processors =
    options.spanProcessors ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? []
      : [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: otlpTracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT) }),
          }),
        ]);
  const exporting = processors.length > 0;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? options.service }),
    sampler: new ParentBasedSampler({
      root: exporting ? new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) : new AlwaysOffSampler(),
    }),
    spanProcessors: processors,
  });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  if (exporting) {
    // The exporter reports failures (collector unreachable, rejected spans) through diag.
    diag.setLogger(
      {
        error: (message, ...args) => stderrLine('error', options.service, message, args),
        warn: (message, ...args) => stderrLine('warn', options.service, message, args),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      DiagLogLevel.WARN,
    );
  }
  return {
    exporting,
    shutdown: async () => {
      // The last spans are exported now; a collector that is down must not fail the shutdown.
      await provider
        .shutdown()
        .catch((error: unknown) =>
          stderrLine('warn', options.service, 'spans not exported at shutdown:', [error]),
        );
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

function stderrLine(level: 'error' | 'warn', service: string, text: string, args: unknown[]): void {
  const message = errorMessageOf(text);
  const detail = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  process.stderr.write(
    JSON.stringify({
      level,
      time: new Date().toISOString(),
      service,
      context: 'OpenTelemetry',
      msg: detail === '' ? message : `${message} ${detail}`,
    }) + '\n',
  );
}

/** OpenTelemetry reports an export failure as the error serialised to JSON: its message is enough. */
function errorMessageOf(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? `export failed: ${parsed.message}` : text;
  } catch {
    return text;
  }
}
