#!/usr/bin/env node
// kafka-dev-broker [--port N] [--host H] [--partitions N] [--verbose]
// Prints exactly one line, "kafka-dev-broker listening on <host>:<port>", to stdout once it
// accepts connections (tools parse it); --verbose logs events to stderr. Exits 0 on
// SIGINT/SIGTERM after closing every connection.

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
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
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
}

main().catch((error: unknown) => {
  process.stderr.write(`kafka-dev-broker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
