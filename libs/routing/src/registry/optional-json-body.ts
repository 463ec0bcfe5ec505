import {
  createParamDecorator,
  Injectable,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import { readJsonBody, RequestLimits, type GatewayRequest } from '@routeiq/common';

/** Reads the JSON body when the request has one, like `@JsonBody()`; undefined when it has none. */
@Injectable()
export class OptionalJsonBodyPipe implements PipeTransform<GatewayRequest, Promise<unknown>> {
  constructor(private readonly limits: RequestLimits) {}

  transform(req: GatewayRequest): Promise<unknown> {
    const { headers } = req;
    const hasBody =
      headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
    return hasBody ? readJsonBody(req, this.limits.maxBodyBytes) : Promise.resolve(undefined);
  }
}

const RawRequest = createParamDecorator((_data: unknown, ctx: ExecutionContext): GatewayRequest =>
  ctx.switchToHttp().getRequest(),
);

/** Injects the parsed JSON body, or undefined for a bodyless request (`POST /strategy/promote`). */
export const OptionalJsonBody = (): ParameterDecorator =>
  RawRequest(undefined, OptionalJsonBodyPipe);
