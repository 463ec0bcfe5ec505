import { Sha256 } from '@aws-crypto/sha256-js';
import { Injectable } from '@nestjs/common';
import { UpstreamHttpClient } from '@routeiq/providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { GuardrailException } from '../guardrails.exception';
import { GuardrailsConfig, type BedrockGuardrailSettings } from '../guardrails.config';
import {
  applyGuardrailRequest,
  type ApplyGuardrailResponse,
  type GuardrailSource,
} from './bedrock-guardrail.mapper';

/** SigV4 signing name of bedrock-runtime, which serves ApplyGuardrail. */
const SIGNING_SERVICE = 'bedrock';
const GUARDRAIL = 'bedrock';

/**
 * AWS Bedrock ApplyGuardrail over the gateway's upstream HTTP client, SigV4-signed, within
 * `BEDROCK_GUARDRAIL_TIMEOUT_MS`. Any failure is a 503 `guardrail_unavailable` (fail closed);
 * errors carry AWS's error type and status, never its message.
 */
@Injectable()
export class BedrockGuardrailClient {
  private readonly settings: BedrockGuardrailSettings;
  private target?: { readonly url: URL; readonly signer: SignatureV4 };

  constructor(
    config: GuardrailsConfig,
    private readonly http: UpstreamHttpClient,
  ) {
    this.settings = config.bedrock;
  }

  async apply(
    source: GuardrailSource,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<ApplyGuardrailResponse> {
    const { url, signer } = this.resolveTarget();
    const body = JSON.stringify(applyGuardrailRequest(source, texts));
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
      });
      const response = await this.http.request({
        url,
        method: 'POST',
        headers: signed.headers,
        body,
        signal: both,
        headersTimeoutMs: this.settings.timeoutMs,
        bodyTimeoutMs: this.settings.timeoutMs,
        label: 'bedrock guardrail',
      });
      const text = await response.body.text();
      if (response.statusCode !== 200)
        throw unavailable(awsError(response.statusCode, response.headers));
      return JSON.parse(text) as ApplyGuardrailResponse;
    } catch (error) {
      if (error instanceof GuardrailException) throw error;
      if (timeout.aborted) throw unavailable(`no answer within ${this.settings.timeoutMs} ms`);
      if (signal.aborted) throw unavailable('the client went away');
      if (error instanceof SyntaxError) throw unavailable('the answer was not JSON');
      throw unavailable(`the call failed (${describe(error)})`);
    }
  }

  /** Built on first use: the settings are only complete when the guardrail is enabled. */
  private resolveTarget(): { readonly url: URL; readonly signer: SignatureV4 } {
    if (this.target === undefined) {
      const { id, version, endpoint, region, credentials } = this.settings;
      const path = `/guardrail/${encodeURIComponent(id)}/version/${encodeURIComponent(version)}/apply`;
      this.target = {
        url: new URL(endpoint + path),
        // SignatureV4 caches the day's signing key: one signer for the life of the process.
        signer: new SignatureV4({
          service: SIGNING_SERVICE,
          region,
          credentials,
          sha256: Sha256,
          applyChecksum: false,
        }),
      };
    }
    return this.target;
  }
}

function unavailable(reason: string): GuardrailException {
  return GuardrailException.unavailable(GUARDRAIL, reason);
}

/** `x-amzn-errortype: ThrottlingException:http://…` → `ThrottlingException, 429`. */
function awsError(status: number, headers: Record<string, string | string[] | undefined>): string {
  const type = headers['x-amzn-errortype'];
  const name = (Array.isArray(type) ? type[0] : type)?.split(':')[0];
  return name ? `${name}, ${status}` : `status ${status}`;
}

function describe(error: unknown): string {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' ? code : 'an unexpected error';
}
