import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RoutingModule } from '@routeiq/routing';
import { CacheAdminController } from './admin/cache-admin.controller';
import { CacheAdminService } from './admin/cache-admin.service';
import { CacheConfig, cacheConfig, cacheConfigProvider } from './cache.config';
import { CacheStats } from './cache-stats';
import { CacheTiers } from './cache-tiers.service';
import { ResponseCache } from './response-cache.port';
import { ResponseCacheService } from './response-cache.service';
import { SemanticCache } from './semantic/semantic-cache.service';
import { SemanticEmbedder } from './semantic/semantic-embedder.service';
import { SemanticIndexSync } from './semantic/semantic-index-sync.service';

/**
 * The response cache: provides `ResponseCache` (import this module where requests are served) and
 * the admin routes under `/admin/cache`. Needs the global CoordinationModule (Redis tier, bus).
 */
@Module({
  imports: [ConfigModule.forFeature(cacheConfig), RoutingModule],
  controllers: [CacheAdminController],
  providers: [
    cacheConfigProvider,
    CacheStats,
    CacheTiers,
    SemanticEmbedder,
    SemanticIndexSync,
    SemanticCache,
    ResponseCacheService,
    { provide: ResponseCache, useExisting: ResponseCacheService },
    CacheAdminService,
  ],
  exports: [ResponseCache, CacheConfig],
})
export class CacheModule {}
