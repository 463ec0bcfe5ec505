import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CacheModule } from '@routeiq/cache';
import { CostModule } from '@routeiq/cost';
import { PluginsModule } from '@routeiq/plugins';
import { ProvidersModule } from '@routeiq/providers';
import { RoutingModule } from '@routeiq/routing';
import { SecurityModule } from '@routeiq/security';
import { ChatCompletionsController } from './chat/chat-completions.controller';
import { HostedToolChat } from './chat/hosted-tool-chat.service';
import { CompletionsController } from './completions/completions.controller';
import { EmbeddingsController } from './embeddings/embeddings.controller';
import { CacheHitResponder } from './hooks/cache-hit.responder';
import { RequestStages } from './hooks/request-stages.service';
import { InferenceService } from './inference.service';
import { InferenceTelemetry } from './telemetry/inference-telemetry.service';
import { HostedToolMessages } from './messages/hosted-tool-messages.service';
import { MessagesController } from './messages/messages.controller';
import { MessagesTokenCounter } from './messages/messages-token-counter.service';
import { ModelsController } from './models/models.controller';
import { ModelsService } from './models/models.service';
import { HostedToolResponses } from './responses/hosted-tool-responses.service';
import { ResponsesController } from './responses/responses.controller';
import { responsesConfig, responsesConfigProvider } from './responses/responses.config';
import { StoredResponsesService } from './responses/stored-responses.service';
import { UsageRecorder } from './usage-recorder.service';

@Module({
  imports: [
    CostModule,
    ProvidersModule,
    RoutingModule,
    SecurityModule,
    PluginsModule,
    CacheModule,
    ConfigModule.forFeature(responsesConfig),
  ],
  controllers: [
    ChatCompletionsController,
    CompletionsController,
    EmbeddingsController,
    ModelsController,
    MessagesController,
    ResponsesController,
  ],
  providers: [
    InferenceService,
    RequestStages,
    CacheHitResponder,
    HostedToolChat,
    HostedToolResponses,
    HostedToolMessages,
    InferenceTelemetry,
    UsageRecorder,
    ModelsService,
    MessagesTokenCounter,
    responsesConfigProvider,
    StoredResponsesService,
  ],
})
export class InferenceModule {}
