import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicKeyBase64 } from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseArtifactArgs } from './artifact-args';

export const PRIVATE_KEY_FILE = 'private.pem';
export const PUBLIC_KEY_FILE = 'public.pem';

/** `routeiq keygen --out <dir>`: an Ed25519 pair for signing router artifacts. */
export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'Make an Ed25519 key pair for signing router artifacts',
  usage: `Usage: routeiq keygen --out <dir> [--force]

Writes <dir>/${PRIVATE_KEY_FILE} (PKCS#8 PEM, mode 0600: keep it secret, it signs router
artifacts) and <dir>/${PUBLIC_KEY_FILE} (SPKI PEM), and prints the value for the gateway's
LLMROUTER_MODEL_PUBLIC_KEY_B64 (or point LLMROUTER_MODEL_PUBLIC_KEY_PATH at ${PUBLIC_KEY_FILE}).

  --out <dir>  directory for the key files (created, mode 0700, if missing)
  --force      replace existing key files`,
  async run(args, { io }) {
    const values = parseArtifactArgs(args, {
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    const out = values.out as string | undefined;
    if (!out) throw new CliUsageError('--out <dir> is required');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    await mkdir(out, { recursive: true, mode: 0o700 });
    const privatePath = join(out, PRIVATE_KEY_FILE);
    const publicPath = join(out, PUBLIC_KEY_FILE);
    const flag = values.force === true ? 'w' : 'wx';
    if (values.force === true) await rm(privatePath, { force: true });
    await writeKey(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), 0o600, flag);
    await writeKey(publicPath, publicKey.export({ format: 'pem', type: 'spki' }), 0o644, flag);
    io.out(`private key: ${privatePath} (mode 0600; keep it secret)`);
    io.out(`public key: ${publicPath}`);
    io.out(`LLMROUTER_MODEL_PUBLIC_KEY_B64=${publicKeyBase64(publicKey)}`);
  },
};

async function writeKey(path: string, pem: string | Buffer, mode: number, flag: string) {
  try {
    await writeFile(path, pem, { mode, flag });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${path} exists; use --force to replace it`);
    }
    throw error;
  }
  // The mode given to writeFile is masked by the umask and ignored for an existing file.
  await chmod(path, mode);
}
