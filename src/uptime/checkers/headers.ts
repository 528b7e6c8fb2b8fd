import { z } from 'zod';
import { redactUrl, urlField } from './config-fields.js';
import { Deadline } from './deadline.js';
import { HttpCheckError, performHttpCheck } from './http-request.js';
import { errorMessage } from './network-errors.js';
import type { CheckerDefinition } from './types.js';

/*
 * Grading scheme. Six headers are checked; each earns 2 points when it is present and sound, 1 when
 * present but weak, 0 when missing (or present but without effect, e.g. HSTS over plain HTTP):
 *   Strict-Transport-Security   full: max-age ≥ 15552000 (180 days) on https; weak: shorter max-age
 *   Content-Security-Policy     full: present; weak: the script policy (script-src, else default-src)
 *                               allows 'unsafe-eval', or 'unsafe-inline' without a nonce or hash,
 *                               or there is no script policy at all
 *   X-Frame-Options             full: DENY or SAMEORIGIN, or CSP frame-ancestors; weak: another value
 *   X-Content-Type-Options      full: nosniff; any other value does nothing (0)
 *   Referrer-Policy             full: a safe policy; weak: unsafe-url or no-referrer-when-downgrade
 *   Permissions-Policy          full: present; weak: only the deprecated Feature-Policy
 * Score = points / 12 as a percentage. Grade: A+ = every header full (100), A ≥ 80, B ≥ 65, C ≥ 50,
 * D ≥ 30, else F. A plain-HTTP page can reach A at most: HSTS cannot apply to it.
 */

export const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'] as const;
export type SecurityGrade = (typeof GRADES)[number];

export interface SecurityHeadersReport {
  readonly grade: SecurityGrade;
  /** 0–100. */
  readonly score: number;
  /** Headers sent (X-Frame-Options also counts as present when CSP frame-ancestors stands in for it). */
  readonly present: string[];
  readonly missing: string[];
  readonly weak: Array<{ header: string; reason: string }>;
}

type Rating = { points: 0 | 1 | 2; reason?: string } | null; // null = missing

const SAFE_REFERRER_POLICIES = new Set(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'origin', 'origin-when-cross-origin']);
const WEAK_REFERRER_POLICIES = new Set(['unsafe-url', 'no-referrer-when-downgrade']);

/** CSP directives by lower-case name, each with its source list. */
function cspDirectives(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(/[;,]/)) {
    const [name, ...sources] = part.trim().split(/\s+/);
    // The first occurrence of a directive wins, as in browsers.
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function rateHsts(value: string | undefined, https: boolean): Rating {
  if (value === undefined) return null;
  if (!https) return { points: 0, reason: 'ignored by browsers over plain HTTP' };
  const maxAge = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value)?.[1];
  if (maxAge === undefined) return { points: 0, reason: 'no valid max-age' };
  const seconds = Number(maxAge);
  if (seconds === 0) return { points: 0, reason: 'max-age=0 turns HSTS off' };
  if (seconds < 15_552_000) return { points: 1, reason: `max-age ${seconds} is shorter than 180 days (15552000)` };
  return { points: 2 };
}

function rateCsp(directives: Map<string, string[]> | null): Rating {
  if (directives === null) return null;
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  if (scripts === undefined) return { points: 1, reason: 'no script-src or default-src: scripts are not restricted' };
  const sources = scripts.map((s) => s.toLowerCase());
  if (sources.includes("'unsafe-eval'")) return { points: 1, reason: "script policy allows 'unsafe-eval'" };
  // With a nonce or hash present, CSP2+ browsers ignore 'unsafe-inline'.
  const hasNonceOrHash = sources.some((s) => /^'(nonce-|sha256-|sha384-|sha512-)/.test(s));
  if (sources.includes("'unsafe-inline'") && !hasNonceOrHash) return { points: 1, reason: "script policy allows 'unsafe-inline'" };
  return { points: 2 };
}

function rateFrameOptions(value: string | undefined, directives: Map<string, string[]> | null): Rating {
  if (directives?.has('frame-ancestors')) return { points: 2 };
  if (value === undefined) return null;
  const option = value.trim().toUpperCase();
  if (option === 'DENY' || option === 'SAMEORIGIN') return { points: 2 };
  return { points: 1, reason: `"${value.trim()}" is not DENY or SAMEORIGIN` };
}

function rateContentTypeOptions(value: string | undefined): Rating {
  if (value === undefined) return null;
  return value.trim().toLowerCase() === 'nosniff' ? { points: 2 } : { points: 0, reason: 'the only valid value is nosniff' };
}

function rateReferrerPolicy(value: string | undefined): Rating {
  if (value === undefined) return null;
  // A comma list is a fallback chain: browsers use the last value they understand.
  const known = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => SAFE_REFERRER_POLICIES.has(v) || WEAK_REFERRER_POLICIES.has(v));
  const policy = known.at(-1);
  if (policy === undefined) return { points: 0, reason: 'no recognised policy' };
  if (WEAK_REFERRER_POLICIES.has(policy)) return { points: 1, reason: `${policy} sends the full URL to other sites` };
  return { points: 2 };
}

