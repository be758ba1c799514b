// `npm run migrate`: find (or start) PostgreSQL and Redis, create the databases, build the
// apps and apply every service's migrations, then stop what was started and exit.
import { planPorts, type DevOptions } from './config.ts';
import { prepareStack, runLauncher, type DevContext } from './stack.ts';

async function migrate(ctx: DevContext, options: DevOptions): Promise<number> {
  const stack = await prepareStack(ctx, options, planPorts(options.portBase));
  ctx.output.info(`databases ${Object.values(stack.databases).join(', ')} are up to date`);
  return 0;
}

// Interrupted means the migrations may be incomplete: not a success.
await runLauncher(migrate, { interruptedExitCode: 130 });
