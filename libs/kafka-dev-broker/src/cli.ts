#!/usr/bin/env node
// kafka-dev-broker [--port N] [--host H] [--partitions N] [--verbose]
// Prints exactly one line, "kafka-dev-broker listening on <host>:<port>", to stdout once it
// accepts connections (tools parse it); --verbose logs events to stderr. Exits 0 on
// SIGINT/SIGTERM after closing every connection.
// Outages for fault-injection runs: SIGUSR1 suspends the broker (stops listening and drops every
// connection, keeping topics, committed offsets and groups, as a restarted Kafka keeps its log),
// SIGUSR2 resumes it on the same address; each prints "kafka-dev-broker suspended" /
// "kafka-dev-broker resumed" once done.

import { startDevBroker, type DevBrokerOptions } from './index';

const USAGE = 'usage: kafka-dev-broker [--port N] [--host H] [--partitions N] [--verbose]';

function parseArgs(argv: readonly string[]): DevBrokerOptions & { help?: boolean } {
  const options: DevBrokerOptions & { help?: boolean } = { port: 9092 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new Error(`${flag} needs a value`);
      return next;
    };
    const integer = (min: number, max: number): number => {
      const text = value();
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < min || n > max)
        throw new Error(`${flag} must be an integer in ${min}..${max}, got "${text}"`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = integer(0, 65535);
        break;
      case '--host':
        options.host = value();
        break;
      case '--partitions':
        options.defaultPartitions = integer(1, 10_000);
        break;
      case '--verbose':
        options.logger = (line) => process.stderr.write(`kafka-dev-broker: ${line}\n`);
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown argument "${arg}"`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`kafka-dev-broker: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const broker = await startDevBroker(options);
  process.stdout.write(`kafka-dev-broker listening on ${broker.brokers}\n`);
  let stopping = false;
  let keepAlive: NodeJS.Timeout | undefined;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`kafka-dev-broker: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Outage requests run one after another, in the order they arrived. While suspended the broker
  // holds no socket, so a timer keeps the process alive until it resumes or stops.
  let outage = Promise.resolve();
  const outageStep = (action: 'suspend' | 'resume', done: string): void => {
    outage = outage
      .then(async () => {
        if (action === 'suspend') {
          keepAlive ??= setInterval(() => undefined, 3_600_000);
          await broker.suspend();
        } else {
          await broker.resume();
          clearInterval(keepAlive);
          keepAlive = undefined;
        }
      })
      .then(
        () => void (stopping || process.stdout.write(`kafka-dev-broker ${done}\n`)),
        (error: unknown) =>
          void process.stderr.write(`kafka-dev-broker: ${action} failed: ${String(error)}\n`),
      );
  };
  process.on('SIGUSR1', () => outageStep('suspend', 'suspended'));
  process.on('SIGUSR2', () => outageStep('resume', 'resumed'));
}

main().catch((error: unknown) => {
  process.stderr.write(`kafka-dev-broker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
