import type { PeerCertificate } from 'node:tls';
import type { CheckOutcome } from './types.js';

export const DAY_MS = 86_400_000;

export type CertificateSummary = NonNullable<CheckOutcome['certificate']>;

/** '1 day', '3 days'. */
export function pluralDays(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/** 'CN=example.com, O=Example' from Node's parsed subject or issuer (values may be repeated). */
export function formatDistinguishedName(name: unknown): string {
  if (typeof name !== 'object' || name === null) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(name as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') parts.push(`${key}=${item}`);
    }
  }
  return parts.join(', ');
}

/** Whole days until `validTo` (negative once expired; truncated toward zero). */
export function daysLeft(validTo: number, now: number): number {
  return Math.trunc((validTo - now) / DAY_MS) || 0;
}

/** The outcome's certificate block from `getPeerCertificate()`, or undefined when the peer sent none. */
export function summarizeCertificate(peer: PeerCertificate | null | undefined, now = Date.now()): CertificateSummary | undefined {
  // Node returns an empty object, not null, when there is no certificate.
  if (!peer?.valid_to) return undefined;
  const validFrom = Date.parse(peer.valid_from);
  const validTo = Date.parse(peer.valid_to);
  if (!Number.isFinite(validFrom) || !Number.isFinite(validTo)) return undefined;
  return {
    subject: formatDistinguishedName(peer.subject) || peer.subjectaltname || '',
    issuer: formatDistinguishedName(peer.issuer),
    validFrom,
    validTo,
    daysLeft: daysLeft(validTo, now),
  };
}

export interface CertificateVerdict {
  readonly status: CheckOutcome['status'];
  readonly message: string;
  readonly daysLeft: number;
}

/**
 * Judges a certificate's validity window alone: down when expired or not yet valid, degraded once
 * the days left reach the largest warning threshold (the smaller ones only matter for alerts).
 */
export function evaluateCertificate(validFrom: number, validTo: number, now: number, warnDays: readonly number[]): CertificateVerdict {
  const left = daysLeft(validTo, now);
  if (now < validFrom) {
    return { status: 'down', message: `Certificate is not valid until ${new Date(validFrom).toISOString()}`, daysLeft: left };
  }
  if (now >= validTo) {
    const ago = Math.floor((now - validTo) / DAY_MS);
    return { status: 'down', message: ago === 0 ? 'Certificate expired today' : `Certificate expired ${pluralDays(ago)} ago`, daysLeft: left };
  }
  const warnAt = warnDays.length > 0 ? Math.max(...warnDays) : -1;
  if (left <= warnAt) {
    return { status: 'degraded', message: left === 0 ? 'Certificate expires within a day' : `Certificate expires in ${pluralDays(left)}`, daysLeft: left };
  }
  return { status: 'up', message: `Certificate valid, expires in ${pluralDays(left)}`, daysLeft: left };
}
