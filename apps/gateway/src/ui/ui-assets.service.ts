import { Injectable, Logger } from '@nestjs/common';
import { CommonException, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { isClientRoute, UiAssetCatalog, type UiAsset } from './ui-asset.catalog';
import { UiConfig } from './ui.config';
import { UiException } from './ui.exception';
import { UI_SECURITY_HEADERS } from './ui-response.headers';

/** Serves the built console from memory; a missing build never stops the gateway. */
@Injectable()
export class UiAssetsService {
  private readonly logger = new Logger('AdminConsole');
  private readonly catalog: UiAssetCatalog;

  constructor(private readonly config: UiConfig) {
    this.catalog = config.enabled ? this.load(config.dir) : UiAssetCatalog.empty();
  }

  /** `path` is relative to `/ui/` ('' for `/ui` itself). */
  serve(req: GatewayRequest, res: GatewayResponse, path: string): void {
    if (!this.config.enabled)
      throw CommonException.routeNotFound(req.method ?? 'GET', `/ui/${path}`);
    if (!this.catalog.built) throw UiException.notBuilt();
    const asset =
      path === '' || isClientRoute(path) ? this.catalog.index() : this.catalog.find(path);
    if (!asset) throw UiException.assetNotFound(path);
    write(res, asset, acceptsGzip(req));
  }

  private load(dir: string): UiAssetCatalog {
    try {
      const catalog = UiAssetCatalog.load(dir);
      if (catalog.built) this.logger.log(`admin console at /ui (${catalog.size} files)`);
      else this.logger.warn(`admin console not built (no ${dir}/index.html): run npm run build`);
      return catalog;
    } catch (error) {
      this.logger.warn(`admin console not loaded: ${(error as Error).message}`);
      return UiAssetCatalog.empty();
    }
  }
}

function acceptsGzip(req: GatewayRequest): boolean {
  const accepted = req.headers['accept-encoding'];
  return typeof accepted === 'string' && /\bgzip\b/i.test(accepted);
}

function write(res: GatewayResponse, asset: UiAsset, gzip: boolean): void {
  const body = gzip && asset.gzip ? asset.gzip : asset.body;
  res.writeHead(200, {
    ...UI_SECURITY_HEADERS,
    'content-type': asset.contentType,
    'cache-control': asset.cacheControl,
    'content-length': body.length,
    ...(asset.gzip && { vary: 'accept-encoding' }),
    ...(body === asset.gzip && { 'content-encoding': 'gzip' }),
  });
  res.end(body);
}
