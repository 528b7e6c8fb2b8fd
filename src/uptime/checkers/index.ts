import { dnsChecker } from './dns.js';
import { headersChecker } from './headers.js';
import { httpChecker } from './http.js';
import { postgresChecker } from './postgres.js';
import { redisChecker } from './redis.js';
import { tcpChecker } from './tcp.js';
import { tlsChecker } from './tls.js';
import { CHECKER_TYPES, type CheckerDefinition, type CheckerType } from './types.js';

export * from './types.js';

/**
 * Every active monitor type. Adding one = adding a file and a line here.
 * The config type differs per checker and is only known after `configSchema.parse`, so the map is
 * typed loosely; each entry is checked against its own config type where it is defined.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: heterogeneous config types
export const CHECKERS: Readonly<Record<CheckerType, CheckerDefinition<any>>> = {
  http: httpChecker,
  tcp: tcpChecker,
  dns: dnsChecker,
  tls: tlsChecker,
  headers: headersChecker,
  postgres: postgresChecker,
  redis: redisChecker,
};

/** Whether a stored string names a monitor type Watchpost can check. */
export function isCheckerType(value: string): value is CheckerType {
  return (CHECKER_TYPES as readonly string[]).includes(value);
}

/** The checker for a monitor type; throws for an unknown type (a programming or migration error). */
export function checkerDefinition(type: string): CheckerDefinition<unknown> {
  if (!isCheckerType(type)) throw new Error(`Unknown monitor type "${type}"`);
  return CHECKERS[type] as CheckerDefinition<unknown>;
}
