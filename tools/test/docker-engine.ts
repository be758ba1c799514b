import { spawnSync } from 'node:child_process';

/**
 * Whether a Docker engine answers, decided synchronously so a suite can choose between
 * `describe` and `describe.skip` up front. Asks the engine's /_ping over DOCKER_HOST or the
 * default socket, in a child process with a timeout.
 */
export function dockerEngineAvailable(): { available: boolean; reason: string } {
  const host = process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
  const probe = `
    const http = require('node:http');
    const host = ${JSON.stringify(host)};
    const target = host.startsWith('unix://') ? { socketPath: host.slice(7) } : (() => { const u = new URL(host.replace(/^tcp:/, 'http:')); return { host: u.hostname, port: u.port }; })();
    const req = http.get({ ...target, path: '/_ping', timeout: 3000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 2));
    req.on('error', () => process.exit(3));
    req.on('timeout', () => { req.destroy(); process.exit(4); });`;
  const result = spawnSync(process.execPath, ['-e', probe], { timeout: 5000 });
  return result.status === 0
    ? { available: true, reason: `Docker engine at ${host}` }
    : { available: false, reason: `no Docker engine answers at ${host}` };
}
