/** "My Shop (EU)!" → "my-shop-eu"; never empty. */
export function slugify(name: string, fallback = 'item'): string {
  const slug = name
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug === '' ? fallback : slug;
}

/** The first of slug, slug-2, slug-3, … that `taken` does not contain. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Orders named things the same way on both engines (their collations differ): by name as people
 * read it, then by slug.
 */
export function byNameThenSlug(a: { name: string; slug: string }, b: { name: string; slug: string }): number {
  return a.name.localeCompare(b.name, 'en', { sensitivity: 'base', numeric: true }) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}
