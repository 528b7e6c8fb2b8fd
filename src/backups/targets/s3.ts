import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import http from 'node:http';
import https from 'node:https';
import { addAbortSignal, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertHostAllowed, guardedLookup } from '../../lib/egress.js';
import { fail } from '../../lib/errors.js';
import type { BackupTarget, S3TargetConfig } from '../types.js';
import { abortError, keySegments, normalizePrefix } from './keys.js';

const MiB = 1024 * 1024;

/** S3's smallest part (except the last). */
const MIN_PART_SIZE = 5 * MiB;

export interface S3TargetOptions {
  /**
   * Multipart part size; default 8 MiB. S3 allows 10,000 parts, so 8 MiB caps an object at about
   * 78 GiB; raise it for larger databases. Memory held is about (queueSize + 1) × partSize.
   */
  readonly partSize?: number;
  /** Parts uploaded at once; default 2 (≈ 24 MiB buffered with 8 MiB parts). */
  readonly queueSize?: number;
}

/**
 * Backups in an S3-compatible bucket (AWS, R2, B2, MinIO…). Uploads are multipart through
 * lib-storage, streaming part by part; an aborted or failed upload is aborted on the server so no
 * object and no orphaned parts (which cost storage but are invisible in listings) remain.
 */
export class S3Target implements BackupTarget {
  readonly kind = 's3' as const;
  // Private fields: the config holds the secret key and must not show up in logs or JSON.
  readonly #config: S3TargetConfig;
  readonly #prefix: string;
  readonly #client: S3Client;
  readonly #partSize: number;
  readonly #queueSize: number;

