import type { GatewayFlags } from '../cli-flags';
import { serverConfig } from '../server.config';
import { writeFileAtomically } from './atomic-file.writer';
import { RemoteConfigError } from './remote-config.error';
import { s3ConfigSourceConfig } from './s3-config.config';
import { S3ConfigSource } from './s3-config.source';

/** What the start-up download installed. */
export interface RemoteConfigDownload {
  readonly location: string;
  readonly path: string;
  readonly etag: string;
  readonly at: Date;
}

/**
 * The start-up download happens before the application exists; the application's mirror picks
 * its ETag up here, by config path, so its first poll is conditional.
 */
const downloads = new Map<string, RemoteConfigDownload>();

export function startupDownloadOf(path: string): RemoteConfigDownload | undefined {
  return downloads.get(path);
}

/**
 * When `CONFIG_S3_BUCKET` and `CONFIG_S3_KEY` are set, downloads the object over the gateway's
 * config file (`--config`, `LITELLM_CONFIG_PATH`, `CONFIG_FILE_PATH`, default
 * `config/config.yaml`), atomically, so the config store reads it at boot. Run it before the
 * application is created. Resolves undefined when S3 is not configured.
 * @throws ConfigValidationError for bad variables; RemoteConfigError (one line, no credentials)
 * when the object cannot be downloaded or written.
 */
export async function syncRemoteConfigAtStart(
  flags: GatewayFlags,
): Promise<RemoteConfigDownload | undefined> {
  const config = s3ConfigSourceConfig();
  if (!config.enabled) return undefined;
  const { configPath } = serverConfig(flags)();
  const source = new S3ConfigSource(config);
  try {
    const fetched = await source.fetch().catch((error: unknown) => {
      if (!(error instanceof RemoteConfigError)) throw error;
      throw new RemoteConfigError(error.code, `cannot download the config ${error.message}`);
    });
    // Unconditional GETs always carry the object; the check only narrows the type.
    if (!fetched.changed) throw new Error(`${source.location}: unexpected 304`);
    await writeFileAtomically(configPath, fetched.object.body);
    const download = {
      location: source.location,
      path: configPath,
      etag: fetched.object.etag,
      at: new Date(),
    };
    downloads.set(configPath, download);
    return download;
  } finally {
    await source.destroy();
  }
}
