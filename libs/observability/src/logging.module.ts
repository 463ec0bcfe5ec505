import { Module } from '@nestjs/common';
import { ServerConfig } from '@routeiq/config';
import { LoggerModule } from 'nestjs-pino';
import { GatewayLogger } from './gateway.logger';
import { REDACTED_LOG_PATHS, scrubLogArguments } from './log-redaction';

/** nestjs-pino, configured once: JSON lines, redaction, never request or response bodies. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ServerConfig],
      useFactory: (server: ServerConfig) => ({
        // pino-http's per-request middleware (a child logger and an access line per request) cost
        // ~7% of throughput; it is not mounted. Failed requests are logged by the global
        // exception filter, and every inference request lands in the request log.
        forRoutes: [],
        pinoHttp: {
          level: server.logLevel,
          redact: { paths: [...REDACTED_LOG_PATHS], censor: '[REDACTED]' },
          hooks: {
            logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
              method.apply(this, scrubLogArguments(args));
            },
          },
          base: { service: 'routeiq-gateway' },
        },
      }),
    }),
  ],
  providers: [GatewayLogger],
  exports: [GatewayLogger],
})
export class LoggingModule {}
