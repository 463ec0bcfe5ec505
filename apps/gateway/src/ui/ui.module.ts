import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EffectiveConfigController } from './effective-config.controller';
import { UiAssetsService } from './ui-assets.service';
import { uiConfig, uiConfigProvider } from './ui.config';
import { UiController } from './ui.controller';

/** The admin console: its static files at `/ui` and the read-only effective config it shows. */
@Module({
  imports: [ConfigModule.forFeature(uiConfig)],
  controllers: [UiController, EffectiveConfigController],
  providers: [uiConfigProvider, UiAssetsService],
})
export class UiModule {}
