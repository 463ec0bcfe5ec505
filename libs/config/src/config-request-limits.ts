import { Injectable } from '@nestjs/common';
import { RequestLimits } from '@routeiq/common';
import { ConfigStore } from './config-store.service';

/** Request limits read from the live config on every access, so they follow reloads. */
@Injectable()
export class ConfigRequestLimits extends RequestLimits {
  constructor(private readonly store: ConfigStore) {
    super();
  }

  get maxBodyBytes(): number {
    return Math.floor(this.store.current.generalSettings.max_request_size_mb * 1024 * 1024);
  }
}
