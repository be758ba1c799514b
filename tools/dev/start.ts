// `npm start`: the whole jsjb stack on this machine — PostgreSQL and Redis (found or started),
// databases, build, migrations, Kafka (KAFKA_BROKERS, or the dev broker started here), then
// intake, routing and sla with prefixed, readable logs.
// Ctrl-C stops everything in order and exits 0; a service crashing stops everything with exit 1.
import { join } from 'node:path';
import { planConsolePort, planPorts, SERVICES, toolEnv, type ServiceName } from './config.ts';
import { httpGet, isPortFree } from './net.ts';
import { describeExit, pollUntil, stopChild, type ChildExit, type ChildHandle } from './process.ts';
import {
  checkKafkaBrokers,
  prepareStack,
  runLauncher,
  spawnService,
  startKafkaDevBroker,
  STOP_TIMEOUT_MS,
  stopRequested,
  summaryLines,
  throwIfStopping,
  waitForAnswer,
  type DevContext,
  type KafkaInUse,
} from './stack.ts';
import { DevError, errorMessage, InterruptedError } from './workspace.ts';
import type { DevOptions } from './config.ts';

async function assertPortsFree(ports: Record<ServiceName, number>, consolePort: number): Promise<void> {
  const busy: string[] = [];
  for (const service of SERVICES) {
    if (!(await isPortFree(ports[service]))) busy.push(`${ports[service]} (${service})`);
  }
  if (!(await isPortFree(consolePort))) busy.push(`${consolePort} (console)`);
  if (busy.length > 0) {
    throw new DevError(
      `Port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use: stop what listens there, ` +
        'or choose other ports with JSJB_PORT_BASE (the console uses base, the services base+1..base+3)',
    );
  }
}

/**
 * Polls every service's /readyz until each answers 200; fails when one exits, the dev broker exits,
 * or the deadline passes.
 */
async function waitUntilReady(
  ctx: DevContext,
  handles: Record<ServiceName, ChildHandle>,
  ports: Record<ServiceName, number>,
  kafka: KafkaInUse,
  timeoutMs: number,
): Promise<void> {
  const giveUp = new AbortController();
  const signal = AbortSignal.any([ctx.signal, giveUp.signal]);
  try {
    await Promise.all(
      SERVICES.map(async (service) => {
        const url = `http://127.0.0.1:${ports[service]}/readyz`;
        let last = 'no answer yet';
        const ready = await pollUntil(
          async () => {
            const exited = handles[service].exited();
            if (exited !== undefined) {
              throw new DevError(
                `${service} exited before it was ready (${describeExit(exited)}); see its lines above`,
              );
            }
            const brokerExit = kafka.devBroker ? kafka.exited() : undefined;
            if (brokerExit !== undefined) {
              throw new DevError(
                `the Kafka dev broker exited before the services were ready (${describeExit(brokerExit)}); ` +
                  'see the kafka lines above',
              );
            }
            try {
              const response = await httpGet(url, 2000);
              if (response.status === 200) return true;
              last = `${response.status} ${response.body.slice(0, 300)}`;
            } catch (error) {
              last = errorMessage(error);
            }
            return undefined;
          },
          { timeoutMs, intervalMs: 250, signal },
        );
        if (ready === undefined) {
          throw new DevError(`${service} was not ready within ${timeoutMs / 1000} s (last /readyz: ${last})`);
        }
        ctx.output.info(`${service} is ready`);
      }),
    );
  } catch (error) {
    giveUp.abort();
    if (error instanceof InterruptedError && !ctx.signal.aborted)
      throw new DevError('readiness check aborted');
    throw error;
  }
}

/** The operations console's server (tools/dev/console-server.ts): the page and the services' APIs. */
function spawnConsole(ctx: DevContext, ports: Record<ServiceName, number>, port: number): ChildHandle {
  const upstreams = Object.fromEntries(
    SERVICES.map((service) => [`${service.toUpperCase()}_URL`, `http://127.0.0.1:${ports[service]}`]),
  );
  return ctx.supervisor.spawn({
    name: 'console',
    command: ctx.node,
    args: [join(ctx.root, 'tools', 'dev', 'console-server.ts')],
    cwd: ctx.root,
    env: toolEnv(ctx.env, ctx.path, { ...upstreams, CONSOLE_PORT: String(port) }),
    output: ctx.output,
  });
}

