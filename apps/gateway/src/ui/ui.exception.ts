import { GatewayException } from '@routeiq/common';

export enum UiErrorCode {
  UiNotBuilt = 'ui_not_built',
  UiAssetNotFound = 'ui_asset_not_found',
}

/** What `/ui` answers when there is nothing to serve. */
export class UiException extends GatewayException {
  static notBuilt(): UiException {
    return new UiException({
      status: 404,
      code: UiErrorCode.UiNotBuilt,
      message:
        'The admin console is not built: run `npm run build` (it writes dist/ui), or point ROUTEIQ_UI_DIR at a built console',
    });
  }

  static assetNotFound(path: string): UiException {
    return new UiException({
      status: 404,
      code: UiErrorCode.UiAssetNotFound,
      message: `No admin console file ${JSON.stringify(path.slice(0, 200))}`,
    });
  }
}
