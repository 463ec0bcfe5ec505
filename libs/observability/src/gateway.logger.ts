import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

// Nest's own bootstrap chatter (one line per module and per route) would bury the gateway's single
// start-up line; it stays available at debug level.
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** The application logger: nestjs-pino with Nest's framework lines demoted to debug. */
@Injectable()
export class GatewayLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
