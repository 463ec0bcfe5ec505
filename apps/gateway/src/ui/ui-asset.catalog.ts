import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built console, held in memory. */
export interface UiAsset {
  readonly body: Buffer;
  /** The gzip form, for text files where it saves something. */
  readonly gzip: Buffer | null;
  readonly contentType: string;
  readonly cacheControl: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);
const INDEX = 'index.html';
// Vite puts content-hashed files under assets/: a new build gives them new names.
const HASHED_PREFIX = 'assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT_LIVED = 'public, max-age=3600';
const MAX_FILES = 1000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_DEPTH = 6;
const MIN_GZIP_BYTES = 1024;

/**
 * The files of a built console, read once at boot. Requests are answered by exact lookup in this
 * map, so no request path ever reaches the file system (no traversal, no symlink surprises).
 */
export class UiAssetCatalog {
  private constructor(private readonly files: ReadonlyMap<string, UiAsset>) {}

  static empty(): UiAssetCatalog {
    return new UiAssetCatalog(new Map());
  }

  /** Every servable file under `dir` (dot files, symlinks and unknown types skipped). */
  static load(dir: string): UiAssetCatalog {
    const files = new Map<string, UiAsset>();
    if (isDirectory(dir)) collect(dir, '', 0, files);
    return new UiAssetCatalog(files);
  }

  /** True when the build left an index.html. */
  get built(): boolean {
    return this.files.has(INDEX);
  }

  get size(): number {
    return this.files.size;
  }

  index(): UiAsset | undefined {
    return this.files.get(INDEX);
  }

  /** `path` relative to `/ui/`, e.g. `assets/index-3f2a.js`. */
  find(path: string): UiAsset | undefined {
    return this.files.get(path);
  }
}

/** A path whose last segment has no extension is a client-side route: index.html answers it. */
export function isClientRoute(path: string): boolean {
  const last = path.split('/').pop() ?? '';
  return !last.includes('.');
}

function collect(dir: string, prefix: string, depth: number, out: Map<string, UiAsset>): void {
  if (depth > MAX_DEPTH) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || out.size >= MAX_FILES) continue;
    const full = join(dir, entry.name);
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) collect(full, `${path}/`, depth + 1, out);
    else if (entry.isFile()) {
      const asset = readAsset(full, path);
      if (asset) out.set(path, asset);
    }
  }
}

function readAsset(full: string, path: string): UiAsset | undefined {
  const extension = extname(path).toLowerCase();
  const contentType = CONTENT_TYPES[extension];
  if (contentType === undefined || statSync(full).size > MAX_FILE_BYTES) return undefined;
  const body = readFileSync(full);
  return {
    body,
    gzip: compressed(body, extension),
    contentType,
    cacheControl: cacheControlOf(path),
  };
}

function cacheControlOf(path: string): string {
  if (path === INDEX) return 'no-cache';
  return path.startsWith(HASHED_PREFIX) ? IMMUTABLE : SHORT_LIVED;
}

function compressed(body: Buffer, extension: string): Buffer | null {
  if (!COMPRESSIBLE.has(extension) || body.length < MIN_GZIP_BYTES) return null;
  const gzip = gzipSync(body, { level: 9 });
  return gzip.length < body.length ? gzip : null;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
