import { realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  checkListedPath,
  DEFAULT_ARTIFACT_LIMITS,
  readBounded,
  resolveManifestPath,
  sha256Hex,
} from './artifact-files';

/**
 * A cheap summary of an artifact directory's state for the hot-reload poller: the manifest's real
 * path and sha256, plus size/mtime/inode of each file it lists. Any change (an atomic rename, a
 * symlink pointed at another version, a file rewritten in place) changes it. Never throws: an
 * unreadable manifest is a state too.
 */
export async function manifestFingerprint(manifestPathOrDir: string): Promise<string> {
  let manifestPath: string;
  let bytes: Buffer;
  try {
    manifestPath = await resolveManifestPath(manifestPathOrDir);
    bytes = await readBounded(manifestPath, DEFAULT_ARTIFACT_LIMITS.maxManifestBytes, 'manifest');
  } catch (error) {
    return `unreadable:${(error as Error).message}`;
  }
  const parts = [manifestPath, sha256Hex(bytes)];
  const dir = await realpath(dirname(manifestPath)).catch(() => dirname(manifestPath));
  for (const path of listedPaths(bytes)) {
    const info = await stat(join(dir, path)).catch(() => undefined);
    parts.push(info ? `${path}:${info.size}:${info.mtimeMs}:${info.ino}` : `${path}:missing`);
  }
  return parts.join('\n');
}

function listedPaths(bytes: Buffer): string[] {
  try {
    const { artifacts } = JSON.parse(bytes.toString('utf8')) as { artifacts?: unknown };
    if (!Array.isArray(artifacts)) return [];
    return artifacts.flatMap((entry: unknown) => {
      try {
        return [checkListedPath((entry as { path?: unknown } | null)?.path)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}
