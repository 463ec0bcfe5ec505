import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProvidersModule } from '@routeiq/providers';
import { RoutingModule } from '@routeiq/routing';
import { GUARDRAIL_PLUGINS } from '../plugin.types';
import { BedrockGuardrailClient } from './bedrock/bedrock-guardrail.client';
import { BedrockGuardrailPlugin } from './bedrock/bedrock-guardrail.plugin';
import { ContentFilterGuardrailPlugin } from './content/content-filter-guardrail.plugin';
import { guardrailsConfig, guardrailsConfigProvider } from './guardrails.config';
import { PromptInjectionGuardrailPlugin } from './injection/prompt-injection-guardrail.plugin';
import { LlamaGuardClient } from './llamaguard/llamaguard.client';
import { LlamaGuardGuardrailPlugin } from './llamaguard/llamaguard-guardrail.plugin';
import { PiiGuardrailPlugin } from './pii/pii-guardrail.plugin';
import type { TextGuardrailPlugin } from './text-guardrail.plugin';

const GUARDRAIL_CLASSES = [
  PromptInjectionGuardrailPlugin,
  ContentFilterGuardrailPlugin,
  PiiGuardrailPlugin,
  LlamaGuardGuardrailPlugin,
  BedrockGuardrailPlugin,
] as const;

/**
 * The built-in guardrails: `GUARDRAIL_PLUGINS` holds those whose flag enables them (checked at
 * boot, with every guardrail variable).
 */
@Module({
  imports: [ConfigModule.forFeature(guardrailsConfig), ProvidersModule, RoutingModule],
  providers: [
    guardrailsConfigProvider,
    LlamaGuardClient,
    BedrockGuardrailClient,
    ...GUARDRAIL_CLASSES,
    {
      provide: GUARDRAIL_PLUGINS,
      useFactory: (...guardrails: TextGuardrailPlugin[]) => guardrails.filter((g) => g.enabled),
      inject: [...GUARDRAIL_CLASSES],
    },
  ],
  exports: [GUARDRAIL_PLUGINS],
})
export class GuardrailsModule {}
