import { z } from 'zod';
import { redactUrl, urlField } from './config-fields.js';
import { Deadline } from './deadline.js';
import { HttpCheckError, MAX_BODY_BYTES, performHttpCheck, type HttpCheckResponse } from './http-request.js';
import { checkJsonAssertion, JSON_OPERATORS, parseJsonPath } from './json-assertion.js';
import { errorMessage } from './network-errors.js';
import type { CheckContext, CheckerDefinition, CheckOutcome } from './types.js';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Node computes these itself; a configured value would corrupt the request framing.
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);
const STATUS_RANGE = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/;

const statusRange = z
  .string()
  .trim()
  .regex(STATUS_RANGE, 'Must be a status code like 200 or a range like 200-299')
  .refine((value) => {
    const [, low, high] = STATUS_RANGE.exec(value) ?? [];
    return high === undefined || Number(low) <= Number(high);
  }, 'The range must go from low to high');

export const httpConfigSchema = z
  .object({
    url: urlField(['http:', 'https:'], 'https://example.com/health'),
    method: z.enum(HTTP_METHODS).default('GET'),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'Invalid header name').refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'This header is set automatically'),
        z.string().max(8192).refine((value) => !/[\r\n\0]/.test(value), 'Header values cannot contain line breaks'),
      )
      .refine((headers) => Object.keys(headers).length <= 30, 'At most 30 headers')
      .optional(),
    body: z
      .string()
      .refine((body) => Buffer.byteLength(body) <= 64 * 1024, 'The body can be at most 64 KB')
      .optional(),
    acceptedStatus: z.array(statusRange).min(1).max(20).default(['200-299']),
    keyword: z
      .object({
        value: z.string().min(1).max(500),
        mode: z.enum(['present', 'absent']).default('present'),
        caseSensitive: z.boolean().default(false),
      })
      .strict()
      .optional(),
    jsonAssertion: z
      .object({
        path: z.string().trim().min(1).max(200).refine((path) => parseJsonPath(path) !== null, 'Use a path like data.status or items[0].ok'),
        operator: z.enum(JSON_OPERATORS),
        expected: z.string().max(1000).optional(),
      })
      .strict()
      .refine((a) => a.operator === 'exists' || a.expected !== undefined, { message: 'An expected value is required', path: ['expected'] })
      .optional(),
    degradedAboveMs: z.number().int().min(1).max(600_000).optional(),
    followRedirects: z.boolean().default(true),
    maxRedirects: z.number().int().min(0).max(20).default(5),
    verifyTls: z.boolean().default(true),
  })
  .strict();

export type HttpConfig = z.infer<typeof httpConfigSchema>;

/** Whether `statusCode` falls in one of the ranges ('200-299', '301'). */
export function statusAccepted(statusCode: number, ranges: readonly string[]): boolean {
  return ranges.some((range) => {
    const [, low, high] = STATUS_RANGE.exec(range.trim()) ?? [];
    if (low === undefined) return false;
    return statusCode >= Number(low) && statusCode <= Number(high ?? low);
  });
}

/** The request headers: ours first, the monitor's override them (names in lower case). */
function requestHeaders(config: HttpConfig, context: CheckContext): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': context.userAgent, accept: '*/*' };
  for (const [name, value] of Object.entries(config.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/** The first failed content rule (keyword, JSON assertion) as a message, or null. */
function contentFailure(config: HttpConfig, response: HttpCheckResponse): string | null {
  const text = config.keyword || config.jsonAssertion ? response.body.toString('utf8') : '';
  const within = response.truncated ? ` in the first ${MAX_BODY_BYTES / 1024 / 1024} MB of the response` : ' in the response';
  if (config.keyword) {
    const { value, mode, caseSensitive } = config.keyword;
    const found = caseSensitive ? text.includes(value) : text.toLowerCase().includes(value.toLowerCase());
    if (mode === 'present' && !found) return `Keyword "${value}" not found${within}`;
    if (mode === 'absent' && found) return `Keyword "${value}" found${within}`;
  }
  if (config.jsonAssertion) {
    if (response.truncated) return `Response larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; cannot check the JSON assertion`;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return 'Response is not valid JSON';
    }
    return checkJsonAssertion(document, config.jsonAssertion);
  }
  return null;
}

/** Judges a response against the monitor's rules, in the order a person would look: status, content, speed. */
function evaluateResponse(config: HttpConfig, response: HttpCheckResponse): CheckOutcome {
  const details: Record<string, unknown> = { statusCode: response.statusCode, bytes: response.bytes };
  if (response.redirects.length > 0) details.redirects = response.redirects;
  if (response.truncated) details.truncated = true;
  const base = { latencyMs: response.latencyMs, details, ...(response.certificate ? { certificate: response.certificate } : {}) };
  if (!statusAccepted(response.statusCode, config.acceptedStatus)) {
    return { ...base, status: 'down', message: `Expected status ${config.acceptedStatus.join(', ')}, got ${response.statusCode}` };
  }
  const failure = contentFailure(config, response);
  if (failure) return { ...base, status: 'down', message: failure };
  const summary = `${response.statusCode} ${response.statusMessage}`.trim();
  if (config.degradedAboveMs !== undefined && response.latencyMs > config.degradedAboveMs) {
    return { ...base, status: 'degraded', message: `${summary} in ${response.latencyMs} ms (slower than ${config.degradedAboveMs} ms)` };
  }
  return { ...base, status: 'up', message: `${summary} in ${response.latencyMs} ms` };
}

/** HTTP(S) endpoint: status, optional keyword or JSON assertion, response time; reports the TLS certificate. */
export const httpChecker: CheckerDefinition<HttpConfig> = {
  type: 'http',
  label: 'HTTP(S)',
  configSchema: httpConfigSchema,
  secretFields: ['headers', 'body'],
  describe: (config) => `${config.method} ${redactUrl(config.url)}`,
  async check(config, context) {
    const deadline = new Deadline(context);
    try {
      const response = await performHttpCheck(
        {
          url: config.url,
          method: config.method,
          headers: requestHeaders(config, context),
          body: config.body,
          followRedirects: config.followRedirects,
          maxRedirects: config.maxRedirects,
          verifyTls: config.verifyTls,
          readBody: true,
        },
        deadline,
      );
      return evaluateResponse(config, response);
    } catch (error) {
      return { status: 'down', latencyMs: null, message: error instanceof HttpCheckError ? error.message : errorMessage(error) };
    } finally {
      deadline.dispose();
    }
  },
};
