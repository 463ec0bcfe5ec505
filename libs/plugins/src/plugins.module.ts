import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RoutingModule } from '@routeiq/routing';
import { GuardrailsModule } from './guardrails/guardrails.module';
import { PluginEventsListener } from './plugin-events.listener';
import { PluginPipeline } from './plugin-pipeline.service';
import { PluginRegistry } from './plugin-registry.service';
import { pluginsConfig, pluginsConfigProvider } from './plugins.config';
import { PluginsController } from './plugins.controller';

/** The plugin framework: built-in guardrails and `LLMROUTER_PLUGINS`, run by PluginPipeline. */
@Module({
  imports: [ConfigModule.forFeature(pluginsConfig), GuardrailsModule, RoutingModule],
  controllers: [PluginsController],
  providers: [pluginsConfigProvider, PluginRegistry, PluginPipeline, PluginEventsListener],
  exports: [PluginPipeline],
})
export class PluginsModule {}
