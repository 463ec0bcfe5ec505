import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConfigSourceStatus } from './config-source.status';
import { RemoteConfigMirror } from './remote-config.mirror';
import {
  S3ConfigSourceConfig,
  s3ConfigSourceConfig,
  s3ConfigSourceProvider,
} from './s3-config.config';

/**
 * The remote config source (`CONFIG_S3_*`): its settings, this replica's mirror of the object, and
 * the ConfigSourceStatus port. Global, so the HA status endpoint reads the port without importing
 * the module that polls. Needs the global GatewayConfigModule (ServerConfig).
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(s3ConfigSourceConfig)],
  providers: [
    s3ConfigSourceProvider(),
    RemoteConfigMirror,
    { provide: ConfigSourceStatus, useExisting: RemoteConfigMirror },
  ],
  exports: [S3ConfigSourceConfig, RemoteConfigMirror, ConfigSourceStatus],
})
export class RemoteConfigModule {}
