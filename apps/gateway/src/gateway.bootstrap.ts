import { ConsoleLogger, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { attachClientErrorHandling, attachClientIps, attachRequestIds } from '@routeiq/common';
import { ServerConfig, trustedProxyList, type GatewayFlags } from '@routeiq/config';
import { CoordinationHealth } from '@routeiq/coordination';
import { DrainService } from '@routeiq/health';
import { DatabaseHealth } from '@routeiq/persistence';
import { GatewayLogger, HttpObserver, telemetryRuntime } from '@routeiq/observability';
import { ModelRegistryService } from '@routeiq/routing';
import type { Server } from 'node:http';
import { AppModule } from './app.module';
import { attachDirectRoutes } from './direct-route.dispatcher';

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunningGateway {
  readonly app: NestExpressApplication;
  /** Base URL the gateway listens on, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /**
   * Drains in-flight requests (up to the drain timeout), then closes everything. `quietMs`
   * overrides how long idle keep-alive connections are left to the balancer (tests: 0).
   */
  shutdown(reason: string, quietMs?: number): Promise<void>;
}

/** Builds the Nest application with the production pipeline (used by main and by e2e tests). */
export async function createGatewayApp(flags: GatewayFlags): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(flags), {
    // Bodies are read by JsonBody after the auth guard, once, with the configured limit.
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: new BootLogger(),
  });
  app.useLogger(app.get(GatewayLogger));
  app.disable('x-powered-by');
  app.set('etag', false);
  // Before the raw listeners below: they are prepended, so they still run first.
  attachDirectRoutes(app);
  // Order matters: each prepends, so client addresses are resolved first, then request ids are
  // assigned, then the observer runs.
  app.get(HttpObserver).attach(app.getHttpServer());
  attachRequestIds(app.getHttpServer());
  attachClientIps(app.getHttpServer(), trustedProxyList(app.get(ServerConfig)));
  attachClientErrorHandling(app.getHttpServer());
  return app;
}

/**
 * Logger in place until the pino logger takes over. Nest reports a failed bootstrap through its
 * ExceptionHandler with a stack trace; the caller reports that failure itself, in one line.
 */
class BootLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest[rest.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}

/** Creates the app, listens, and logs the one start-up line. */
export async function startGateway(flags: GatewayFlags): Promise<RunningGateway> {
  const app = await createGatewayApp(flags);
  try {
    return await listen(app);
  } catch (error) {
    // A start-up refusal (module init failed, port taken) must not leave the database, Redis
    // and timers of a half-started app open: in-process callers (tests) would never exit.
    await app.close().catch(() => undefined);
    throw error;
  }
}

async function listen(app: NestExpressApplication): Promise<RunningGateway> {
  const server = app.get(ServerConfig);
  const drain = app.get(DrainService);
  const httpServer: Server = app.getHttpServer();
  drain.attach(httpServer);
  // Behind nginx or a cloud load balancer (idle timeouts around 60 s) the gateway must not be the
  // side that closes an idle keep-alive connection first, or the balancer may send a request into
  // a closing socket and answer 502.
  httpServer.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  httpServer.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  await app.listen(server.port, server.host);
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const url = `http://${server.host.includes(':') ? `[${server.host}]` : server.host}:${port}`;
  new NestLogger('Gateway').log(startupLine(app, url));
  return {
    app,
    url,
    shutdown: async (reason: string, quietMs?: number) => {
      new NestLogger('Gateway').log(`${reason}: shutting down`);
      await drain.drain(server.drainTimeoutSeconds * 1000, quietMs);
      httpServer.closeAllConnections();
      await app.close();
      await telemetryRuntime().shutdown();
    },
  };
}

function startupLine(app: NestExpressApplication, url: string): string {
  const groups = app.get(ModelRegistryService).groups();
  // A router alias group shares its candidates' deployments: count each deployment once.
  const deployments = new Set(groups.flatMap((group) => group.deployments)).size;
  const coordination = app.get(CoordinationHealth);
  return [
    `RouteIQ Gateway listening on ${url}`,
    `${groups.length} model group(s) (${deployments} deployment(s))`,
    `database: ${app.get(DatabaseHealth).describe()}`,
    `redis: ${coordination.enabled ? `on (${coordination.describe()})` : 'off'}`,
  ].join(' | ');
}
