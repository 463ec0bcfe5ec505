import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RequestLimits } from '@routeiq/common';
import type { GatewayFlags } from './cli-flags';
import { ConfigRequestLimits } from './config-request-limits';
import { ConfigStore } from './config-store.service';
import { ServerConfig, serverConfig, serverConfigProvider } from './server.config';

/** Registered once by the app: ServerConfig, the live YAML config store and request limits. */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(flags: GatewayFlags): DynamicModule {
    return {
      module: GatewayConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [serverConfig(flags)] }),
      ],
      providers: [
        serverConfigProvider(),
        ConfigStore,
        { provide: RequestLimits, useClass: ConfigRequestLimits },
      ],
      exports: [ServerConfig, ConfigStore, RequestLimits],
    };
  }
}
