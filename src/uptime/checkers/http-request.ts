import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { TLSSocket } from 'node:tls';
import { assertHostAllowed, guardedLookup } from '../../lib/egress.js';
import { summarizeCertificate, type CertificateSummary } from './certificate.js';
import { redactUrl, urlTarget } from './config-fields.js';
import type { Deadline } from './deadline.js';
import { describeNetworkError } from './network-errors.js';

/** Most of a response body an HTTP check reads; the rest is not downloaded. */
export const MAX_BODY_BYTES = 1024 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for the configured origin must not follow a redirect to another one.
const ORIGIN_BOUND_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

export interface HttpCheckRequest {
  readonly url: string;
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly verifyTls: boolean;
  /** Read the final body (up to MAX_BODY_BYTES); otherwise stop at the headers. */
  readonly readBody: boolean;
}

export interface HttpCheckResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  readonly finalUrl: URL;
  /** Each redirect followed: the status that sent it and where it pointed (without credentials). */
  readonly redirects: ReadonlyArray<{ readonly statusCode: number; readonly url: string }>;
  /** The first MAX_BODY_BYTES of the body. */
  readonly body: Buffer;
  /** Body bytes received (at most a chunk beyond MAX_BODY_BYTES when truncated). */
  readonly bytes: number;
  readonly truncated: boolean;
  /** Certificate of the first https URL in the chain: the one the monitor was pointed at. */
  readonly certificate?: CertificateSummary;
  /** From the start of the check to the full response (to the headers when the body is not read). */
  readonly latencyMs: number;
}

/** A request that failed before a final response; `message` is ready for the outcome. */
export class HttpCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpCheckError';
  }
}

interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

interface HopResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly bytes: number;
  readonly truncated: boolean;
  readonly certificate?: CertificateSummary;
}

/** Sends one request; `wantBody` decides from the status line and headers whether to read the body or stop at the headers. */
function sendHop(hop: Hop, verifyTls: boolean, deadline: Deadline, wantBody: (statusCode: number, headers: IncomingHttpHeaders) => boolean): Promise<HopResponse> {
  return deadline.run<HopResponse>((resolve, reject) => {
    const transport = hop.url.protocol === 'https:' ? https : http;
    // Every hop, redirects included: no link-local / cloud-metadata address (lib/egress.ts).
    assertHostAllowed(hop.url.hostname);
    // agent:false = a socket of our own, never pooled, so destroying the request closes it.
    const request = transport.request(hop.url, { method: hop.method, headers: hop.headers, agent: false, rejectUnauthorized: verifyTls, lookup: guardedLookup });
    let response: IncomingMessage | undefined;
    request.on('error', reject);
    request.on('response', (res) => {
      response = res;
      const certificate = res.socket instanceof TLSSocket ? summarizeCertificate(res.socket.getPeerCertificate()) : undefined;
      const head = { statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, certificate };
      if (!wantBody(head.statusCode, res.headers)) {
        resolve({ ...head, body: Buffer.alloc(0), bytes: 0, truncated: false });
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = (truncated: boolean): void => {
        const body = Buffer.concat(chunks);
        resolve({ ...head, body: body.subarray(0, MAX_BODY_BYTES), bytes, truncated });
      };
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        chunks.push(chunk);
        // Stop downloading: the cleanup destroys the socket, so the rest is never read.
        if (bytes > MAX_BODY_BYTES) finish(true);
      });
      res.on('end', () => finish(false));
      res.on('error', reject);
      res.on('close', () => reject(new HttpCheckError(`Connection closed before the response was complete (${urlTarget(hop.url, defaultPort(hop.url))})`)));
    });
    request.end(hop.body);
    return () => {
      request.destroy();
      response?.destroy();
    };
  });
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** The request for the next URL of a redirect, changing method and dropping headers the way browsers do. */
function nextHop(previous: Hop, statusCode: number, location: URL): Hop {
  // 303 always, and 301/302 after a POST (historic browser behaviour), turn into a GET without a body.
  const toGet = (statusCode === 303 && previous.method !== 'HEAD') || ((statusCode === 301 || statusCode === 302) && previous.method === 'POST');
  const headers = { ...previous.headers };
  if (toGet) {
    delete headers['content-type'];
    delete headers['content-length'];
  }
  if (location.origin !== previous.url.origin) {
    for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  }
  return { url: location, method: toGet ? 'GET' : previous.method, headers, body: toGet ? undefined : previous.body };
}

/**
 * Performs an HTTP check's request, following redirects by hand (so each hop is bounded by the same
 * deadline and the chain can be reported) and reading at most MAX_BODY_BYTES of the final body.
 * Every failure before a final response becomes an HttpCheckError with a human message.
 */
export async function performHttpCheck(request: HttpCheckRequest, deadline: Deadline): Promise<HttpCheckResponse> {
  let hop: Hop = { url: new URL(request.url), method: request.method, headers: { ...request.headers }, body: request.body };
  const redirects: Array<{ statusCode: number; url: string }> = [];
  let certificate: CertificateSummary | undefined;
  const follows = (statusCode: number, headers: IncomingHttpHeaders): boolean =>
    request.followRedirects && REDIRECT_STATUSES.has(statusCode) && typeof headers.location === 'string';

  for (;;) {
    let response: HopResponse;
    try {
      const readBody = request.readBody && hop.method !== 'HEAD';
      response = await sendHop(hop, request.verifyTls, deadline, (statusCode, headers) => readBody && !follows(statusCode, headers));
    } catch (error) {
      if (deadline.aborted) throw new HttpCheckError(deadline.abortMessage());
      if (error instanceof HttpCheckError) throw error;
      throw new HttpCheckError(describeNetworkError(error, urlTarget(hop.url, defaultPort(hop.url))));
    }
    certificate ??= response.certificate;
    if (!follows(response.statusCode, response.headers)) {
      return { ...response, finalUrl: hop.url, redirects, certificate, latencyMs: deadline.elapsedMs() };
    }
    if (redirects.length >= request.maxRedirects) {
      throw new HttpCheckError(`Too many redirects (more than ${request.maxRedirects})`);
    }
    let location: URL;
    try {
      location = new URL(response.headers.location as string, hop.url);
    } catch {
      throw new HttpCheckError(`Redirect to an invalid URL: ${String(response.headers.location).slice(0, 200)}`);
    }
    if (location.protocol !== 'http:' && location.protocol !== 'https:') {
      throw new HttpCheckError(`Redirect to an unsupported URL scheme (${location.protocol})`);
    }
    redirects.push({ statusCode: response.statusCode, url: redactUrl(location) });
    hop = nextHop(hop, response.statusCode, location);
  }
}
