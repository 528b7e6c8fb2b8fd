import type { SecretBox } from './crypto.js';
import { fail } from './errors.js';

/**
 * Configurations with secret fields (notification channels, monitors): the secret fields are
 * stored sealed (AES-256-GCM, bound to the row id), the rest as plain JSON; the API shows which
 * secrets are set but never their values, and an update that omits a secret keeps it.
 */
export interface SplitConfig {
  /** JSON of the non-secret fields. */
  readonly config: string;
  /** Sealed JSON of the secret fields, or null when none is set. */
  readonly secrets: string | null;
}

export function sealConfig(box: SecretBox, rowId: string, config: Record<string, unknown>, secretFields: readonly string[]): SplitConfig {
  const open: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (secretFields.includes(key)) secret[key] = value;
    else open[key] = value;
  }
  return { config: JSON.stringify(open), secrets: Object.keys(secret).length > 0 ? box.seal(JSON.stringify(secret), rowId) : null };
}

/** The full configuration (secrets included), for the code that uses it — never for API output. */
export function openConfig(box: SecretBox, rowId: string, stored: SplitConfig): Record<string, unknown> {
  const open = JSON.parse(stored.config) as Record<string, unknown>;
  const secret = stored.secrets === null ? {} : (JSON.parse(box.open(stored.secrets, rowId)) as Record<string, unknown>);
  return { ...open, ...secret };
}

/** What the API shows: the non-secret fields, and the names of the secret fields that are set. */
export function publicConfig(box: SecretBox, rowId: string, stored: SplitConfig): { config: Record<string, unknown>; secretsSet: string[] } {
  const config = JSON.parse(stored.config) as Record<string, unknown>;
  const secretsSet = stored.secrets === null ? [] : Object.keys(JSON.parse(box.open(stored.secrets, rowId)) as Record<string, unknown>).sort();
  return { config, secretsSet };
}

/** Fields naming where a configuration sends its requests (and its secrets). */
const DESTINATION_FIELDS = ['url', 'host', 'port', 'serverUrl', 'apiBaseUrl'] as const;
/** Secret fields that never leave Watchpost (a webhook signing key): not bound to a destination. */
const LOCAL_SECRETS = new Set(['secret']);


function origin(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? null);
  try {
    return new URL(value).origin;
  } catch {
    return value.toLowerCase();
  }
}

/**
 * An update: fields in `patch` replace the stored ones; secret fields absent from the patch keep
 * their stored value (the client never saw it); a secret field sent as null is removed. When the
 * destination (URL origin, host, port) changes, stored secrets that would be sent there must be
 * given again: otherwise anyone allowed to edit could redirect a stored token to their own server.
 */
export function mergeConfig(current: Record<string, unknown>, patch: Record<string, unknown>, secretFields: readonly string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const field of secretFields) if (current[field] !== undefined) merged[field] = current[field];
  for (const [key, value] of Object.entries(patch)) {
    if (value === null && secretFields.includes(key)) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const moved = DESTINATION_FIELDS.some((field) => current[field] !== undefined && origin(current[field]) !== origin(merged[field]));
  if (moved) {
    const kept = secretFields.filter((field) => !LOCAL_SECRETS.has(field) && current[field] !== undefined && patch[field] === undefined);
    if (kept.length > 0) {
      throw fail('WP_ERR_VALIDATION', `The destination changed: enter ${kept.join(' and ')} again (or remove them) so stored secrets are not sent to the new address`);
    }
  }
  return merged;
}
