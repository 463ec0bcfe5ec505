import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { AdminOnly, Audited, JsonBody, type GatewayRequest } from '@routeiq/common';
import { KeyAdminService } from './key-admin.service';
import { noted } from './audit-note';

/** LiteLLM-compatible virtual key management (admin keys only). */
@AdminOnly()
@Controller('key')
export class KeyController {
  constructor(private readonly keys: KeyAdminService) {}

  @Post('generate')
  @HttpCode(200)
  @Audited('key.generate', 'key')
  generate(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
  ): Promise<Record<string, unknown>> {
    return this.keys.generate(body).then((view) => noted(req, view.token, view));
  }

  @Get('info')
  info(@Query('key') key: string | undefined): Promise<Record<string, unknown>> {
    return this.keys.info(key);
  }

  @Get('list')
  list(@Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.keys.list(query);
  }

  @Post('update')
  @HttpCode(200)
  @Audited('key.update', 'key')
  update(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.keys.update(body).then((view) => noted(req, view.key, view));
  }

  @Post('delete')
  @HttpCode(200)
  @Audited('key.delete', 'key')
  delete(
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
  ): Promise<{ deleted_keys: string[] }> {
    return this.keys
      .delete(body)
      .then((result) => noted(req, result.deleted_keys.join(','), result));
  }

  @Post('block')
  @HttpCode(200)
  @Audited('key.block', 'key')
  block(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.keys.setBlocked(body, true).then((view) => noted(req, view.key, view));
  }

  @Post('unblock')
  @HttpCode(200)
  @Audited('key.unblock', 'key')
  unblock(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.keys.setBlocked(body, false).then((view) => noted(req, view.key, view));
  }
}
