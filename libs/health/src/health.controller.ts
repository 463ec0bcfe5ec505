import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { Public, sendJson, type GatewayResponse } from '@routeiq/common';
import { ReadinessService } from './readiness.service';

@Public()
@Controller('_health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process answers; no dependency is checked. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: GatewayResponse): Promise<void> {
    try {
      sendJson(res, 200, await this.readiness.check());
    } catch (error) {
      // terminus signals "not ready" with a 503 exception that carries the check results.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      sendJson(res, 503, error.getResponse());
    }
  }
}
