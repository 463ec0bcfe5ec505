import { readFile } from 'node:fs/promises';
import {
  MIN_HMAC_SECRET_LENGTH,
  privateKeyFrom,
  signManifestFile,
  type ArtifactSigner,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import type { CliOutput } from '../migrate.command';
import { parseArtifactArgs } from './artifact-args';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `routeiq sign`: recompute a manifest's sha256s and sign it in place. */
export const signCommand: CliCommand = {
  name: 'sign',
  summary: "Recompute a router manifest's sha256s and sign it",
  usage: `Usage: routeiq sign --manifest <dir|file> (--key <file> | --hmac-secret-env <NAME>)
                    [--add <path>]... [--version <text>]

Recomputes the sha256 of every file the manifest lists, then signs the manifest in place
(written atomically). See docs/ml-artifacts.md.

  --manifest <dir|file>     manifest.json, or the directory holding it
  --key <file>              Ed25519 private key (PEM, PKCS#8 DER, or base64 of either):
                            signature_type ed25519 (routeiq keygen makes one)
  --hmac-secret-env <NAME>  environment variable holding the shared secret (at least
                            ${MIN_HMAC_SECRET_LENGTH} characters): signature_type hmac-sha256
  --add <path>              also list this file (relative to the manifest's directory), e.g. a
                            custom router module; creates the manifest when missing. Repeatable.
  --version <text>          the manifest's version when it is created`,
  async run(args, { config, io }) {
    const values = parseArtifactArgs(args, {
      manifest: { type: 'string' },
      key: { type: 'string' },
      'hmac-secret-env': { type: 'string' },
      add: { type: 'string', multiple: true },
      version: { type: 'string' },
    });
    const manifest = values.manifest as string | undefined;
    if (!manifest) throw new CliUsageError('--manifest <dir|file> is required');
    const signer = await signerOf(values, config.env);
    const { manifestPath, manifest: signed } = await signManifestFile(manifest, signer, {
      add: values.add as string[] | undefined,
      version: values.version as string | undefined,
    });
    report(io, `signed ${manifestPath} (${signed.signature_type})`, signed.artifacts);
  },
};

async function signerOf(
  values: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ArtifactSigner> {
  const keyPath = values.key as string | undefined;
  const secretEnv = values['hmac-secret-env'] as string | undefined;
  if ((keyPath === undefined) === (secretEnv === undefined)) {
    throw new CliUsageError('give exactly one of --key <file> or --hmac-secret-env <NAME>');
  }
  if (keyPath !== undefined) {
    const material = await readFile(keyPath).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`--key ${keyPath} cannot be read (${error.code ?? 'unreadable'})`);
    });
    try {
      return { type: 'ed25519', privateKey: privateKeyFrom(material) };
    } catch (error) {
      throw new Error(`--key ${keyPath} ${(error as Error).message}`);
    }
  }
  if (!ENV_NAME.test(secretEnv!)) {
    throw new CliUsageError('--hmac-secret-env takes the name of an environment variable');
  }
  const secret = env[secretEnv!];
  if (secret === undefined || secret === '') throw new Error(`${secretEnv} is not set`);
  if (secret.length < MIN_HMAC_SECRET_LENGTH) {
    throw new Error(`${secretEnv} must be at least ${MIN_HMAC_SECRET_LENGTH} characters`);
  }
  return { type: 'hmac-sha256', secret: Buffer.from(secret) };
}

/** Prints a summary line and each listed file with its sha256. */
export function report(
  io: CliOutput,
  headline: string,
  artifacts: ReadonlyArray<{ readonly path: string; readonly sha256: string }>,
): void {
  io.out(headline);
  for (const { path, sha256 } of artifacts) io.out(`  ${sha256}  ${path}`);
}
