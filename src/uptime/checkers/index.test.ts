import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { CHECKER_TYPES, CHECKERS, checkerDefinition, isCheckerType } from './index.js';

describe('checker registry', () => {
  it('has one checker per type, each under its own name', () => {
    expect(Object.keys(CHECKERS).sort()).toEqual([...CHECKER_TYPES].sort());
    for (const type of CHECKER_TYPES) {
      expect(CHECKERS[type].type).toBe(type);
      expect(checkerDefinition(type)).toBe(CHECKERS[type]);
    }
  });

  it('refuses an unknown type', () => {
    expect(isCheckerType('ping')).toBe(false);
    expect(() => checkerDefinition('ping')).toThrow('Unknown monitor type "ping"');
  });

  it('rejects unknown config fields for every type', () => {
    for (const type of CHECKER_TYPES) {
      expect(CHECKERS[type].configSchema.safeParse({ surprise: true }).success).toBe(false);
    }
  });

  it('never throws and says "Check cancelled" when the caller has already aborted', async () => {
    const port = await freePort();
    const configs = {
      http: { url: `http://127.0.0.1:${port}/` },
      tcp: { host: '127.0.0.1', port },
      dns: { name: 'example.test', resolver: `127.0.0.1:${port}` },
      tls: { host: '127.0.0.1', port },
      headers: { url: `http://127.0.0.1:${port}/` },
      postgres: { connectionString: `postgres://127.0.0.1:${port}/db` },
      redis: { url: `redis://127.0.0.1:${port}` },
    };
    const controller = new AbortController();
    controller.abort();
    for (const type of CHECKER_TYPES) {
      const definition = checkerDefinition(type);
      const outcome = await definition.check(definition.configSchema.parse(configs[type]), { signal: controller.signal, timeoutMs: 1000, userAgent: 'test' });
      expect({ type, ...outcome }).toEqual({ type, status: 'down', latencyMs: null, message: 'Check cancelled' });
    }
  });
});
