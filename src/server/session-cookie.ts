import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';

/**
 * The session cookie's name. Behind https it carries the `__Host-` prefix, which browsers only
 * accept with Secure, Path=/ and no Domain: a sibling subdomain can't plant or overwrite it.
 */
export function sessionCookieName(config: Config): string {
  return config.publicUrl.startsWith('https:') ? '__Host-wp_session' : 'wp_session';
}

function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: config.publicUrl.startsWith('https:'), path: '/' };
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure behind https, expiring with the session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: number): void {
  void reply.setCookie(sessionCookieName(config), token, { ...cookieOptions(config), expires: new Date(expiresAt) });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(sessionCookieName(config), cookieOptions(config));
}

export function sessionTokenOf(request: FastifyRequest, config: Config): string | undefined {
  const value = request.cookies[sessionCookieName(config)];
  return value === undefined || value === '' ? undefined : value;
}
