import type { DynamicModule } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { loadConfig, type BaseConfig } from '../config/config';
import { PlatformError } from '../errors/platform.error';
import { migrate } from '../migrations/migration-runner';
import { startTracing } from '../tracing/tracing';
import { createApp, startApp, type OpenApiInfo } from './create-app';

export interface RunServiceOptions<C extends BaseConfig> {
  service: string;
  configSchema: z.ZodType<C>;
  appModule: (config: C) => DynamicModule;
  migrationsDir: string;
  openApi: OpenApiInfo;
  /** Further subcommands (`node main.js <name> …`): return the exit code. */
  commands?: Readonly<Record<string, (config: C, args: readonly string[]) => Promise<number>>>;
  argv?: readonly string[];
}

/** One JSON line on stderr for failures that happen before the logger exists. */
function fatal(service: string, error: unknown): never {
  const code = error instanceof PlatformError ? error.code : 'BOOT.FAILED';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, code, msg: message }) + '\n',
  );
  process.exit(1);
}

/**
 * The entry point of every service. `node main.js` serves; `node main.js migrate` applies
 * the service's migrations and exits (used by `npm start`, init containers and CI).
 */
export async function runService<C extends BaseConfig>(options: RunServiceOptions<C>): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  let config: C;
  try {
    config = loadConfig(options.configSchema);
  } catch (error) {
    fatal(options.service, error);
  }
  const migrationLogger = {
    log: (msg: string) =>
      process.stdout.write(JSON.stringify({ level: 'info', service: options.service, msg }) + '\n'),
    warn: (msg: string) =>
      process.stdout.write(JSON.stringify({ level: 'warn', service: options.service, msg }) + '\n'),
  };

  if (argv[0] === 'migrate') {
    try {
      const result = await migrate({
        databaseUrl: config.DATABASE_URL,
        migrationsDir: options.migrationsDir,
        logger: migrationLogger,
      });
      migrationLogger.log(
        `migrations: ${result.applied.length} applied, ${result.alreadyApplied} already applied`,
      );
      process.exit(0);
    } catch (error) {
      fatal(options.service, error);
    }
  }

  const command = argv[0] === undefined ? undefined : options.commands?.[argv[0]];
  if (command) {
    try {
      process.exit(await command(config, argv.slice(1)));
    } catch (error) {
      fatal(options.service, error);
    }
  }

  try {
    if (config.MIGRATE_ON_START) {
      await migrate({
        databaseUrl: config.DATABASE_URL,
        migrationsDir: options.migrationsDir,
        logger: migrationLogger,
      });
    }
    // Before the application: its providers and hooks find the tracer provider already there.
    const tracing = startTracing({ service: options.service, config });
    const app = await createApp({ module: options.appModule(config), config, openApi: options.openApi });
    const logger = app.get(Logger);
    let stopping = false;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        logger.log(`${signal} received: draining requests and closing connections`, 'Shutdown');
        // Bounds the drain: a hung dependency must not keep a pod terminating forever.
        setTimeout(() => {
          logger.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting`, 'Shutdown');
          process.exit(1);
        }, config.SHUTDOWN_TIMEOUT_MS).unref();
        // close() stops accepting connections, lets in-flight requests finish and runs every
        // module's shutdown hooks (database and Redis disconnect); the spans still buffered are
        // exported; then we exit cleanly.
        app
          .close()
          .then(() => tracing.shutdown())
          .then(
            () => {
              logger.log('stopped', 'Shutdown');
              process.exit(0);
            },
            (error: unknown) => {
              logger.error({ err: error }, 'shutdown failed');
              process.exit(1);
            },
          );
      });
    }
    await startApp(app, { port: config.PORT, host: config.HOST });
  } catch (error) {
    fatal(options.service, error);
  }
}
