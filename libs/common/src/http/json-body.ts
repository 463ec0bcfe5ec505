import {
  createParamDecorator,
  Injectable,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import { CommonException } from '../errors/common.exception';
import type { GatewayRequest } from './gateway-request';

/**
 * Port for request-size limits, provided by the config module (general_settings.max_request_size_mb)
 * so the limit follows config reloads.
 */
export abstract class RequestLimits {
  abstract get maxBodyBytes(): number;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Deepest nesting of arrays and objects a JSON body may have. `JSON.parse` itself copes with any
 * depth, but everything after it that recurses (`JSON.stringify` towards the upstream, structured
 * clone, loggers) overflows the stack a few thousand levels down, and no API request needs more
 * than a handful: 64 leaves ample room for tool JSON schemas.
 */
export const MAX_JSON_DEPTH = 64;

// Decoding and UTF-8 validation in one pass, as fast as `buffer.toString`: invalid or overlong
// sequences fail instead of turning silently into U+FFFD. The BOM is kept, so JSON.parse refuses it
// as before (RFC 8259: senders must not add one).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads and parses a JSON request body once, enforcing the content type and the size limit while
 * streaming (a body over the limit is never held in memory in full).
 */
export function readJsonBody(req: GatewayRequest, limitBytes: number): Promise<unknown> {
  const contentType = req.headers['content-type'];
  if (!contentType || !JSON_TYPE.test(contentType)) {
    return Promise.reject(CommonException.unsupportedMediaType(contentType));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) return Promise.reject(tooLarge(req, limitBytes));
  if (req.readableLength === declared && req.readableFlowing === null) return readReceived(req);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        reject(tooLarge(req, limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      try {
        resolve(parseJson(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(CommonException.invalidRequest(`Request body could not be read: ${error.message}`));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * The usual case: a small body arrives with the headers, so by the time the guards have run all of
 * its declared length sits in the request's buffer. It is taken in one `read()`, without the
 * listeners and closures of reading it as a stream (~2 KB of garbage per request); `resume` lets
 * the stream end as it would have.
 */
function readReceived(req: GatewayRequest): Promise<unknown> {
  const body = req.read() as Buffer | null;
  req.resume();
  try {
    return Promise.resolve(parseJson(body ?? undefined));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function tooLarge(req: GatewayRequest, limitBytes: number): CommonException {
  // The rest of the body stays unread, so the connection cannot be reused.
  req.resume();
  const error = CommonException.requestTooLarge(limitBytes);
  return new CommonException({
    status: error.status,
    code: error.code,
    message: error.message,
    headers: { connection: 'close' },
  });
}

function parseJson(buffer: Buffer | undefined): unknown {
  if (!buffer || buffer.length === 0) throw CommonException.invalidJson('the body is empty');
  let text: string;
  try {
    text = UTF8.decode(buffer);
  } catch {
    throw CommonException.invalidJson('the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own message quotes the input; the client gets a plain statement instead.
    throw CommonException.invalidJson('check the syntax');
  }
  checkStructure(value);
  return value;
}

/**
 * Refuses bodies nested deeper than {@link MAX_JSON_DEPTH} and prototype-pollution keys. `JSON.parse`
 * makes `__proto__` an own property, harmless until some code copies it with `Object.assign` or a
 * deep merge; no API field has that name, so it is refused outright, as is the
 * `constructor.prototype` path that deep merges follow. A plain `constructor` key stays legal (a
 * tool's JSON schema may name a property so). Iterative, and it visits containers and keys only:
 * a few dozen steps on a normal request, whatever the length of its text.
 */
function checkStructure(root: unknown): void {
  if (typeof root !== 'object' || root === null) return;
  const nodes: object[] = [root];
  const depths: number[] = [1];
  const push = (child: object, depth: number): void => {
    if (depth > MAX_JSON_DEPTH) {
      throw CommonException.invalidRequest(
        `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    nodes.push(child);
    depths.push(depth);
  };
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const childDepth = depths.pop()! + 1;
    if (Array.isArray(node)) {
      // Indexed, with the type test inline: token arrays hold 100 000s of numbers.
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) push(child, childDepth);
      }
      continue;
    }
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key];
      checkKey(key, child);
      if (typeof child === 'object' && child !== null) push(child, childDepth);
    }
  }
}

function checkKey(key: string, value: unknown): void {
  const polluting =
    key === '__proto__' ||
    (key === 'constructor' &&
      typeof value === 'object' &&
      value !== null &&
      Object.hasOwn(value, 'prototype'));
  if (polluting) {
    throw CommonException.invalidRequest(`The key "${key}" is not allowed in a request body`);
  }
}

@Injectable()
export class JsonBodyPipe implements PipeTransform<GatewayRequest, Promise<unknown>> {
  constructor(private readonly limits: RequestLimits) {}

  transform(req: GatewayRequest): Promise<unknown> {
    return readJsonBody(req, this.limits.maxBodyBytes);
  }
}

const RawRequest = createParamDecorator((_data: unknown, ctx: ExecutionContext): GatewayRequest =>
  ctx.switchToHttp().getRequest(),
);

/**
 * Injects the parsed JSON body. Body parsing runs after the guards, so unauthenticated callers
 * never make the gateway read a large body. Validation of the shape is the handler's DTO parser.
 */
export const JsonBody = (): ParameterDecorator => RawRequest(undefined, JsonBodyPipe);
