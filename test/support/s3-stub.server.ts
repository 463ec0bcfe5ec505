import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the S3 stub received it, with what it answered. */
export interface S3RecordedRequest {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly headers: IncomingMessage['headers'];
  /** From the SigV4 `Credential=<id>/…` of the Authorization header; undefined when unsigned. */
  readonly accessKeyId?: string;
  readonly ifNoneMatch?: string;
  readonly status: number;
}

/** One scripted answer that replaces the next normal one (e.g. an unreadable error body). */
export interface S3StubRawAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

const SIGV4_CREDENTIAL = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//;

/**
 * An S3-compatible store over real HTTP, path-style only (`GET /<bucket>/<key>`), as MinIO serves
 * it with `forcePathStyle`. It answers GetObject like S3: `ETag: "<md5>"`, `Last-Modified`, 304 for
 * a matching `If-None-Match`, and S3's XML error documents (404 NoSuchKey / NoSuchBucket, 403
 * AccessDenied). It records every request; it checks that a request is SigV4-signed by an allowed
 * access key but does not verify the signature itself.
 */
export class S3StubServer {
  readonly requests: S3RecordedRequest[] = [];
  private readonly objects = new Map<string, StoredObject>();
  /** A bucket exists from its first object on, as if created then; deleting objects keeps it. */
  private readonly buckets = new Set<string>();
  private readonly scripted: S3StubRawAnswer[] = [];
  private allowedKeys?: ReadonlySet<string>;
  private server?: Server;

  /** Starts on a free port; resolves to the origin to use as the S3 endpoint. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.origin;
  }

  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Stores (or replaces) an object; returns its ETag without quotes (the body's MD5). */
  put(bucket: string, key: string, body: string | Buffer): string {
    const bytes = Buffer.from(body);
    const etag = createHash('md5').update(bytes).digest('hex');
    this.buckets.add(bucket);
    this.objects.set(`${bucket}/${key}`, { body: bytes, etag, lastModified: new Date() });
    return etag;
  }

  delete(bucket: string, key: string): void {
    this.objects.delete(`${bucket}/${key}`);
  }

  /** Only these access key ids are let in (403 AccessDenied for the others); unset: any. */
  allowAccessKeys(ids: readonly string[] | undefined): void {
    this.allowedKeys = ids && new Set(ids);
  }

  /** The next request gets `answer` instead of the normal one (queued, one per request). */
  answerNext(answer: S3StubRawAnswer): void {
    this.scripted.push(answer);
  }

  /** GetObject requests for one object, optionally only those signed with `accessKeyId`. */
  gets(bucket: string, key: string, accessKeyId?: string): S3RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === 'GET' &&
        r.bucket === bucket &&
        r.key === key &&
        (accessKeyId === undefined || r.accessKeyId === accessKeyId),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map((part) => decodeURIComponent(part)).join('/');
    const auth = req.headers.authorization;
    const accessKeyId = auth ? SIGV4_CREDENTIAL.exec(auth)?.[1] : undefined;
    const ifNoneMatch = req.headers['if-none-match'];
    const status = this.answer(req.method ?? 'GET', decodeURIComponent(bucket), key, res, {
      accessKeyId,
      ifNoneMatch,
    });
    this.requests.push({
      method: req.method ?? 'GET',
      bucket: decodeURIComponent(bucket),
      key,
      headers: req.headers,
      accessKeyId,
      ifNoneMatch,
      status,
    });
  }

  private answer(
    method: string,
    bucket: string,
    key: string,
    res: ServerResponse,
    request: { accessKeyId?: string; ifNoneMatch?: string },
  ): number {
    const scripted = this.scripted.shift();
    if (scripted) return send(res, scripted.status, scripted.body, scripted.headers);
    const resource = `/${bucket}/${key}`;
    const allowed =
      request.accessKeyId !== undefined &&
      (!this.allowedKeys || this.allowedKeys.has(request.accessKeyId));
    if (!allowed) return sendError(res, 403, 'AccessDenied', 'Access Denied', resource);
    if (method !== 'GET') {
      return sendError(
        res,
        405,
        'MethodNotAllowed',
        'The specified method is not allowed.',
        resource,
      );
    }
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) {
      return this.buckets.has(bucket)
        ? sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource, key)
        : sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', resource);
    }
    const headers = {
      etag: `"${object.etag}"`,
      'last-modified': object.lastModified.toUTCString(),
    };
    if (matches(request.ifNoneMatch, object.etag)) return send(res, 304, '', headers);
    return send(res, 200, object.body, {
      ...headers,
      'content-type': 'application/x-yaml',
      'content-length': String(object.body.length),
    });
  }
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === `"${etag}"`);
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): number {
  res.writeHead(status, { 'x-amz-request-id': randomUUID(), ...headers });
  res.end(status === 304 ? undefined : body);
  return status;
}

/** S3's REST error document. */
function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource: string,
  key?: string,
): number {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Error><Code>${code}</Code><Message>${message}</Message>`,
    key === undefined ? '' : `<Key>${escapeXml(key)}</Key>`,
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId>`,
    `<HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`,
  ].join('');
  return send(res, status, body, { 'content-type': 'application/xml' });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
