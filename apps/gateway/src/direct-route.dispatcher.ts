import {
  ForbiddenException,
  Logger,
  type CanActivate,
  type INestApplication,
} from '@nestjs/common';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { GatewayRequest } from '@routeiq/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { lastValueFrom, type Observable } from 'rxjs';
import {
  collectDirectRoutes,
  filterEntry,
  type DirectRoute,
  type FilterEntry,
} from './direct-route.table';

// Nest's own message when a guard answers false.
const FORBIDDEN_MESSAGE = 'Forbidden resource';

/**
 * Serves `@DirectRoute()` handlers on the raw Node server, ahead of Express: an exact method and
 * path match runs the global guards, the handler and, on error, the exception filters (the
 * handler's, the controller's, then the global ones), exactly as Nest's router would for it, without Express's router walk and its
 * request/response prototype swap (together about half of a small request's CPU on the busiest
 * routes: docs/performance.md). Everything else goes to Express untouched.
 */
export class DirectRouteDispatcher {
  private readonly logger = new Logger('DirectRoutes');
  private readonly byMethod = new Map<string, Map<string, DirectRoute>>();
  private readonly next = (): void => undefined;

  constructor(
    routes: readonly DirectRoute[],
    private readonly guards: readonly CanActivate[],
    private readonly filters: readonly FilterEntry[],
  ) {
    for (const route of routes) {
      const paths = this.byMethod.get(route.method) ?? new Map<string, DirectRoute>();
      paths.set(route.path, route);
      this.byMethod.set(route.method, paths);
    }
  }

  /** `METHOD /path` of every route served directly, for the start-up check and tests. */
  describe(): string[] {
    return [...this.byMethod].flatMap(([method, paths]) =>
      [...paths.keys()].map((path) => `${method} ${path}`),
    );
  }

  /** Serves the request when it is a direct route; false hands it on. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const paths = this.byMethod.get(req.method ?? '');
    if (paths === undefined) return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const route = paths.get(query === -1 ? url : url.slice(0, query));
    if (route === undefined) return false;
    void this.serve(route, req as GatewayRequest, res);
    return true;
  }

  private async serve(route: DirectRoute, req: GatewayRequest, res: ServerResponse): Promise<void> {
    // What Express would have set and the gateway reads: the path, and the matched route's
    // template for metrics, the access log and span names.
    req.path = route.path;
    (req as { route?: { path: string } }).route = route.template;
    const context = new ExecutionContextHost(
      [req, res, this.next],
      route.controller,
      route.handler,
    );
    try {
      for (const guard of this.guards) {
        const admitted = guard.canActivate(context);
        const passed = typeof admitted === 'boolean' ? admitted : await settle(admitted);
        if (!passed) throw new ForbiddenException(FORBIDDEN_MESSAGE);
      }
      const args: unknown[] = [];
      args[route.reqIndex] = req;
      args[route.resIndex] = res;
      await route.handler.apply(route.instance, args);
    } catch (error) {
      this.fail(error, route, context, res);
    }
  }

  private fail(
    error: unknown,
    route: DirectRoute,
    context: ExecutionContextHost,
    res: ServerResponse,
  ): void {
    const applies = ({ catches }: FilterEntry): boolean =>
      catches.length === 0 || catches.some((type) => error instanceof type);
    const entry = route.filters.find(applies) ?? this.filters.find(applies);
    try {
      if (entry === undefined) throw error;
      entry.filter.catch(error, context);
    } catch (unhandled) {
      this.logger.error(`an exception filter failed: ${String(unhandled)}`);
      res.destroy();
    }
  }
}

function settle(result: Promise<boolean> | Observable<boolean>): Promise<boolean> {
  return result instanceof Promise ? result : lastValueFrom(result);
}

/**
 * Puts the direct routes in front of Express on the app's server. Call before the raw listeners
 * are prepended (they keep running first) and before the drain gate wraps the listeners.
 */
export function attachDirectRoutes(app: INestApplication): DirectRouteDispatcher {
  const dispatcher = directRouteDispatcher(app);
  attached.set(app, dispatcher);
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as RequestListener;
  if (!server.listeners('request').includes(express)) {
    throw new Error('direct routes: the Express listener is not on the HTTP server');
  }
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!dispatcher.handle(req, res)) express(req, res);
  });
  return dispatcher;
}

const attached = new WeakMap<INestApplication, DirectRouteDispatcher>();

/** `METHOD /path` of every route the app serves ahead of Express (empty when none). */
export function directRoutesOf(app: INestApplication): string[] {
  return attached.get(app)?.describe() ?? [];
}

function directRouteDispatcher(app: INestApplication): DirectRouteDispatcher {
  const routes = collectDirectRoutes(app.get(ModulesContainer));
  // Nest keeps the global enhancers (`APP_GUARD`, `APP_FILTER`, `useGlobal*`) on the application's
  // config, which it does not expose; checked rather than trusted, so an upgrade that moves it
  // stops start-up instead of skipping a guard.
  const config = (app as unknown as { config?: unknown }).config;
  if (!(config instanceof ApplicationConfig)) {
    throw new Error(
      'direct routes: cannot read the global guards and filters of this Nest version',
    );
  }
  const unsupported = [
    config.getGlobalInterceptors(),
    config.getGlobalPipes(),
    config.getGlobalRequestGuards(),
    config.getGlobalRequestInterceptors(),
    config.getGlobalRequestPipes(),
    config.getGlobalRequestFilters(),
  ].some((list) => list.length > 0);
  if (routes.length > 0 && unsupported) {
    throw new Error(
      'direct routes run global guards and filters only: drop @DirectRoute() or the global ' +
        'interceptor/pipe/request-scoped enhancer',
    );
  }
  // Nest tries the last registered global filter first.
  const filters = [...config.getGlobalFilters()].reverse().map(filterEntry);
  if (routes.length > 0 && !filters.some(({ catches }) => catches.length === 0)) {
    throw new Error('direct routes need a global exception filter that catches everything');
  }
  return new DirectRouteDispatcher(routes, config.getGlobalGuards(), filters);
}