  constructor(config: S3TargetConfig, options: S3TargetOptions = {}) {
    this.#config = config;
    this.#prefix = normalizePrefix(config.prefix);
    this.#partSize = options.partSize ?? 8 * MiB;
    this.#queueSize = options.queueSize ?? 2;
    if (!Number.isInteger(this.#partSize) || this.#partSize < MIN_PART_SIZE) throw fail('WP_ERR_VALIDATION', `S3 part size must be at least ${MIN_PART_SIZE} bytes`);
    if (!Number.isInteger(this.#queueSize) || this.#queueSize < 1) throw fail('WP_ERR_VALIDATION', 'S3 upload queue size must be a positive integer');
    // A custom endpoint is chosen by a project admin: never the cloud-metadata service (lib/egress.ts).
    if (config.endpoint !== undefined) {
      try {
        assertHostAllowed(new URL(config.endpoint).hostname);
      } catch (error) {
        throw fail('WP_ERR_VALIDATION', `S3 endpoint refused: ${(error as Error).message}`);
      }
    }
    this.#client = new S3Client({
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      forcePathStyle: config.forcePathStyle ?? false,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // lib-storage does not pass our abort signal to the requests it sends, so a stalled
      // connection must time out on its own. requestTimeout runs until the response headers only,
      // so a slow reader of a GET body (pg_restore building an index) is not cut off.
      requestHandler: {
        connectionTimeout: 10_000,
        requestTimeout: 5 * 60_000,
        throwOnRequestTimeout: true,
        // The SDK's own agents' settings, plus a lookup that refuses link-local / metadata addresses.
        httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50, lookup: guardedLookup }),
        httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 50, lookup: guardedLookup }),
      },
    });
  }

  /** 's3://bucket/prefix/ (region)', with the endpoint for non-AWS storage; never the credentials. */
  describe(): string {
    const where = `s3://${this.#config.bucket}/${this.#prefix}`;
    const endpoint = this.#config.endpoint === undefined ? '' : `, ${displayEndpoint(this.#config.endpoint)}`;
    return `${where} (${this.#config.region}${endpoint})`;
  }

  /** Streams `body` to the object; `body` is consumed, and destroyed when the upload fails. */
  async put(key: string, body: Readable, signal: AbortSignal): Promise<{ bytes: number }> {
    const objectKey = this.#objectKey(key);
    if (signal.aborted) {
      body.destroy();
      throw abortError(signal);
    }
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    // Errors reach the upload through `counter` (pipeline destroys it with the source's error).
    const feeding = pipeline(body, counter).catch(() => undefined);
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#config.bucket, Key: objectKey, Body: counter, ContentType: 'application/octet-stream' },
      partSize: this.#partSize,
      queueSize: this.#queueSize,
      leavePartsOnError: false,
    });
    // Not upload.abort(): its done() rejects at once while parts are still in flight and before the
    // multipart upload is aborted on the server. Failing the source instead makes done() settle only
    // after lib-storage has sent AbortMultipartUpload, so "rejected" means "nothing left behind".
    const onAbort = (): void => {
      counter.destroy(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      throw signal.aborted ? abortError(signal) : this.#failure('Upload to', objectKey, error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await feeding;
    }
    if (signal.aborted) {
      // The abort came after the last byte, while the upload was being completed: the object exists.
      await this.#deleteObject(objectKey).catch(() => undefined);
      throw abortError(signal);
    }
    return { bytes };
  }

  /** The object's body as a stream; rejects with WP_ERR_NOT_FOUND when there is no such object. */
  async get(key: string, signal?: AbortSignal): Promise<Readable> {
    const objectKey = this.#objectKey(key);
    if (signal?.aborted) throw abortError(signal);
    let body: unknown;
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#config.bucket, Key: objectKey }), signal ? { abortSignal: signal } : {});
      body = response.Body;
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (isMissingObject(error)) throw fail('WP_ERR_NOT_FOUND', `Backup file not found: ${this.#location(objectKey)}`);
      throw this.#failure('Download of', objectKey, error);
    }
    // In Node the SDK's body is an http.IncomingMessage; anything else means a misconfigured client.
    if (!(body instanceof Readable)) throw new Error(`Download of ${this.#location(objectKey)} returned no readable body`);
    return signal ? addAbortSignal(signal, body) : body;
  }

  /** Deletes the object; a missing one is fine (S3 itself says so). */
  async delete(key: string): Promise<void> {
    await this.#deleteObject(this.#objectKey(key));
  }

  /** The object's size, or null when there is no such object. */
  async size(key: string): Promise<number | null> {
    const objectKey = this.#objectKey(key);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#config.bucket, Key: objectKey }));
      if (head.ContentLength === undefined) throw new Error('no Content-Length in the response');
      return head.ContentLength;
    } catch (error) {
      // HEAD responses have no body, so a missing bucket is a bare 404 too: both mean "no backup here".
      if (isMissingObject(error) || httpStatus(error) === 404) return null;
      throw this.#failure('Size of', objectKey, error);
    }
  }

  /** Closes the client's idle connections. The target cannot be used afterwards. */
  close(): void {
    this.#client.destroy();
  }

  async #deleteObject(objectKey: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#config.bucket, Key: objectKey }));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible stores answer 404.
      if (isMissingObject(error)) return;
      throw this.#failure('Delete of', objectKey, error);
    }
  }

  #objectKey(key: string): string {
    return this.#prefix + keySegments(key).join('/');
  }

  #location(objectKey: string): string {
    return `s3://${this.#config.bucket}/${objectKey}`;
  }

  /** A readable error: what failed, where, and the service's code, with the secret scrubbed out. */
  #failure(action: string, objectKey: string, error: unknown): Error {
    const name = error instanceof Error ? error.name : 'Error';
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    const detail = error instanceof Error ? error.message : String(error);
    const label = code !== undefined && code !== name ? `${name} (${code})` : name;
    const message = `${action} ${this.#location(objectKey)} failed: ${label}: ${detail}`;
    return new Error(scrub(message, this.#config.secretAccessKey), { cause: error });
  }
}

/** NoSuchKey from GET, NotFound from HEAD; a missing bucket is a configuration error, not "no backup". */
function isMissingObject(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'NoSuchBucket') return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound';
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function scrub(text: string, secret: string): string {
  return secret.length === 0 ? text : text.split(secret).join('[secret]');
}

/** The endpoint without user info, path or query: 'https://minio.internal:9000'. */
function displayEndpoint(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'an invalid endpoint';
  }
}
