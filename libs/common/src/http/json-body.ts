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
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    // The parser's own message quotes the input; the client gets a plain statement instead.
    throw CommonException.invalidJson('check the syntax');
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
