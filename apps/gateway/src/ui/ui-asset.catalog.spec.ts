import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isClientRoute, UiAssetCatalog } from './ui-asset.catalog';

describe(UiAssetCatalog.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), `console.log(${'1+'.repeat(2000)}1);`);
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, '.secret'), 'x');
    writeFileSync(join(dir, 'notes.md'), '# not served');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-outside.js`, { force: true });
  });

  it('holds every servable file with its type and cache policy', () => {
    const catalog = UiAssetCatalog.load(dir);
    expect(catalog.built).toBe(true);
    expect(catalog.size).toBe(4);
    expect(catalog.index()?.cacheControl).toBe('no-cache');
    expect(catalog.index()?.contentType).toBe('text/html; charset=utf-8');
    const script = catalog.find('assets/index-abc123.js');
    expect(script?.contentType).toBe('text/javascript; charset=utf-8');
    expect(script?.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(catalog.find('favicon.svg')?.cacheControl).toBe('public, max-age=3600');
  });

  it('keeps a gzip form only where it saves bytes', () => {
    const catalog = UiAssetCatalog.load(dir);
    const script = catalog.find('assets/index-abc123.js');
    expect(script?.gzip).not.toBeNull();
    expect(gunzipSync(script!.gzip!).equals(script!.body)).toBe(true);
    expect(catalog.find('assets/index-abc123.css')?.gzip).toBeNull();
  });

  it('never serves dot files, unknown types, symlinks or paths outside the map', () => {
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}-outside.js`), 'outside');
    symlinkSync(
      join(dir, '..', `${dir.split('/').pop()}-outside.js`),
      join(dir, 'assets', 'link.js'),
    );
    const catalog = UiAssetCatalog.load(dir);
    expect(catalog.find('.secret')).toBeUndefined();
    expect(catalog.find('notes.md')).toBeUndefined();
    expect(catalog.find('assets/link.js')).toBeUndefined();
    expect(catalog.find('../package.json')).toBeUndefined();
    expect(catalog.find('assets/../index.html')).toBeUndefined();
  });

  it('is empty, not failing, when the console was not built', () => {
    const catalog = UiAssetCatalog.load(join(dir, 'missing'));
    expect(catalog.built).toBe(false);
    expect(catalog.size).toBe(0);
    rmSync(join(dir, 'index.html'));
    expect(UiAssetCatalog.load(dir).built).toBe(false);
  });
});

describe(isClientRoute.name, () => {
  it('takes paths whose last segment has no extension for client routes', () => {
    expect(isClientRoute('keys')).toBe(true);
    expect(isClientRoute('keys/new')).toBe(true);
    expect(isClientRoute('assets/index-abc.js')).toBe(false);
    expect(isClientRoute('favicon.svg')).toBe(false);
  });
});
