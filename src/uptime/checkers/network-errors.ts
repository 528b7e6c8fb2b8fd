/** OpenSSL verification results and Node's TLS codes, worded for people. */
const TLS_VERIFY_MESSAGES: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the certificate chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate (missing intermediate?)',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get the issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get the local issuer certificate (unknown CA or missing intermediate)',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate has been revoked',
  CERT_UNTRUSTED: 'certificate is not trusted',
  CERT_REJECTED: 'certificate was rejected',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  INVALID_CA: 'invalid CA certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
  HOSTNAME_MISMATCH: 'the certificate does not match the host name',
};

/** A person-readable text for a TLS verification code such as `socket.authorizationError`. */
export function tlsVerifyMessage(code: string): string {
  return TLS_VERIFY_MESSAGES[code] ?? code;
}

function field(error: unknown, name: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The message of anything thrown, for the rare error that fits no pattern below. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/** Whether a socket error came from TLS (certificate verification or the handshake). */
export function isTlsError(error: unknown): boolean {
  const code = field(error, 'code') ?? '';
  return code in TLS_VERIFY_MESSAGES || code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_');
}

/**
 * One sentence for a failed connection: 'Connection refused (127.0.0.1:9)', 'Host not found: x.invalid',
 * 'TLS error: self-signed certificate'. `target` is the host:port the check tried to reach.
 */
export function describeNetworkError(error: unknown, target: string): string {
  const code = field(error, 'code');
  switch (code) {
    case 'ECONNREFUSED':
      return `Connection refused (${target})`;
    case 'ECONNRESET':
      return `Connection reset by the server (${target})`;
    case 'EPIPE':
      return `Connection closed by the server (${target})`;
    case 'EHOSTUNREACH':
      return `Host unreachable (${target})`;
    case 'ENETUNREACH':
      return `Network unreachable (${target})`;
    case 'ETIMEDOUT':
      return `Connection timed out (${target})`;
    case 'ENOTFOUND':
      return `Host not found: ${field(error, 'hostname') ?? target}`;
    case 'EAI_AGAIN':
      return `DNS lookup failed for ${field(error, 'hostname') ?? target} (temporary failure)`;
  }
  if (isTlsError(error)) {
    // SSL-level errors carry OpenSSL's short reason ('wrong version number'); the message has its internals.
    // EPROTO messages embed OpenSSL's error line: 'error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...'.
    const reason = field(error, 'reason') ?? /error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/i.exec(errorMessage(error))?.[1];
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' && reason) return `TLS error: the certificate does not match the host name (${reason})`;
    if (reason === 'wrong version number') return `TLS error: wrong version number (is ${target} speaking TLS?)`;
    const text = (code && TLS_VERIFY_MESSAGES[code]) ?? reason ?? errorMessage(error);
    return `TLS error: ${text}`;
  }
  return errorMessage(error);
}
