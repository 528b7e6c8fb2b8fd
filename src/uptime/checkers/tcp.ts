import { connect } from 'node:net';
import { z } from 'zod';
import { assertHostAllowed, guardedLookup } from '../../lib/egress.js';
import { hostField, hostPort, portField } from './config-fields.js';
import { Deadline } from './deadline.js';
import { describeNetworkError } from './network-errors.js';
import type { CheckerDefinition } from './types.js';

export const tcpConfigSchema = z.object({ host: hostField, port: portField }).strict();

export type TcpConfig = z.infer<typeof tcpConfigSchema>;

/** TCP port: up when a connection opens; it is closed at once without sending anything. */
export const tcpChecker: CheckerDefinition<TcpConfig> = {
  type: 'tcp',
  label: 'TCP port',
  configSchema: tcpConfigSchema,
  secretFields: [],
  describe: (config) => hostPort(config.host, config.port),
  async check(config, context) {
    const target = hostPort(config.host, config.port);
    const deadline = new Deadline(context);
    try {
      const latencyMs = await deadline.run<number>((resolve, reject) => {
        assertHostAllowed(config.host);
        const socket = connect({ host: config.host, port: config.port, lookup: guardedLookup });
        socket.once('connect', () => resolve(deadline.elapsedMs()));
        socket.on('error', reject);
        return () => socket.destroy();
      });
      return { status: 'up', latencyMs, message: `Connected to ${target} in ${latencyMs} ms` };
    } catch (error) {
      return { status: 'down', latencyMs: null, message: deadline.aborted ? deadline.abortMessage() : describeNetworkError(error, target) };
    } finally {
      deadline.dispose();
    }
  },
};
