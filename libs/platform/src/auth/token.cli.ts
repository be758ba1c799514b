import { parseArgs } from 'node:util';
import { authSettingsFromEnv } from '../config/config';
import { ROLES, type Role, signJwt } from './jwt';

/**
 * Issues a bearer token for local use (development secret unless AUTH_JWT_SECRET is set):
 *   npm run token -- --role unit_staff --unit street-110101001 [--sub staff-1] [--ttl 3600]
 *   npm run token -- --role manager [--district 110101 | --street 110101001 | --unit <department id>]
 *   npm run token -- --role resident --sub resident:bench --count 200   (one per line, subs resident:bench-1…200)
 * Production tokens come from the identity provider, never from this tool.
 */
function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      unit: { type: 'string' },
      district: { type: 'string' },
      street: { type: 'string' },
      ttl: { type: 'string', default: '43200' },
      count: { type: 'string', default: '1' },
    },
  });
  const role = ROLES.find((r): r is Role => r === values.role);
  const ttlSeconds = Number(values.ttl);
  const count = Number(values.count);
  if (
    !role ||
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds <= 0 ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > 100_000 ||
    (role === 'unit_staff' && !values.unit)
  ) {
    process.stderr.write(
      `usage: token --role <${ROLES.join('|')}> [--sub <id>] [--unit <unit id> (unit_staff)] [--district <code>] [--street <code>] [--ttl <seconds>] [--count <n>: n tokens, subs <id>-1…n]\n`,
    );
    return 2;
  }
  const sub = values.sub ?? `${role}-dev`;
  const settings = { ...authSettingsFromEnv(), ttlSeconds };
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) {
    const claims = {
      sub: count === 1 ? sub : `${sub}-${i}`,
      role,
      ...(values.unit ? { unit: values.unit } : {}),
      ...(values.district ? { district: values.district } : {}),
      ...(values.street ? { street: values.street } : {}),
    };
    lines.push(signJwt(claims, settings));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
