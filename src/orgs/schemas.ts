import { z } from 'zod';
import { ROLES } from './types.js';

/** API shapes of organisations, shared by every route that returns one. */
export const orgSchema = z.object({ id: z.string(), name: z.string(), slug: z.string(), createdAt: z.number() });
export const orgWithRoleSchema = orgSchema.extend({ role: z.enum(ROLES) });