function ratePermissionsPolicy(value: string | undefined, featurePolicy: string | undefined): Rating {
  if (value !== undefined) return { points: 2 };
  if (featurePolicy !== undefined) return { points: 1, reason: 'only the deprecated Feature-Policy is sent' };
  return null;
}

function gradeFor(score: number, allFull: boolean): SecurityGrade {
  if (allFull) return 'A+';
  if (score >= 80) return 'A';
  if (score >= 65) return 'B';
  if (score >= 50) return 'C';
  if (score >= 30) return 'D';
  return 'F';
}

/** Grades a response's security headers (names in any case) by the scheme above. */
export function gradeSecurityHeaders(headers: Record<string, string | string[] | undefined>, https: boolean): SecurityHeadersReport {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    const key = name.toLowerCase();
    lower.set(key, lower.has(key) ? `${lower.get(key)}, ${joined}` : joined);
  }
  const csp = lower.get('content-security-policy');
  const directives = csp === undefined ? null : cspDirectives(csp);
  const ratings: Array<[string, Rating]> = [
    ['Strict-Transport-Security', rateHsts(lower.get('strict-transport-security'), https)],
    ['Content-Security-Policy', rateCsp(directives)],
    ['X-Frame-Options', rateFrameOptions(lower.get('x-frame-options'), directives)],
    ['X-Content-Type-Options', rateContentTypeOptions(lower.get('x-content-type-options'))],
    ['Referrer-Policy', rateReferrerPolicy(lower.get('referrer-policy'))],
    ['Permissions-Policy', ratePermissionsPolicy(lower.get('permissions-policy'), lower.get('feature-policy'))],
  ];
  const report = { present: [] as string[], missing: [] as string[], weak: [] as Array<{ header: string; reason: string }> };
  let points = 0;
  for (const [header, rating] of ratings) {
    if (rating === null) {
      report.missing.push(header);
      continue;
    }
    report.present.push(header);
    points += rating.points;
    if (rating.points < 2) report.weak.push({ header, reason: rating.reason ?? 'weak value' });
  }
  const score = Math.round((points / (ratings.length * 2)) * 100);
  return { grade: gradeFor(score, points === ratings.length * 2), score, ...report };
}

/** Whether `grade` is at least as good as `minimum`. */
export function gradeAtLeast(grade: SecurityGrade, minimum: SecurityGrade): boolean {
  return GRADES.indexOf(grade) <= GRADES.indexOf(minimum);
}

export const headersConfigSchema = z
  .object({
    url: urlField(['http:', 'https:'], 'https://example.com/'),
    verifyTls: z.boolean().default(true),
    minGrade: z.enum(GRADES).default('B'),
  })
  .strict();

export type HeadersConfig = z.infer<typeof headersConfigSchema>;

/** Security headers of a page: graded A+ to F; degraded below the minimum grade, down only when unreachable. */
export const headersChecker: CheckerDefinition<HeadersConfig> = {
  type: 'headers',
  label: 'Security headers',
  configSchema: headersConfigSchema,
  secretFields: [],
  describe: (config) => `Security headers of ${redactUrl(config.url)}`,
  async check(config, context) {
    const deadline = new Deadline(context);
    try {
      const response = await performHttpCheck(
        {
          url: config.url,
          method: 'GET',
          headers: { 'user-agent': context.userAgent, accept: 'text/html,*/*' },
          followRedirects: true,
          maxRedirects: 5,
          verifyTls: config.verifyTls,
          readBody: false,
        },
        deadline,
      );
      const { latencyMs, statusCode } = response;
      if (statusCode < 200 || statusCode >= 400) {
        return { status: 'down', latencyMs, message: `Expected status 200-399, got ${statusCode}`, details: { statusCode } };
      }
      // Graded on the page the redirects end at: that is what a browser shows.
      const report = gradeSecurityHeaders(response.headers, response.finalUrl.protocol === 'https:');
      const details = { ...report, statusCode, ...(response.redirects.length > 0 ? { redirects: response.redirects } : {}) };
      const missing = report.missing.length > 0 ? `; missing ${report.missing.join(', ')}` : '';
      const message = `Security headers grade ${report.grade} (score ${report.score})${missing}`;
      const status = gradeAtLeast(report.grade, config.minGrade) ? 'up' : 'degraded';
      return { status, latencyMs, message, details, ...(response.certificate ? { certificate: response.certificate } : {}) };
    } catch (error) {
      return { status: 'down', latencyMs: null, message: error instanceof HttpCheckError ? error.message : errorMessage(error) };
    } finally {
      deadline.dispose();
    }
  },
};
