import { Module } from '@nestjs/common';
import { ServerConfig } from '@routeiq/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { GatewayLogger } from './gateway.logger';
import { REDACTED_LOG_PATHS, scrubLogArguments } from './log-redaction';

/**
 * Access log policy: client errors at info, server errors at error, successes at debug. At
 * thousands of requests per second a line per success is a measurable cost (see
 * docs/performance.md); set LITELLM_LOG=debug to see them.
 */
function accessLogLevel(_req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'info';
  return 'debug';
}

/** nestjs-pino, configured once: JSON lines, redaction, never request or response bodies. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ServerConfig],
      useFactory: (server: ServerConfig) => ({
        pinoHttp: {
          level: server.logLevel,
          redact: { paths: [...REDACTED_LOG_PATHS], censor: '[REDACTED]' },
          hooks: {
            logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
              method.apply(this, scrubLogArguments(args));
            },
          },
          // The request id middleware ran first; pino-http reuses its id.
          genReqId: (req: IncomingMessage) => req.id,
          customLogLevel: accessLogLevel,
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customAttributeKeys: { reqId: 'requestId' },
          quietReqLogger: true,
          base: { service: 'routeiq-gateway' },
        },
      }),
    }),
  ],
  providers: [GatewayLogger],
  exports: [GatewayLogger],
})
export class LoggingModule {}
