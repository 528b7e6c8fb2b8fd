import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** A Fastify instance whose route schemas are zod schemas (validated, typed, and in the OpenAPI document). */
export type ApiInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Project ids are numeric (Sentry DSNs require it). */
export const projectIdParam = z.coerce.number().int().positive().max(2_147_483_647);

/** Cursor pagination shared by list endpoints: newest first, `before` = last id of the previous page. */
export const pageQuery = z.object({
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const okResponse = z.object({ ok: z.literal(true) });
