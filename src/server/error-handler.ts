import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERRORS, WatchpostError, type ErrorCode } from '../lib/errors.js';

/** The one error body shape clients see. */
export function sendError(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, message: string, headers: Record<string, string> = {}): FastifyReply {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply.code(ERRORS[code].status).type('application/json; charset=utf-8').send({
    error: { code, message, requestId: request.id },
  });
}

function validationMessage(error: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const parts = error.validation.map((issue) => {
      const where = [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].filter(Boolean).join('.');
      return `${where}: ${issue.message}`;
    });
    return `Invalid request: ${parts.join('; ')}`;
  }
  return `Invalid request: ${error.message}`;
}

/** Maps Fastify's own error codes (parser, limits) to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'WP_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'WP_ERR_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'WP_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'WP_ERR_VALIDATION',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'WP_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'WP_ERR_UNSUPPORTED_MEDIA_TYPE',
};

/** Installs the error handler: WatchpostError → its code; validation → 400; anything else → 500 without details. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof WatchpostError) {
      return sendError(reply, request, error.code, error.message, error.headers);
    }
    if (error.validation) return sendError(reply, request, 'WP_ERR_VALIDATION', validationMessage(error));
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return sendError(reply, request, 'WP_ERR_INTERNAL', ERRORS.WP_ERR_INTERNAL.message);
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const message = mapped === 'WP_ERR_BAD_JSON' ? `${ERRORS.WP_ERR_BAD_JSON.message}: ${error.message}` : mapped === 'WP_ERR_BODY_TOO_LARGE' ? ERRORS.WP_ERR_BODY_TOO_LARGE.message : error.message;
      return sendError(reply, request, mapped, message);
    }
    if (error instanceof SyntaxError) return sendError(reply, request, 'WP_ERR_BAD_JSON', `${ERRORS.WP_ERR_BAD_JSON.message}: ${error.message}`);
    const status = error.statusCode ?? 500;
    if (status === 429) return sendError(reply, request, 'WP_ERR_RATE_LIMITED', error.message);
    if (status === 413) return sendError(reply, request, 'WP_ERR_BODY_TOO_LARGE', ERRORS.WP_ERR_BODY_TOO_LARGE.message);
    if (status === 415) return sendError(reply, request, 'WP_ERR_UNSUPPORTED_MEDIA_TYPE', error.message);
    if (status === 404) return sendError(reply, request, 'WP_ERR_NOT_FOUND', error.message);
    if (status === 401) return sendError(reply, request, 'WP_ERR_AUTH_REQUIRED', error.message);
    if (status === 403) return sendError(reply, request, 'WP_ERR_FORBIDDEN', error.message);
    if (status >= 400 && status < 500) return sendError(reply, request, 'WP_ERR_VALIDATION', error.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, request, 'WP_ERR_INTERNAL', ERRORS.WP_ERR_INTERNAL.message);
  });
}
