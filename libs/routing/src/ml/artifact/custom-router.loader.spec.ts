import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArtifactErrorCode } from './artifact.error';
import { loadCustomRouter } from './custom-router.loader';
import { signManifestFile } from './manifest-file';
import type { ArtifactSigner } from './manifest-signature';
import { ed25519Pair, tempDir, trustOf } from './__fixtures__/router-artifact.fixture';

const PICK_LONGEST = `
const { longest } = require('./lib/helpers');
module.exports = function createRouter() {
  return {
    pick(candidates, prompt, args) {
      return { index: prompt.length > (args.cutoff ?? 10) ? longest(candidates) : 0, reason: 'by length' };
    },
  };
};`;
const HELPERS = `exports.longest = (names) => names.reduce((best, n, i) => (n.length > names[best].length ? i : best), 0);`;

describe(loadCustomRouter.name, () => {
  const pair = ed25519Pair();
  const signer: ArtifactSigner = { type: 'ed25519', privateKey: pair.privateKey };
  const trust = trustOf({ ed25519PublicKey: pair.publicKey });
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  async function publish(files: Record<string, string>, by: ArtifactSigner | 'none' = signer) {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    await signManifestFile(dir, by === 'none' ? undefined : by, { add: Object.keys(files) });
  }

  it('loads a listed module that picks, with its listed helper, and checks each answer', async () => {
    await publish({ 'router.js': PICK_LONGEST, 'lib/helpers.js': HELPERS });
    const router = await loadCustomRouter(dir, trust, { module: 'router.js' });
    expect(router).toMatchObject({
      kind: 'pick',
      module: 'router.js',
      version: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    if (router.kind !== 'pick') throw new Error('expected a picking router');
    expect(router.pick(['a', 'bbb', 'cc'], 'a long prompt indeed', {})).toEqual({
      index: 1,
      reason: 'by length',
    });
    expect(router.pick(['a', 'bbb'], 'short', {})).toEqual({ index: 0, reason: 'by length' });
    expect(router.pick(['a', 'bbb'], 'a long prompt', { cutoff: 100 }).index).toBe(0);
  });

  it('loads a createRouter export that predicts, and refuses out-of-contract predictions', async () => {
    await publish({
      'quality.cjs': `
        const { createHash } = require('node:crypto');
        exports.createRouter = async () => ({
          predict: (prompt, candidates) =>
            prompt === 'bad' ? [NaN] : candidates.map((c) => (c === 'big' ? 0.9 : 0.4)),
        });`,
    });
    const router = await loadCustomRouter(dir, trust);
    if (router.kind !== 'predict') throw new Error('expected a predicting router');
    expect(Array.from(router.predict('hi', ['small', 'big']))).toEqual([0.4, 0.9]);
    expect(() => router.predict('bad', ['small'])).toThrow(
      'predict must return qualities in [0, 1]',
    );
    expect(() => router.predict('bad', ['small', 'big'])).toThrow('predict must return 2 numbers');
  });

  it('fails a call that answers out of range, asynchronously, or throws', async () => {
    await publish({
      'router.js': `module.exports = () => ({
        pick(candidates, prompt) {
          if (prompt === 'async') return Promise.resolve({ index: 0 });
          if (prompt === 'throw') throw new Error('boom');
          return { index: candidates.length };
        },
      });`,
    });
    const router = await loadCustomRouter(dir, trust);
    if (router.kind !== 'pick') throw new Error('expected a picking router');
    expect(() => router.pick(['a'], 'x', {})).toThrow(
      'custom router router.js pick must return {index} in [0, 0]',
    );
    expect(() => router.pick(['a'], 'async', {})).toThrow('must answer synchronously');
    expect(() => router.pick(['a'], 'throw', {})).toThrow('custom router router.js threw: boom');
  });

  it('never runs a module whose sha256 or signature does not verify', async () => {
    const marker = join(dir, 'ran');
    const module = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = () => ({ pick: () => ({ index: 0 }) });`;
    await publish({ 'router.js': module });
    writeFileSync(join(dir, 'router.js'), `${module}\n`);
    await expect(loadCustomRouter(dir, trust)).rejects.toMatchObject({
      code: ArtifactErrorCode.HashMismatch,
    });
    await publish({ 'router.js': module }, 'none');
    await expect(loadCustomRouter(dir, trust)).rejects.toMatchObject({
      code: ArtifactErrorCode.UnsignedRefused,
    });
    await publish({ 'router.js': module });
    await expect(loadCustomRouter(dir, trustOf())).rejects.toMatchObject({
      code: ArtifactErrorCode.KeyMissing,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an unlisted module, and a require of an unlisted file', async () => {
    await publish({ 'router.js': `require('./secret'); module.exports = () => ({});` });
    writeFileSync(join(dir, 'secret.js'), 'module.exports = 1;');
    writeFileSync(
      join(dir, 'other.js'),
      'module.exports = () => ({ pick: () => ({ index: 0 }) });',
    );
    await expect(loadCustomRouter(dir, trust, { module: 'other.js' })).rejects.toMatchObject({
      code: ArtifactErrorCode.CustomRouterInvalid,
      message: 'custom router other.js is not a .js/.cjs module listed in the manifest',
    });
    await expect(loadCustomRouter(dir, trust)).rejects.toMatchObject({
      code: ArtifactErrorCode.CustomRouterInvalid,
      message:
        'custom router router.js may require only Node built-ins and files listed in its manifest (not "./secret")',
    });
  });

  it.each([
    [
      'no factory',
      'module.exports = { pick: () => ({ index: 0 }) };',
      'must export a factory function',
    ],
    [
      'a factory of nothing useful',
      'module.exports = () => ({ route: () => 0 });',
      'factory must return an object with a pick or predict function',
    ],
    [
      'a throwing factory',
      'module.exports = () => { throw new Error("nope"); };',
      'factory threw: nope',
    ],
    ['a module that throws', 'throw new Error("at load");', 'threw while loading: at load'],
    [
      'a package require',
      'require("lodash"); module.exports = () => ({});',
      'may require only Node built-ins',
    ],
  ])('refuses %s', async (_label, text, message) => {
    await publish({ 'router.js': text });
    await expect(loadCustomRouter(dir, trust)).rejects.toMatchObject({
      code: ArtifactErrorCode.CustomRouterInvalid,
      message: expect.stringContaining(message),
    });
  });

  it('asks which module to load when several are listed', async () => {
    await publish({
      'a.js': 'module.exports = () => ({ pick: () => ({ index: 0 }) });',
      'b.js': '',
    });
    await expect(loadCustomRouter(dir, trust)).rejects.toMatchObject({
      message: 'custom router manifest lists 2 .js modules; name the one to load',
    });
    await expect(loadCustomRouter(dir, trust, { module: './a.js' })).resolves.toMatchObject({
      module: 'a.js',
    });
  });
});
