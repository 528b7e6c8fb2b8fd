/**
 * The one registry of errors Watchpost returns. Like Fastify's FST_ERR_*: a stable code, an HTTP
 * status and a message. Services throw `WatchpostError`s; the server's error handler maps them to
 * `{ "error": { "code", "message" } }`. Clients may rely on codes; messages may improve.
 */
export const ERRORS = {
  WP_ERR_VALIDATION: { status: 400, message: 'The request is invalid' },
  WP_ERR_BAD_JSON: { status: 400, message: 'The request body is not valid JSON' },
  WP_ERR_AUTH_REQUIRED: { status: 401, message: 'Authentication required: log in or send an API token' },
  WP_ERR_AUTH_INVALID_CREDENTIALS: { status: 401, message: 'Email or password is incorrect' },
  WP_ERR_AUTH_INVALID_TOKEN: { status: 401, message: 'The API token is invalid, expired or revoked' },
  WP_ERR_AUTH_SESSION_EXPIRED: { status: 401, message: 'Your session has expired; log in again' },
  WP_ERR_AUTH_LOCKED: { status: 429, message: 'Too many failed logins; try again later' },
  WP_ERR_AUTH_CSRF: { status: 403, message: 'Cross-site request refused: the Origin header does not match this server' },
  WP_ERR_FORBIDDEN: { status: 403, message: 'You do not have permission to do this' },
  WP_ERR_TOKEN_SCOPE: { status: 403, message: 'This API token does not have the scope for this action' },
  WP_ERR_NOT_FOUND: { status: 404, message: 'Not found' },
  WP_ERR_ROUTE_NOT_FOUND: { status: 404, message: 'No such API route' },
  WP_ERR_CONFLICT: { status: 409, message: 'This conflicts with existing data' },
  WP_ERR_SETUP_DONE: { status: 409, message: 'Watchpost is already set up; log in instead' },
  WP_ERR_SETUP_TOKEN: { status: 403, message: 'The setup token is missing or wrong; use the URL printed when Watchpost started' },
  WP_ERR_INVITE_INVALID: { status: 404, message: 'This invitation is invalid, expired or already used' },
  WP_ERR_LAST_OWNER: { status: 409, message: 'An organisation needs at least one owner' },
  WP_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  WP_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  WP_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  WP_ERR_INGEST_MALFORMED: { status: 400, message: 'The payload is malformed' },
  WP_ERR_INGEST_AUTH: { status: 403, message: 'Missing or invalid ingest key (DSN public key)' },
  WP_ERR_INGEST_RATE_LIMITED: { status: 429, message: 'Rate limit for this key exceeded; retry later' },
  WP_ERR_INGEST_QUOTA: { status: 429, message: 'The project has used its event quota' },
  WP_ERR_INGEST_OVERLOADED: { status: 503, message: 'Ingest is overloaded; retry later' },
  WP_ERR_SOURCEMAP_INVALID: { status: 400, message: 'The file is not a usable source map or minified file' },
  WP_ERR_SOURCEMAP_TOO_LARGE: { status: 413, message: 'The file or upload is larger than Watchpost accepts' },
  WP_ERR_SOURCEMAP_CHUNK: { status: 400, message: 'An uploaded chunk is invalid' },
  WP_ERR_SOURCEMAP_BUNDLE: { status: 400, message: 'The artifact bundle is invalid' },
  WP_ERR_INTERNAL: { status: 500, message: 'Internal error; the server log has details' },
  WP_ERR_UNAVAILABLE: { status: 503, message: 'Temporarily unavailable; retry shortly' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a registered code; `message` overrides the default text with specifics. */
export class WatchpostError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'WatchpostError';
    this.statusCode = ERRORS[code].status;
  }
}

/** Shorthand: `throw fail('WP_ERR_NOT_FOUND', 'Project 12 not found')`. */
export function fail(code: ErrorCode, message?: string, headers?: Record<string, string>): WatchpostError {
  return new WatchpostError(code, message, headers);
}
