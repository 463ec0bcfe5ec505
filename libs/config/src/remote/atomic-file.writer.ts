import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RemoteConfigError, RemoteConfigErrorCode } from './remote-config.error';

/**
 * Replaces `path` with `content` in one step: a temporary file beside it, flushed, then renamed
 * over it, so a reader sees the old file or the new one, never half of one. The directory is
 * created when missing; an existing file keeps its mode, a new one is private (it may hold keys).
 * @throws RemoteConfigError `remote_config_write_failed`.
 */
export async function writeFileAtomically(path: string, content: Buffer): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const mode = await stat(path).then(
      (info) => info.mode & 0o777,
      () => 0o600,
    );
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new RemoteConfigError(
      RemoteConfigErrorCode.WriteFailed,
      `cannot write the config file ${path} (${reason})`,
    );
  }
}
