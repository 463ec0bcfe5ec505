import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { RemoteConfigError, RemoteConfigErrorCode } from './remote-config.error';
import type { S3ConfigSourceConfig } from './s3-config.config';

/** One version of the config object. */
export interface S3ConfigObject {
  readonly body: Buffer;
  /** As S3 sends it, quotes included: what `If-None-Match` takes back. */
  readonly etag: string;
  readonly lastModified?: Date;
}

/** A conditional download: `changed: false` when the object still has the given ETag (304). */
export type S3ConfigFetch =
  { readonly changed: false } | { readonly changed: true; readonly object: S3ConfigObject };

const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** The error fields the AWS SDK sets; read defensively, as network errors carry few of them. */
interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Downloads the config object with the AWS SDK: endpoint, region and credentials come from the
 * SDK's standard chain. The SDK is loaded on first use, so a gateway without S3 never loads it.
 */
export class S3ConfigSource {
  private client?: Promise<S3Client>;

  constructor(private readonly config: S3ConfigSourceConfig) {}

  /** `s3://bucket/key`, for messages. */
  get location(): string {
    return `s3://${this.config.bucket ?? ''}/${this.config.key ?? ''}`;
  }

  /**
   * GetObject, conditional on `ifNoneMatch` (an ETag as S3 sent it) when given.
   * @throws RemoteConfigError with a one-line message naming the object and the cause.
   */
  async fetch(ifNoneMatch?: string): Promise<S3ConfigFetch> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    let output: GetObjectCommandOutput;
    try {
      const client = await this.s3();
      output = await client.send(
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: this.config.key,
          ...(ifNoneMatch !== undefined && { IfNoneMatch: ifNoneMatch }),
        }),
      );
    } catch (error) {
      if (statusOf(error) === 304) return { changed: false };
      throw this.describe(error);
    }
    return { changed: true, object: await this.read(output) };
  }

  /** Closes the client's connections. */
  async destroy(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    client?.destroy();
    this.client = undefined;
  }

  private s3(): Promise<S3Client> {
    this.client ??= import('@aws-sdk/client-s3').then(
      ({ S3Client: Client }) =>
        new Client({
          forcePathStyle: this.config.forcePathStyle,
          requestHandler: {
            connectionTimeout: CONNECT_TIMEOUT_MS,
            requestTimeout: REQUEST_TIMEOUT_MS,
          },
        }),
    );
    return this.client;
  }

  private async read(output: GetObjectCommandOutput): Promise<S3ConfigObject> {
    if (!output.ETag) {
      throw this.failure(RemoteConfigErrorCode.Failed, 'the store answered without an ETag');
    }
    if (!output.Body) {
      throw this.failure(RemoteConfigErrorCode.Failed, 'the store answered without a body');
    }
    try {
      const body = Buffer.from(await output.Body.transformToByteArray());
      return { body, etag: output.ETag, lastModified: output.LastModified };
    } catch (error) {
      throw this.failure(
        RemoteConfigErrorCode.Unreachable,
        `the download broke off (${firstLine(error)})`,
      );
    }
  }

  private describe(error: unknown): RemoteConfigError {
    const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
    const name = shape.name ?? 'Error';
    const status = statusOf(error);
    if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) {
      return this.failure(RemoteConfigErrorCode.NotFound, `the object does not exist (${name})`);
    }
    if (name === 'NoSuchBucket') {
      return this.failure(
        RemoteConfigErrorCode.NotFound,
        'the bucket does not exist (NoSuchBucket)',
      );
    }
    if (status === 403 || name === 'CredentialsProviderError') {
      const why =
        status === 403
          ? `access denied (${name}): check the credentials and the bucket policy`
          : 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role';
      return this.failure(RemoteConfigErrorCode.AccessDenied, why);
    }
    if (/region is missing/i.test(shape.message ?? '')) {
      return this.failure(RemoteConfigErrorCode.Failed, 'no AWS region: set AWS_REGION');
    }
    if (status === undefined) {
      // Node's errno codes name the cause best (the SDK may wrap the error, keeping its text).
      const cause =
        shape.code ?? /\bE[A-Z]{3,}\b/.exec(shape.message ?? '')?.[0] ?? firstLine(error);
      return this.failure(RemoteConfigErrorCode.Unreachable, `the store is unreachable (${cause})`);
    }
    // The SDK's message for an unparseable error body is about its own internals.
    const unreadable = /deserialization error/i.test(shape.message ?? '');
    const named = name !== 'Unknown' && name !== 'Error';
    const detail = unreadable
      ? ' with an unreadable error body'
      : named
        ? ` ${name}${shape.message && shape.message !== name ? `: ${firstLine(error)}` : ''}`
        : '';
    return this.failure(RemoteConfigErrorCode.Failed, `the store answered HTTP ${status}${detail}`);
  }

  private failure(code: RemoteConfigErrorCode, cause: string): RemoteConfigError {
    return new RemoteConfigError(code, `${this.location}: ${cause}`);
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as SdkErrorShape).$metadata?.httpStatusCode;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() ?? '';
}
