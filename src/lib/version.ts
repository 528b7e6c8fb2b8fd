import { readFileSync } from 'node:fs';

/** The package root: src/lib and dist/lib both sit two levels below it. */
export const PACKAGE_ROOT = new URL('../../', import.meta.url).pathname;

/** Watchpost's version from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('package.json', `file://${PACKAGE_ROOT}`), 'utf8')) as { version: string }).version;
