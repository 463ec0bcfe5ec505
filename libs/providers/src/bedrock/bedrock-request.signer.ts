import { withExtraHeaders } from '../http/extra-headers';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { BedrockConnection } from './bedrock-connection';

/** SigV4 signing name of the Bedrock Runtime API. */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';

export interface SignedBedrockRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

// One signer per connection: SignatureV4 caches its derived signing key per day, which saves four
// HMACs per request. Connections live as long as their config, so a WeakMap never leaks.
const signers = new WeakMap<BedrockConnection, SignatureV4>();

function signerFor(connection: BedrockConnection): SignatureV4 {
  let signer = signers.get(connection);
  if (!signer) {
    signer = new SignatureV4({
      service: BEDROCK_SIGNING_SERVICE,
      region: connection.region,
      credentials: connection.credentials,
      sha256: Sha256,
      // The payload hash is part of the signature either way; the extra header is S3's business.
      applyChecksum: false,
    });
    signers.set(connection, signer);
  }
  return signer;
}

/**
 * Signs a JSON POST to `connection.apiBase + path` with SigV4. The signature covers the exact body
 * string and the `host` header that are sent, so both are returned for the caller to send as is.
 */
export async function signBedrockRequest(
  connection: BedrockConnection,
  path: string,
  body: string,
  accept: string,
  signingDate?: Date,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<SignedBedrockRequest> {
  const url = new URL(connection.apiBase + path);
  const signed = await signerFor(connection).sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      // The deployment's `extra_headers` are signed with the rest.
      headers: withExtraHeaders(
        { host: url.host, 'content-type': 'application/json', accept },
        extraHeaders,
      ),
      body,
    },
    signingDate ? { signingDate } : undefined,
  );
  return { url: url.href, headers: signed.headers, body };
}
