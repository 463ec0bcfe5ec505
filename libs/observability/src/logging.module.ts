import { Module } from '@nestjs/common';
import { ServerConfig } from '@routeiq/config';
import { LoggerModule } from 'nestjs-pino';
import { logDestination } from './log-destination';
import { GatewayLogger } from './gateway.logger';
import { REDACTED_LOG_PATHS, scrubLogArguments } from './log-redaction';

/** nestjs-pino, configured once: JSON lines, redaction, never request or response bodies. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ServerConfig],
      useFactory: (server: ServerConfig) => ({
        // pino-http's per-request middleware (a child logger per request) cost ~7% of
        // throughput; it is not mounted. The HttpObserver writes the one access line per request.
        forRoutes: [],
        pinoHttp: [
          {
            level: server.logLevel,
            redact: { paths: [...REDACTED_LOG_PATHS], censor: '[REDACTED]' },
            hooks: {
              logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
                method.apply(this, scrubLogArguments(args));
              },
            },
            base: { service: 'routeiq-gateway' },
          },
          logDestination(),
        ],
      }),
    }),
  ],
  providers: [GatewayLogger],
  exports: [GatewayLogger],
})
export class LoggingModule {}
