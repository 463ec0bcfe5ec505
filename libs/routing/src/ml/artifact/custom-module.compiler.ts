import { createRequire, isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import { compileFunction } from 'node:vm';
import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import type { VerifiedArtifacts } from './artifact-manifest';

const nodeRequire = createRequire(__filename);
const MODULE_EXTENSIONS = ['', '.js', '.cjs', '.json'];

interface CompiledModule {
  exports: unknown;
}

/**
 * Runs a listed CommonJS module from the verified bytes (never re-reading the file, so what runs
 * is what was hashed). Its `require` reaches Node built-ins and other files listed in the same
 * manifest only: an unlisted file, or a package from an unverified node_modules, never loads.
 * @throws ArtifactError `custom_router_invalid` when the module, or one it requires, throws.
 */
export function runVerifiedModule(verified: VerifiedArtifacts, listed: string): unknown {
  return new ModuleSet(verified).load(listed);
}

class ModuleSet {
  // Filled before a module runs, so require cycles see the partial exports, as in Node.
  private readonly cache = new Map<string, CompiledModule>();
  /** Normalised path → the path as listed (`./a.js` and `a.js` are one file). */
  private readonly listedPaths: ReadonlyMap<string, string>;

  constructor(private readonly verified: VerifiedArtifacts) {
    this.listedPaths = new Map(
      [...verified.files.keys()].map((path) => [posix.normalize(path), path]),
    );
  }

  load(listed: string): unknown {
    const cached = this.cache.get(listed);
    if (cached) return cached.exports;
    const bytes = this.verified.files.get(listed)!;
    const filename = join(this.verified.dir, listed);
    const module: CompiledModule = { exports: {} };
    this.cache.set(listed, module);
    try {
      if (listed.endsWith('.json')) {
        module.exports = JSON.parse(bytes.toString('utf8')) as unknown;
        return module.exports;
      }
      const run = compileFunction(
        bytes.toString('utf8'),
        ['exports', 'require', 'module', '__filename', '__dirname'],
        { filename },
      );
      const require = (id: string): unknown => this.require(listed, id);
      run.call(module.exports, module.exports, require, module, filename, this.verified.dir);
    } catch (error) {
      if (error instanceof ArtifactError) throw error;
      throw new ArtifactError(
        ArtifactErrorCode.CustomRouterInvalid,
        `custom router ${listed} threw while loading: ${reasonOf(error)}`,
      );
    }
    return module.exports;
  }

  private require(from: string, id: string): unknown {
    if (typeof id === 'string' && isBuiltin(id)) return nodeRequire(id) as unknown;
    if (typeof id === 'string' && (id.startsWith('./') || id.startsWith('../'))) {
      const base = posix.normalize(posix.join(posix.dirname(from), id));
      const listed = MODULE_EXTENSIONS.map((ext) => this.listedPaths.get(`${base}${ext}`)).find(
        (path) => path !== undefined,
      );
      if (listed !== undefined) return this.load(listed);
    }
    throw new ArtifactError(
      ArtifactErrorCode.CustomRouterInvalid,
      `custom router ${from} may require only Node built-ins and files listed in its manifest ` +
        `(not ${JSON.stringify(String(id).slice(0, 120))})`,
    );
  }
}
