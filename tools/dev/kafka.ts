// Kafka for `npm start`: the brokers KAFKA_BROKERS names (checked reachable), or else the
// in-memory dev broker of libs/kafka-dev-broker, run as a child process through its CLI (the
// launcher runs on Node's type stripping and cannot import workspace libraries).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brokerAddress, DEFAULT_DEV_BROKER_PORT, parseBrokers } from './config.ts';
import type { Output } from './log.ts';
import { isPortFree, tcpConnect, type ConnectResult } from './net.ts';
import {
  describeExit,
  pollUntil,
  sendSignal,
  stopChild,
  type ChildExit,
  type StopResult,
  type Supervisor,
} from './process.ts';
import { DevError } from './workspace.ts';

const PROBE_TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 15_000;
export const DEV_BROKER_STOP_TIMEOUT_MS = 5000;

/** The one stdout line the dev broker's CLI prints once it accepts connections. */
export const DEV_BROKER_LISTENING = /^kafka-dev-broker listening on (\S+):(\d+)$/;

/** The dev broker's CLI, once built (`nx run kafka-dev-broker:build`). */
export function devBrokerCli(root: string): string {
  return join(root, 'libs', 'kafka-dev-broker', 'dist', 'cli.js');
}

/**
 * Whether the first broker of a KAFKA_BROKERS list accepts TCP connections: enough to tell
 * "nothing there" before anything is built; the services' /readyz checks the protocol.
 */
export async function probeKafka(brokers: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ConnectResult> {
  const [first = ''] = parseBrokers(brokers);
  const { host, port } = brokerAddress(first);
  return tcpConnect(port, host, timeoutMs);
}

export interface DevBrokerProcess {
  host: string;
  port: number;
  /** `host:port`, for KAFKA_BROKERS. */
  brokers: string;
  /** Resolves when the broker exits (on its own, or after stop()). */
  exit: Promise<ChildExit>;
  /** The exit, once it happened. */
  exited(): ChildExit | undefined;
  /** SIGTERM, then SIGKILL after DEV_BROKER_STOP_TIMEOUT_MS. */
  stop(): Promise<StopResult>;
  /** An outage (fault injection): stops listening and drops every connection, keeping its data. */
  suspend(): Promise<void>;
  /** Ends the outage: listens again on the same address. */
  resume(): Promise<void>;
}

/**
 * Starts the dev broker on port 9092, or on a free port when 9092 is taken, and resolves once
 * it printed its listening line. Stops it again when it does not come up (or on a stop request).
 */
export async function startDevBroker(options: {
  root: string;
  /** The Node 22 binary to run the CLI with. */
  node: string;
  env: Record<string, string>;
  supervisor: Supervisor;
  output: Output;
  signal: AbortSignal;
}): Promise<DevBrokerProcess> {
  const cli = devBrokerCli(options.root);
  if (!existsSync(cli)) {
    throw new DevError(
      `${cli} not found: build it (npm start without --no-build, or npx nx run kafka-dev-broker:build), ` +
        'or point KAFKA_BROKERS at a running Kafka',
    );
  }
  // `--port 0` lets the broker pick the port itself, so a port taken meanwhile cannot fail it.
  const port = (await isPortFree(DEFAULT_DEV_BROKER_PORT)) ? DEFAULT_DEV_BROKER_PORT : 0;
  if (port === 0) {
    options.output.info(`port ${DEFAULT_DEV_BROKER_PORT} is in use: the Kafka dev broker takes a free port`);
  }
  let address: { host: string; port: number } | undefined;
  /** How many times the broker reported each outage step done. */
  const outageSteps = { suspended: 0, resumed: 0 };
  const handle = options.supervisor.spawn(
    {
      name: 'kafka',
      command: options.node,
      args: [cli, '--port', String(port)],
      cwd: options.root,
      env: options.env,
      output: options.output,
      format: (line) => {
        const match = DEV_BROKER_LISTENING.exec(line.trim());
        if (match !== null && address === undefined) {
          address = { host: match[1] ?? '', port: Number(match[2]) };
        }
        const step = /^kafka-dev-broker (suspended|resumed)$/.exec(line.trim())?.[1];
        if (step === 'suspended' || step === 'resumed') outageSteps[step] += 1;
        return line;
      },
    },
    { infrastructure: true },
  );
  const stop = (): Promise<StopResult> => stopChild(handle, { timeoutMs: DEV_BROKER_STOP_TIMEOUT_MS });
  const listening = await pollUntil(
    () => {
      if (address !== undefined) return Promise.resolve(address);
      const exited = handle.exited();
      if (exited !== undefined) {
        throw new DevError(
          `the Kafka dev broker stopped during start-up (${describeExit(exited)}); see the kafka lines above`,
        );
      }
      return Promise.resolve(undefined);
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, signal: options.signal },
  ).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (listening === undefined) {
    await stop();
    throw new DevError(
      `the Kafka dev broker did not report "kafka-dev-broker listening on …" within ${START_TIMEOUT_MS / 1000} s`,
    );
  }
  /** Signals an outage step and waits for the broker to report it done. */
  const outage = async (signal: 'SIGUSR1' | 'SIGUSR2', step: keyof typeof outageSteps): Promise<void> => {
    const before = outageSteps[step];
    sendSignal(handle, signal);
    const done = await pollUntil(
      () => {
        if (handle.exited() !== undefined)
          throw new DevError(`the Kafka dev broker exited instead of being ${step}`);
        return Promise.resolve(outageSteps[step] > before ? true : undefined);
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 20 },
    );
    if (done === undefined) throw new DevError(`the Kafka dev broker did not report being ${step}`);
  };
  return {
    host: listening.host,
    port: listening.port,
    brokers: `${listening.host}:${listening.port}`,
    exit: handle.exit,
    exited: () => handle.exited(),
    stop,
    suspend: () => outage('SIGUSR1', 'suspended'),
    resume: () => outage('SIGUSR2', 'resumed'),
  };
}
