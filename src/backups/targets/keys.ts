import { fail } from '../../lib/errors.js';

/** S3's limit on a key's length, in UTF-8 bytes; the local target uses the same so keys stay portable. */
const MAX_KEY_BYTES = 1024;

/** Suffix of the local target's in-progress files; a key may not end with it or it could collide. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * Checks a backup key ("<source id>/<backup id>.dump.enc") and returns its path segments. Keys are
 * relative, '/'-separated, with no empty, '.' or '..' segments: one rule for both targets, so a
 * key that works on one works on the other and can never climb out of the directory or prefix.
 */
export function keySegments(key: string): string[] {
  const problem = keyProblem(key);
  if (problem !== null) throw fail('WP_ERR_VALIDATION', `Invalid backup key ${JSON.stringify(key.slice(0, 200))}: ${problem}`);
  return key.split('/');
}

function keyProblem(key: string, options: { partialSuffixAllowed?: boolean } = {}): string | null {
  if (key.length === 0) return 'it is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/') || /^[a-zA-Z]:(\/|$)/.test(key)) return 'it must be relative, not an absolute path';
  // Control characters (NUL above all) and backslashes mean different things to different filesystems.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return 'it contains a backslash or a control character';
  const segments = key.split('/');
  if (segments.some((s) => s === '..')) return "it contains a '..' segment";
  if (segments.some((s) => s === '' || s === '.')) return "it contains an empty or '.' segment";
  if (!options.partialSuffixAllowed && key.endsWith(PARTIAL_SUFFIX)) return `it ends with "${PARTIAL_SUFFIX}", reserved for files being written`;
  return null;
}

/**
 * An S3 key prefix as stored ('backups/watchpost', '' for none) turned into what goes in front of
 * every key: '' or 'backups/watchpost/'. Surrounding slashes are forgiven; '..' and empty segments
 * are not, for the same reasons as in keys.
 */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  // The '.partial' rule is the local target's; it doesn't apply to a prefix.
  const problem = keyProblem(trimmed, { partialSuffixAllowed: true });
  if (problem !== null) {
    throw fail('WP_ERR_VALIDATION', `Invalid key prefix ${JSON.stringify(prefix.slice(0, 200))}: ${problem}`);
  }
  return `${trimmed}/`;
}

/** The error a target rejects with when `signal` fired: its reason when that is an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('The backup upload was aborted'), { name: 'AbortError', cause: reason });
}
