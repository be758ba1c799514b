import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { OverloadedError } from '../errors/app.error';
import { sendProblem } from '../errors/problem-details.filter';

/** Routes an orchestrator and a scraper need most when the service is busiest: never shed. */
const OPERATIONAL_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Bounds the API requests in progress (HTTP_MAX_IN_FLIGHT). Past the bound a request is answered at
 * once with 503 SERVICE.OVERLOADED and Retry-After: the requests admitted keep their latency and the
 * service its memory, where an unbounded queue grew to tens of thousands of requests waiting tens of
 * seconds (docs/performance.md). A request counts until its response ends or its connection closes.
 */
export function shedLoad(
  fastify: FastifyInstance,
  maxInFlight: number,
  registry: Registry,
  logger: { error(payload: object, message: string): void },
): void {
  if (maxInFlight === 0) return;
  let inFlight = 0;
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'API requests in progress (probes and metrics not counted)',
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
  const shed = new Counter({
    name: 'http_requests_shed_total',
    help: 'API requests answered 503 SERVICE.OVERLOADED at once: HTTP_MAX_IN_FLIGHT were in progress',
    registers: [registry],
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (OPERATIONAL_PATHS.has(request.url.split('?', 1)[0] ?? '')) return done();
    if (inFlight >= maxInFlight) {
      shed.inc();
      // Answered here: the route's handler never runs, and `done` is not called.
      sendProblem(new OverloadedError(maxInFlight), request, reply, logger);
      return;
    }
    inFlight += 1;
    // 'close' comes once for every response: ended, or its connection gone first.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
    done();
  });
}
