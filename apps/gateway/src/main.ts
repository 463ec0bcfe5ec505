import 'reflect-metadata';
import {
  ConfigValidationError,
  GATEWAY_USAGE,
  parseGatewayFlags,
  syncRemoteConfigAtStart,
} from '@routeiq/config';
import { scrubSecrets } from '@routeiq/common';
import { startTelemetry } from '@routeiq/observability';
import type { RunningGateway } from './gateway.bootstrap';

/** Prints one message (no stack trace) and exits 1. */
function fail(message: string, scrub = true): never {
  process.stderr.write(`${scrub ? scrubSecrets(message) : message}\n`);
  process.exit(1);
}

function installSignalHandlers(gateway: RunningGateway): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    gateway.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${String(error)}`),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseGatewayFlags(process.argv.slice(2));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${GATEWAY_USAGE}`);
  }
  if (flags.help) {
    process.stdout.write(`${GATEWAY_USAGE}\n`);
    return;
  }
  try {
    // The SDK starts before the application's modules load, so its instrumentations can patch
    // http, undici, pg and ioredis as they are first required.
    await startTelemetry();
    // With CONFIG_S3_BUCKET/CONFIG_S3_KEY, the object replaces the config file before the config
    // store reads it; a failed download stops start-up here.
    await syncRemoteConfigAtStart(flags);
    const { startGateway } = await import('./gateway.bootstrap');
    installSignalHandlers(await startGateway(flags));
  } catch (error) {
    // Config problems name paths and variables, never values: printed as they are.
    if (error instanceof ConfigValidationError) fail(error.message, false);
    fail(
      `RouteIQ Gateway failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

void main();
