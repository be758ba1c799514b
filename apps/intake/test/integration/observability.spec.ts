import { startTracing, type TokenClaims, type Tracing } from '@jsjb/platform';
import { metricSample, waitFor } from '@jsjb/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { type IntakeHarness, startIntakeHarness, TIMEOUT_MS } from '../support/intake-harness';
import { AREAS, seedReference } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const operator: TokenClaims = { sub: 'operator-7', role: 'operator' };
const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('intake observability: business metrics and traces', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let h: IntakeHarness;

  beforeAll(async () => {
    // As runService does: tracing before the application.
    tracing = startTracing({
      service: 'intake',
      config: { OTEL_TRACES_SAMPLER_ARG: 1 },
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    h = await startIntakeHarness();
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
    await tracing?.shutdown();
  }, TEST_TIMEOUT_MS);

  const metrics = async (): Promise<string> => (await h.http('GET', '/metrics', null)).text;
  const complaint = (triage: Record<string, unknown>) => ({
    requestType: 'complaint',
    categoryCode: 'urban.construction.night-work',
    content: '安贞西里三区旁边的工地每天夜里十一点以后还在施工，噪音很大，影响休息。',
    caller: { name: '王女士', phone: '138 1234 5678' },
    location: {
      districtCode: AREAS.district.code,
      streetCode: AREAS.anzhen.code,
      communityCode: AREAS.anzhenXili.code,
      address: '安贞西里三区',
    },
    triage,
  });

  it(
    'exports the business and backbone metrics from the start',
    async () => {
      const text = await metrics();
      for (const name of [
        'jsjb_tickets_received_total',
        'jsjb_outbox_lag_seconds',
        'jsjb_outbox_pending',
        'jsjb_consumer_lag_messages',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      expect(metricSample(text, 'jsjb_outbox_pending', {})).toBeGreaterThanOrEqual(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts a created ticket in jsjb_tickets_received_total by channel and outcome',
    async () => {
      const forwarded = { channel: 'hotline', outcome: 'forwarded', service: 'intake' };
      const answered = { channel: 'hotline', outcome: 'answered', service: 'intake' };
      const before = await metrics();
      const forwardedBefore = metricSample(before, 'jsjb_tickets_received_total', forwarded) ?? 0;
      const answeredBefore = metricSample(before, 'jsjb_tickets_received_total', answered) ?? 0;

      const sent = await h.http('POST', '/tickets', operator, complaint({ outcome: 'dispatch' }));
      expect(sent.status).toBe(201);
      const direct = await h.http(
        'POST',
        '/tickets',
        operator,
        complaint({ outcome: 'direct', reply: '已联系施工单位，夜间停止施工。' }),
      );
      expect(direct.status).toBe(201);

      await waitFor(
        async () => {
          const text = await metrics();
          return (
            metricSample(text, 'jsjb_tickets_received_total', forwarded) === forwardedBefore + 1 &&
            metricSample(text, 'jsjb_tickets_received_total', answered) === answeredBefore + 1
          );
        },
        { description: 'both tickets counted', timeoutMs: TIMEOUT_MS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'continues the caller’s trace from the request to the published event, through the create path’s writer',
    async () => {
      exporter.reset();
      const res = await h.http('POST', '/tickets', operator, complaint({ outcome: 'dispatch' }), {
        traceparent: `00-${CALLER_TRACE_ID}-b7ad6b7169203331-01`,
      });
      expect(res.status).toBe(201);
      const ticketId = res.body['id'] as string;
      const spans = await waitFor(
        () => {
          const finished = exporter.getFinishedSpans();
          return (
            finished.some(
              (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.kafka.message.key'] === ticketId,
            ) && finished
          );
        },
        { description: 'the publish span of the ticket', timeoutMs: TIMEOUT_MS },
      );
      const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /tickets');
      const publish = spans.find(
        (s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.kafka.message.key'] === ticketId,
      );
      expect(server?.spanContext().traceId).toBe(CALLER_TRACE_ID);
      expect(server?.attributes['http.response.status_code']).toBe(201);
      expect(publish?.name).toBe('publish ticket.received.v1');
      expect(publish?.spanContext().traceId).toBe(CALLER_TRACE_ID);
      expect(publish?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    },
    TEST_TIMEOUT_MS,
  );
});
