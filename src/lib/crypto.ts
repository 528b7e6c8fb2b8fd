import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Purposes keep keys derived from WATCHPOST_SECRET_KEY independent of each other. */
export type KeyPurpose = 'secrets' | 'tokens';

function deriveKey(secretKey: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'watchpost', `watchpost:${purpose}:v1`, 32));
}

/**
 * Encrypts secrets Watchpost stores (webhook URLs, SMTP/S3 credentials, database URLs) with
 * AES-256-GCM. The output is `v1.<iv>.<ciphertext>.<tag>` in base64url, self-describing so the
 * format can change later without a migration.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secretKey: string) {
    this.#key = deriveKey(secretKey, 'secrets');
  }

  /** Encrypts `plaintext`; `context` (e.g. a row id) is authenticated so a ciphertext can't be moved to another row. */
  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Decrypts what `seal` produced; throws if it was tampered with, moved, or sealed under another key. */
  open(sealed: string, context = ''): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || body === undefined || tag === undefined) {
      throw new Error('Not a Watchpost sealed secret');
    }
    // A fixed tag length: GCM would otherwise accept a truncated (weaker) tag.
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * Hashes bearer secrets (session ids, API tokens, invite and setup tokens) for storage. Keyed with
 * the instance secret, so a leaked database alone does not let anyone check guesses offline.
 */
export class TokenHasher {
  readonly #key: Buffer;

  constructor(secretKey: string) {
    this.#key = deriveKey(secretKey, 'tokens');
  }

  hash(token: string): string {
    return createHmac('sha256', this.#key).update(token).digest('base64url');
  }
}

/** Constant-time string comparison for secrets of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
