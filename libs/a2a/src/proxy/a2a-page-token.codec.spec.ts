import { Logger } from '@nestjs/common';
import { credentialKeyPath } from '@routeiq/persistence';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A2aRpcCode } from '../a2a.exception';
import { A2aRpcError } from './a2a-json-rpc';
import {
  A2aPageTokenCodec,
  pageTokenSecret,
  type A2aListCursor,
  type A2aListScope,
} from './a2a-page-token.codec';

const SCOPE: A2aListScope = {
  keyId: 'key-a',
  agent: { agentId: 'echo', createdAt: new Date(5000) },
  filters: '[["contextId","c-1"]]',
};
// The agent's own token names the last task of its page, maybe another key's.
const CURSOR: A2aListCursor = {
  upstreamToken: 'MjAyNi0wMS0wMXxvdGhlci1rZXlzLXRhc2s=',
  upstreamPageSize: 5,
  skip: 3,
  lastTaskId: 'task-of-key-a-0002',
};

/** The JSON-RPC error `open` refuses a token with. */
function refusal(codec: A2aPageTokenCodec, token: string, scope = SCOPE) {
  try {
    codec.open(token, scope);
  } catch (error) {
    if (error instanceof A2aRpcError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('token accepted');
}

describe(A2aPageTokenCodec.name, () => {
  const codec = new A2aPageTokenCodec(() => 'shared-secret');

  it('opens what it sealed, on any codec under the same secret (another replica)', () => {
    const token = codec.seal(CURSOR, SCOPE);
    const replica = new A2aPageTokenCodec(() => 'shared-secret');

    expect(codec.open(token, SCOPE)).toEqual(CURSOR);
    expect(replica.open(token, SCOPE)).toEqual(CURSOR);
    expect(codec.open(codec.seal({ upstreamToken: '', skip: 0 }, SCOPE), SCOPE)).toEqual({
      upstreamToken: '',
      skip: 0,
    });
    expect(codec.open(codec.seal({ ...CURSOR, upstreamPageSize: null }, SCOPE), SCOPE)).toEqual({
      ...CURSOR,
      upstreamPageSize: null,
    });
  });

  it('is opaque: the agent’s token and the task id cannot be read out of it', () => {
    const token = codec.seal(CURSOR, SCOPE);
    const decoded = Buffer.from(token.slice('rq1.'.length), 'base64url').toString('latin1');

    expect(token).toMatch(/^rq1\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain(CURSOR.upstreamToken);
    expect(decoded).not.toContain(CURSOR.upstreamToken);
    expect(decoded).not.toContain(CURSOR.lastTaskId);
    // A random IV: the same cursor never gives the same token twice.
    expect(codec.seal(CURSOR, SCOPE)).not.toBe(token);
  });

  it('refuses a token altered anywhere, with -32602', () => {
    const token = codec.seal(CURSOR, SCOPE);
    const raw = Buffer.from(token.slice('rq1.'.length), 'base64url');
    for (const at of [0, 12, 28, raw.length - 1]) {
      const altered = Buffer.from(raw);
      altered[at] = altered[at]! ^ 1;
      expect(refusal(codec, `rq1.${altered.toString('base64url')}`)).toEqual({
        code: A2aRpcCode.InvalidParams,
        message: expect.stringContaining('Invalid pageToken') as string,
      });
    }
  });

  it('refuses forged tokens: the agent’s own, garbage, truncated, too long', () => {
    const token = codec.seal(CURSOR, SCOPE);
    for (const forged of [
      CURSOR.upstreamToken,
      'rq1.',
      'rq1.!!!',
      token.slice(0, 20),
      `rq1.${Buffer.from('{"u":"","s":0}').toString('base64url')}`,
      `${token}${'A'.repeat(20_000)}`,
    ]) {
      expect(refusal(codec, forged).code).toBe(A2aRpcCode.InvalidParams);
    }
  });

  it('refuses a token of another key, agent registration, listing or secret', () => {
    const token = codec.seal(CURSOR, SCOPE);
    const reRegistered = { agentId: 'echo', createdAt: new Date(6000) };

    expect(refusal(codec, token, { ...SCOPE, keyId: 'key-b' }).code).toBe(A2aRpcCode.InvalidParams);
    expect(refusal(codec, token, { ...SCOPE, agent: reRegistered }).code).toBe(
      A2aRpcCode.InvalidParams,
    );
    expect(refusal(codec, token, { ...SCOPE, filters: '[]' }).code).toBe(A2aRpcCode.InvalidParams);
    const otherSecret = new A2aPageTokenCodec(() => 'another-secret');
    expect(refusal(otherSecret, token).code).toBe(A2aRpcCode.InvalidParams);
  });

  it('reads its secret once, on first use', () => {
    const secret = jest.fn(() => 'lazy');
    const lazy = new A2aPageTokenCodec(secret);
    expect(secret).not.toHaveBeenCalled();

    lazy.open(lazy.seal(CURSOR, SCOPE), SCOPE);
    lazy.seal(CURSOR, SCOPE);
    expect(secret).toHaveBeenCalledTimes(1);
  });
});

describe(pageTokenSecret.name, () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'routeiq-page-token-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes the configured credentials secret, else the credentials key file', () => {
    writeFileSync(credentialKeyPath(dataDir), 'file-key\n');

    expect(pageTokenSecret('configured', dataDir)).toBe('configured');
    expect(pageTokenSecret(undefined, dataDir)).toBe('file-key');
  });

  it('falls back to a random secret per call when neither exists, and says so', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const one = pageTokenSecret(undefined, dataDir);
      expect(one).toMatch(/^[0-9a-f]{64}$/);
      expect(pageTokenSecret(undefined, dataDir)).not.toBe(one);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('per-process key'));
    } finally {
      warn.mockRestore();
    }
  });
});
