import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionChunk } from '../../contract/openai-wire.types';
import { ProviderException } from '../../contract/provider.exception';
import { callContext, deploymentConfig } from '../../__fixtures__/deployments';
import type { UpstreamHttpClient } from '../../http/upstream-http.client';
import { ProviderRegistry } from '../../provider.registry';
import { AnthropicAdapter } from '../anthropic.adapter';

/** Reads a recorded wire fixture from this folder. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

/** A call context for `anthropic/claude-sonnet-4-20250514` pointing at `apiBase`. */
export function anthropicContext(
  http: UpstreamHttpClient,
  apiBase: string,
  params: Parameters<typeof deploymentConfig>[1] = {},
  signal?: AbortSignal,
) {
  const registry = new ProviderRegistry([new AnthropicAdapter(http)]);
  const config = deploymentConfig('anthropic/claude-sonnet-4-20250514', {
    api_base: apiBase,
    ...params,
  });
  return callContext(
    registry.resolve(config, { ANTHROPIC_API_KEY: 'sk-ant-test' }, { timeoutMs: 5_000 }),
    signal,
  );
}

export async function rejection(promise: Promise<unknown>): Promise<ProviderException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderException)) {
    throw new Error(`Expected a ProviderException, got ${String(err)}`);
  }
  return err;
}

export async function collect(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}
