/** The `token` in the URL fragment (`#token=…`): fragments never reach server logs or Referer headers. */
export function tokenFromHash(hash: string = window.location.hash): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return value && value.trim() !== '' ? value.trim() : null;
}

/** A same-site path to return to after login, or null for anything that could leave the site. */
export function safeNext(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  return value;
}

/** The login page, with a `next` that brings the person back to where they are now. */
export function loginHref(expired = false, { pathname, search, hash }: Pick<Location, 'pathname' | 'search' | 'hash'> = window.location): string {
  const next = encodeURIComponent(pathname + search + hash);
  return `/login?next=${next}${expired ? '&expired=1' : ''}`;
}
