import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A failure the launcher explains to the developer in one message (no stack trace). */
export class DevError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DevError';
  }
}

/** Thrown by a step that noticed a stop request (Ctrl-C, SIGTERM) while it ran. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** The Nx workspace root: the nearest directory at or above `from` that holds nx.json. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DevError(
        `No nx.json in ${from} or any directory above it: run this from inside the jsjb workspace`,
      );
    }
    dir = parent;
  }
}

/** The directory of the workspace's binaries (node 22, nx, tsc, …). */
export function binDir(root: string): string {
  return join(root, 'node_modules', '.bin');
}

/** `<root>/node_modules/.bin` first on PATH, so child tools run on the workspace's Node 22. */
export function pathWithWorkspaceBin(root: string, path: string | undefined): string {
  const bin = binDir(root);
  return path ? `${bin}:${path}` : bin;
}

/** The message of anything thrown, for one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(errorMessage).join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The Node 22 binary to run workspace scripts with: this process's own when it is Node 22 (npm
 * scripts run on the workspace's), else the workspace's `node_modules/.bin/node`.
 */
export function workspaceNode(root: string = findWorkspaceRoot()): string {
  return Number(process.versions.node.split('.')[0]) >= 22
    ? process.execPath
    : join(root, 'node_modules', '.bin', 'node');
}
