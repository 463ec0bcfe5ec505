import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { Public, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { UiAssetsService } from './ui-assets.service';

/** The admin console's static files: public (they hold no data; every API call needs a key). */
@Public()
@Controller('ui')
export class UiController {
  constructor(private readonly assets: UiAssetsService) {}

  @Get()
  index(@Req() req: GatewayRequest, @Res() res: GatewayResponse): void {
    this.assets.serve(req, res, '');
  }

  /** Files by exact name; paths without an extension are client routes (index.html). */
  @Get('*path')
  file(
    @Param('path') path: string[] | string,
    @Req() req: GatewayRequest,
    @Res() res: GatewayResponse,
  ): void {
    this.assets.serve(req, res, Array.isArray(path) ? path.join('/') : path);
  }
}
