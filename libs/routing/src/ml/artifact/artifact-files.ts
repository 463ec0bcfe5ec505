import { createHash } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ArtifactError, ArtifactErrorCode } from './artifact.error';

/** Size limits for the files of an artifact directory. */
export interface ArtifactLimits {
  /** Largest manifest.json accepted, default 1 MiB. */
  readonly maxManifestBytes: number;
  /** Largest listed file accepted, default 256 MiB. */
  readonly maxFileBytes: number;
}

export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = {
  maxManifestBytes: 1024 * 1024,
  maxFileBytes: 256 * 1024 * 1024,
};

export const MANIFEST_FILE = 'manifest.json';
export const ROUTER_FILE = 'router.json';

const MAX_JSON_DEPTH = 64;

/** manifest.json itself when given a directory; resolved through symlinks, absolute. */
export async function resolveManifestPath(manifestPathOrDir: string): Promise<string> {
  try {
    const info = await stat(manifestPathOrDir);
    const path = info.isDirectory() ? join(manifestPathOrDir, MANIFEST_FILE) : manifestPathOrDir;
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ArtifactError(
      ArtifactErrorCode.ManifestInvalid,
      `manifest ${manifestPathOrDir} cannot be read (${code})`,
    );
  }
}

/**
 * Refuses a listed path that could leave the artifact directory by its spelling: absolute, `..`
 * segments, backslashes, NUL, or empty. Symlinks are checked by `resolveListedFile`.
 */
export function checkListedPath(path: unknown): string {
  const ok =
    typeof path === 'string' &&
    path !== '' &&
    path.length <= 1024 &&
    !path.includes('\0') &&
    !path.includes('\\') &&
    !isAbsolute(path) &&
    !path.split('/').some((segment) => segment === '..');
  if (!ok) {
    throw new ArtifactError(
      ArtifactErrorCode.PathEscape,
      `manifest path ${JSON.stringify(String(path).slice(0, 120))} must be relative, inside the ` +
        'manifest directory, without ".." or backslashes',
    );
  }
  return path;
}

/** The real path of a listed file; refused unless it is a regular file inside `dir` (real). */
export async function resolveListedFile(dir: string, listed: string): Promise<string> {
  const path = checkListedPath(listed);
  let real: string;
  try {
    real = await realpath(join(dir, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ArtifactError(ArtifactErrorCode.ManifestInvalid, `${path} cannot be read (${code})`);
  }
  const inside = relative(dir, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new ArtifactError(
      ArtifactErrorCode.PathEscape,
      `${path} resolves (through a symlink) outside the manifest directory`,
    );
  }
  return real;
}

/** Reads a regular file of at most `maxBytes`; a file that grows while read is refused. */
export async function readBounded(path: string, maxBytes: number, label: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ArtifactError(
      ArtifactErrorCode.ManifestInvalid,
      `${label} cannot be read (${error.code ?? 'unreadable'})`,
    );
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new ArtifactError(ArtifactErrorCode.ManifestInvalid, `${label} is not a regular file`);
    }
    if (info.size > maxBytes) throw tooLarge(label, maxBytes);
    const buffer = Buffer.alloc(info.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > info.size) {
      throw new ArtifactError(ArtifactErrorCode.ManifestInvalid, `${label} changed while read`);
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function tooLarge(label: string, maxBytes: number): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.TooLarge,
    `${label} is larger than the ${maxBytes}-byte limit`,
  );
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * JSON.parse over strict UTF-8 (no BOM), refusing what JSON.parse lets through but an artifact
 * must not hold: numbers that overflow to Infinity, `__proto__` keys, nesting past 64 levels.
 * @throws SyntaxError / RangeError with a reason that quotes no content.
 */
export function parseStrictJson(bytes: Buffer): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) throw new SyntaxError('starts with a byte order mark');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SyntaxError('is not valid JSON');
  }
  checkJsonValue(value, 0);
  return value;
}

function checkJsonValue(value: unknown, depth: number): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('holds a number out of range');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) checkJsonValue(item, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') throw new SyntaxError('holds a "__proto__" key');
    checkJsonValue((value as Record<string, unknown>)[key], depth + 1);
  }
}
