import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';

export const SESSION_COOKIE = 'wp_session';

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure behind https, expiring with the session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: number): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
  });
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}
