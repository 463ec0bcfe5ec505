import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderCallContext } from '../../contract/provider-adapter';
import { ProviderException } from '../../contract/provider.exception';
import { callContext, deploymentConfig } from '../../__fixtures__/deployments';
import type { UpstreamHttpClient } from '../../http/upstream-http.client';
import { ProviderRegistry } from '../../provider.registry';
import { GeminiAdapter } from '../gemini.adapter';

export const GEMINI_MODEL_PATH = '/v1beta/models/gemini-2.0-flash';

export function fixtureText(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** A call context for `gemini/gemini-2.0-flash` served by the stub at `apiBase`. */
export function geminiContext(
  http: UpstreamHttpClient,
  apiBase: string,
  opts: { signal?: AbortSignal; streamTimeout?: number } = {},
): ProviderCallContext {
  const registry = new ProviderRegistry([new GeminiAdapter(http)]);
  const config = deploymentConfig('gemini/gemini-2.0-flash', {
    api_base: apiBase,
    stream_timeout: opts.streamTimeout,
  });
  const resolved = registry.resolve(
    config,
    { GEMINI_API_KEY: 'gm-secret-key' },
    { timeoutMs: 9_000 },
  );
  return callContext(resolved, opts.signal);
}

export async function failure(promise: Promise<unknown>): Promise<ProviderException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderException)) {
    throw new Error(`Expected a ProviderException, got ${String(err)}`);
  }
  return err;
}