type Outcome = { kind: 'stop' } | { kind: 'crash'; name: string; exit: ChildExit };

async function start(ctx: DevContext, options: DevOptions): Promise<number> {
  const startedAt = Date.now();
  const ports = planPorts(options.portBase);
  const consolePort = planConsolePort(options.portBase);
  await assertPortsFree(ports, consolePort);
  // An unreachable KAFKA_BROKERS fails now, not after the build and the migrations.
  if (options.kafkaBrokers !== undefined) await checkKafkaBrokers(ctx, options.kafkaBrokers);
  const stack = await prepareStack(ctx, options, ports);
  // The dev broker starts after the build, which builds it.
  const kafka: KafkaInUse =
    options.kafkaBrokers !== undefined
      ? { brokers: options.kafkaBrokers, devBroker: false }
      : await startKafkaDevBroker(ctx);
  throwIfStopping(ctx);

  const handles = {} as Record<ServiceName | 'console', ChildHandle>;
  try {
    for (const service of SERVICES) {
      handles[service] = spawnService(ctx, service, stack, kafka.brokers, ports[service]);
    }
    handles.console = spawnConsole(ctx, ports, consolePort);
    ctx.output.info(
      `started ${SERVICES.map((s) => `${s} (pid ${handles[s].process.pid ?? '?'})`).join(', ')}`,
    );
    await waitUntilReady(ctx, handles, ports, kafka, options.readyTimeoutMs);

    await waitForAnswer('the console', `http://127.0.0.1:${consolePort}/healthz`, {
      timeoutMs: options.readyTimeoutMs,
      intervalMs: 100,
      signal: ctx.signal,
      child: handles.console,
    });
    for (const line of ['', ...summaryLines(ports, stack, kafka, consolePort), '']) ctx.output.info(line);
    ctx.output.info(
      `jsjb is ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s) — Ctrl-C stops everything`,
    );

    const outcome = await Promise.race<Outcome>([
      stopRequested(ctx.signal).then(() => ({ kind: 'stop' as const })),
      ...[...SERVICES, 'console' as const].map((name) =>
        handles[name].exit.then((exit) => ({ kind: 'crash' as const, name, exit })),
      ),
      ...(kafka.devBroker
        ? [kafka.exit.then((exit) => ({ kind: 'crash' as const, name: 'the Kafka dev broker', exit }))]
        : []),
    ]);
    // A service that exits while we stop it on request is not a crash.
    if (outcome.kind === 'stop' || ctx.signal.aborted) return 0;
    ctx.output.error(
      `${outcome.name} exited unexpectedly (${describeExit(outcome.exit)}): stopping everything`,
    );
    return 1;
  } finally {
    await stopServices(ctx, handles);
  }
}

async function stopServices(
  ctx: DevContext,
  handles: Partial<Record<ServiceName | 'console', ChildHandle>>,
): Promise<void> {
  const running = (['console', ...SERVICES] as const).filter(
    (service) => handles[service] !== undefined && handles[service].exited() === undefined,
  );
  if (running.length > 0) ctx.output.info(`stopping ${running.join(', ')}`);
  await Promise.all(
    running.map(async (service) => {
      const handle = handles[service];
      if (handle === undefined) return;
      const { exit, forced } = await stopChild(handle, { timeoutMs: STOP_TIMEOUT_MS });
      if (forced)
        ctx.output.warn(`${service} did not stop within ${STOP_TIMEOUT_MS / 1000} s and was killed`);
      else if (exit.code === 0 || exit.signal === 'SIGTERM') ctx.output.info(`${service} stopped`);
      else ctx.output.warn(`${service} stopped (${describeExit(exit)})`);
    }),
  );
}

await runLauncher(start, { interruptedExitCode: 0 });
