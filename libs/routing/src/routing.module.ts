import { Module } from '@nestjs/common';
import { ProvidersModule } from '@routeiq/providers';
import { ControlPlaneController } from './control-plane.controller';
import { ModelRegistryService } from './model-registry.service';
import { RouterService } from './router.service';

@Module({
  imports: [ProvidersModule],
  controllers: [ControlPlaneController],
  providers: [ModelRegistryService, RouterService],
  exports: [RouterService, ModelRegistryService],
})
export class RoutingModule {}
