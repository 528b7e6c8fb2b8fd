import { isIP } from 'node:net';
import { z } from 'zod';

// Letters, digits, '-' and '_' (SRV and DKIM names use it), 1–63 per label, 253 in all.
const DNS_NAME = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** Whether `value` is a syntactically valid DNS name ('example.com', '_sip._tcp.example.com.'). */
export function isDnsName(value: string): boolean {
  return DNS_NAME.test(value);
}

/** A host to connect to: a DNS name or an IPv4/IPv6 literal (no brackets, no port). */
export const hostField = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((value) => isIP(value) !== 0 || isDnsName(value), { message: 'Must be a host name or an IP address' });

export const portField = z.number().int().min(1).max(65_535);

/** A URL of one of `protocols`; credentials in it only where the field itself is secret. */
export function urlField(protocols: readonly string[], hint: string, options: { secretField?: boolean } = {}) {
  const url = z
    .string()
    .trim()
    .max(2048)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return protocols.includes(url.protocol) && url.hostname !== '';
        } catch {
          return false;
        }
      },
      { message: `Must be a URL like ${hint}` },
    );
  if (options.secretField) return url;
  return url.refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.username === '' && url.password === '';
        } catch {
          return true;
        }
      },
      // The URL is not a secret field; credentials in it would be stored and shown in clear.
      { message: 'Put credentials in an Authorization header (stored encrypted), not in the URL' },
    );
}

/** 'host:port', with brackets around an IPv6 literal. */
export function hostPort(host: string, port: number | string): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The URL without user name and password, for descriptions and messages. */
export function redactUrl(value: string | URL): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Host and port of a URL, with the scheme's default port filled in. */
export function urlTarget(url: URL, defaultPort: number): string {
  // URL keeps IPv6 hosts bracketed; hostPort adds the brackets back itself.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return hostPort(host, url.port || defaultPort);
}
