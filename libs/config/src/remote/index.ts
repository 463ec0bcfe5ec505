export * from './remote-config.error';
export * from './s3-config.config';
export * from './s3-config.source';
export * from './config-source.status';
export { syncRemoteConfigAtStart, type RemoteConfigDownload } from './remote-config.startup';
export * from './remote-config.mirror';
export * from './remote-config.module';
