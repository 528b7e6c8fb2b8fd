import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { z } from 'zod';
import { assertHostAllowed, guardedLookup } from '../../lib/egress.js';
import { evaluateCertificate, summarizeCertificate } from './certificate.js';
import { hostField, hostPort, isDnsName, portField } from './config-fields.js';
import { Deadline } from './deadline.js';
import { describeNetworkError, tlsVerifyMessage } from './network-errors.js';
import type { CheckerDefinition, CheckOutcome } from './types.js';

export { evaluateCertificate } from './certificate.js';

export const tlsConfigSchema = z
  .object({
    host: hostField,
    port: portField.default(443),
    /** SNI and the name the certificate must match; defaults to `host`. */
    servername: z.string().trim().min(1).max(253).refine(isDnsName, 'Must be a host name').optional(),
    warnDays: z.array(z.number().int().min(1).max(365)).max(10).default([30, 14, 7]),
    verifyChain: z.boolean().default(true),
  })
  .strict();

export type TlsConfig = z.infer<typeof tlsConfigSchema>;

interface Handshake {
  readonly peer: PeerCertificate;
  readonly authorized: boolean;
  readonly authorizationError: string | null;
  readonly latencyMs: number;
}

/** TLS certificate: expiry (degraded within the largest warning threshold), hostname and, by default, the chain. */
export const tlsChecker: CheckerDefinition<TlsConfig> = {
  type: 'tls',
  label: 'TLS certificate',
  configSchema: tlsConfigSchema,
  secretFields: [],
  describe: (config) => hostPort(config.host, config.port),
  async check(config, context) {
    const target = hostPort(config.host, config.port);
    const nameToMatch = config.servername ?? config.host;
    const deadline = new Deadline(context);
    let handshake: Handshake;
    try {
      handshake = await deadline.run<Handshake>((resolve, reject) => {
        // Never reject during the handshake: the certificate is the point even when it is invalid.
        assertHostAllowed(config.host);
        const socket = connect({
          host: config.host,
          lookup: guardedLookup,
          port: config.port,
          servername: config.servername ?? (isIP(config.host) ? undefined : config.host),
          rejectUnauthorized: false,
        });
        socket.once('secureConnect', () => {
          const error = socket.authorizationError as Error | string | null | undefined;
          resolve({
            peer: socket.getPeerCertificate(),
            authorized: socket.authorized,
            authorizationError: error ? (typeof error === 'string' ? error : ((error as NodeJS.ErrnoException).code ?? error.message)) : null,
            latencyMs: deadline.elapsedMs(),
          });
        });
        socket.on('error', reject);
        return () => socket.destroy();
      });
    } catch (error) {
      return { status: 'down', latencyMs: null, message: deadline.aborted ? deadline.abortMessage() : describeNetworkError(error, target) };
    } finally {
      deadline.dispose();
    }

    const { peer, authorized, authorizationError, latencyMs } = handshake;
    const now = Date.now();
    const certificate = summarizeCertificate(peer, now);
    if (!certificate) return { status: 'down', latencyMs, message: 'The server sent no certificate' };
    const details = {
      daysLeft: certificate.daysLeft,
      subject: certificate.subject,
      issuer: certificate.issuer,
      fingerprint256: peer.fingerprint256,
      validTo: new Date(certificate.validTo).toISOString(),
      authorized,
      authorizationError,
    };
    const outcome = (status: CheckOutcome['status'], message: string): CheckOutcome => ({ status, latencyMs, message, details, certificate });

    const validity = evaluateCertificate(certificate.validFrom, certificate.validTo, now, config.warnDays);
    if (validity.status === 'down') return outcome('down', validity.message);
    // Checked here, not left to Node: Node skips the name check when the chain already failed.
    const mismatch = checkServerIdentity(nameToMatch, peer);
    if (mismatch) {
      return outcome('down', `Certificate does not match ${nameToMatch} (it is for ${peer.subjectaltname || certificate.subject})`);
    }
    if (config.verifyChain && !authorized && authorizationError && authorizationError !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return outcome('down', `Certificate not trusted: ${tlsVerifyMessage(authorizationError)}`);
    }
    return outcome(validity.status, validity.message);
  },
};
