import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LitellmParams } from '@routeiq/config';
import type { ProviderCallContext } from '../../contract/provider-adapter';
import { ProviderException } from '../../contract/provider.exception';
import { callContext, deploymentConfig } from '../../__fixtures__/deployments';
import type { UpstreamHttpClient } from '../../http/upstream-http.client';
import { ProviderRegistry } from '../../provider.registry';
import type { BedrockRecordedRequest } from '@routeiq/testing';
import { BedrockAdapter } from '../bedrock.adapter';

export const MODEL_ID = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
export const KEYS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY',
};

/** A call context for `bedrock/<MODEL_ID>` pointed at the stub. */
export function bedrockContext(
  http: UpstreamHttpClient,
  apiBase: string,
  extra: Record<string, unknown> = {},
  params: Partial<Pick<LitellmParams, 'timeout' | 'stream_timeout'>> = {},
  signal?: AbortSignal,
): ProviderCallContext {
  const registry = new ProviderRegistry([new BedrockAdapter(http)]);
  const config = deploymentConfig(`bedrock/${MODEL_ID}`, { api_base: apiBase, ...params, extra });
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  };
  return callContext(registry.resolve(config, env, { timeoutMs: 9_000 }), signal);
}

function signingDate(amzDate: string): Date {
  // 20240101T120000Z → 2024-01-01T12:00:00Z
  const iso = amzDate.replace(
    /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
    '$1-$2-$3T$4:$5:$6Z',
  );
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`bad x-amz-date ${amzDate}`);
  return date;
}

/**
 * Signs the recorded request again with SignatureV4 (same keys, date, signed headers, body bytes)
 * and returns the `authorization` it yields: equal to the one sent iff the signature is valid.
 */
export async function resign(
  sent: BedrockRecordedRequest,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string,
  body = sent.rawBody,
): Promise<string | undefined> {
  const authorization = String(sent.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(sent.headers[name])]));
  const host = String(sent.headers.host);
  const signer = new SignatureV4({
    service: 'bedrock',
    region,
    credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: sent.method,
      protocol: 'http:',
      hostname: host.split(':')[0]!,
      path: sent.path,
      query: {},
      headers,
      body,
    },
    { signingDate: signingDate(String(sent.headers['x-amz-date'])) },
  );
  return signed.headers.authorization;
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
