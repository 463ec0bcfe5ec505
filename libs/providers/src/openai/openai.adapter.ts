import { Injectable } from '@nestjs/common';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import type { ProviderCapability } from '../contract/provider-adapter';
import {
  OPENAI_COMPATIBLE_CAPABILITIES,
  OpenAiCompatibleAdapter,
} from '../openai-compatible/openai-compatible.adapter';

type Environment = Readonly<Record<string, string | undefined>>;

const OPENAI_CAPABILITIES: ReadonlySet<ProviderCapability> = new Set([
  ...OPENAI_COMPATIBLE_CAPABILITIES,
  'responses',
]);

/** api.openai.com (also `text-completion-openai`, LiteLLM's name for the legacy completions API). */
@Injectable()
export class OpenAiAdapter extends OpenAiCompatibleAdapter {
  readonly names = ['openai', 'text-completion-openai'] as const;
  // api.openai.com serves `/v1/responses`, so Responses requests are passed through.
  override readonly capabilities = OPENAI_CAPABILITIES;
  protected readonly apiKeyEnv = 'OPENAI_API_KEY';

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  protected override defaultApiBase(environment: Environment): string {
    return (
      environment.OPENAI_BASE_URL || environment.OPENAI_API_BASE || 'https://api.openai.com/v1'
    );
  }
}

/** A self-hosted vLLM server (`hosted_vllm/<model>`); `api_base` is required. */
@Injectable()
export class HostedVllmAdapter extends OpenAiCompatibleAdapter {
  readonly names = ['hosted_vllm'] as const;
  protected readonly apiKeyEnv = 'HOSTED_VLLM_API_KEY';

  constructor(http: UpstreamHttpClient) {
    super(http);
  }
}

/** LM Studio's local server. */
@Injectable()
export class LmStudioAdapter extends OpenAiCompatibleAdapter {
  readonly names = ['lm_studio'] as const;
  protected readonly apiKeyEnv = 'LM_STUDIO_API_KEY';

  constructor(http: UpstreamHttpClient) {
    super(http);
  }

  protected override defaultApiBase(environment: Environment): string {
    return environment.LM_STUDIO_API_BASE || 'http://localhost:1234/v1';
  }
}

/** Any other OpenAI-compatible server; `api_base` is required and the key comes from `api_key`. */
@Injectable()
export class OpenAiLikeAdapter extends OpenAiCompatibleAdapter {
  readonly names = ['openai_like', 'custom_openai'] as const;
  protected readonly apiKeyEnv = undefined;

  constructor(http: UpstreamHttpClient) {
    super(http);
  }
}
