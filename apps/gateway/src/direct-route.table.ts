import { RequestMethod, type ExceptionFilter, type Type } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  FILTER_CATCH_EXCEPTIONS,
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  REDIRECT_METADATA,
  RENDER_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { ModulesContainer } from '@nestjs/core';
import type { Module } from '@nestjs/core/injector/module';
import { DIRECT_ROUTE_METADATA } from '@routeiq/common';

/** One `@DirectRoute()` handler at one of its exact paths. */
export interface DirectRoute {
  /** Upper-case HTTP method, as Node reports it. */
  readonly method: string;
  /** The exact path served, with its leading slash (also Express's `req.route.path`). */
  readonly path: string;
  /** What Express would put on `req.route` (only its `path` is read: metrics, logs, spans). */
  readonly template: { readonly path: string };
  readonly controller: Type;
  readonly handler: (...args: unknown[]) => unknown;
  readonly instance: object;
  /** Where `@Req()` and `@Res()` go in the handler's arguments. */
  readonly reqIndex: number;
  readonly resIndex: number;
  /** The handler's then the controller's `@UseFilters()`, in the order Nest tries them. */
  readonly filters: readonly FilterEntry[];
}

export interface FilterEntry {
  readonly filter: ExceptionFilter;
  /** Exception classes from `@Catch(...)`; empty catches everything. */
  readonly catches: readonly Type[];
}

export function filterEntry(filter: ExceptionFilter): FilterEntry {
  const catches = Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, filter.constructor) as
    Type[] | undefined;
  return { filter, catches: catches ?? [] };
}

// Metadata that would make Nest's route pipeline do more than guard, call and filter: a handler
// (or its controller) carrying any of these is not served directly.
const ROUTE_ENHANCERS = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA];
const HANDLER_EXTRAS = [
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  REDIRECT_METADATA,
  RENDER_METADATA,
  SSE_METADATA,
  VERSION_METADATA,
];

/**
 * Collects the `@DirectRoute()` handlers of every singleton controller. A marked handler that the
 * direct path could not serve exactly as Nest would (dynamic paths, route-level enhancers, other
 * parameters than `@Req()`/`@Res()`, request-scoped controllers) stops start-up: a silent
 * fallback would hide a slower path, a wrong one would change behaviour.
 */
export function collectDirectRoutes(modules: ModulesContainer): DirectRoute[] {
  const routes: DirectRoute[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller || !hasDirectRoutes(controller)) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        throw new Error(`${controller.name}: a request-scoped controller cannot be a direct route`);
      }
      routes.push(...routesOf(controller, wrapper.instance, module));
    }
  }
  return routes;
}

function hasDirectRoutes(controller: Type): boolean {
  return handlerNames(controller).some((name) => isDirect(controller, name));
}

function handlerNames(controller: Type): string[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).filter(
    (name) => name !== 'constructor' && typeof prototype[name] === 'function',
  );
}

function isDirect(controller: Type, name: string): boolean {
  const handler = (controller.prototype as Record<string, unknown>)[name] as object;
  return Reflect.getMetadata(DIRECT_ROUTE_METADATA, handler) === true;
}

function routesOf(controller: Type, instance: object, module: Module): DirectRoute[] {
  const refuse = (name: string, why: string): never => {
    throw new Error(`${controller.name}.${name}: not a direct route: ${why}`);
  };
  for (const key of ROUTE_ENHANCERS) {
    if (hasItems(Reflect.getMetadata(key, controller))) refuse('*', `controller has ${key}`);
  }
  const classFilters = filtersOf(controller, module, (why) => refuse('*', why));
  const routes: DirectRoute[] = [];
  for (const name of handlerNames(controller).filter((n) => isDirect(controller, n))) {
    const handler = (controller.prototype as Record<string, unknown>)[
      name
    ] as DirectRoute['handler'];
    for (const key of [...ROUTE_ENHANCERS, ...HANDLER_EXTRAS]) {
      if (hasItems(Reflect.getMetadata(key, handler))) refuse(name, `handler has ${key}`);
    }
    const { reqIndex, resIndex } = argumentPlaces(controller, name, refuse);
    const filters = [...filtersOf(handler, module, (why) => refuse(name, why)), ...classFilters];
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || !method || method === 'ALL') {
      refuse(name, 'the handler must be a route of one HTTP method (@Get, @Post, …)');
    }
    for (const path of paths(controller, handler)) {
      if (/[:*?(]/.test(path)) refuse(name, `path ${path} is not static`);
      const template = Object.freeze({ path });
      routes.push({
        method,
        path,
        template,
        controller,
        handler,
        instance,
        reqIndex,
        resIndex,
        filters,
      });
    }
  }
  return routes;
}

/**
 * `@UseFilters()` of a handler or controller as Nest resolves them: a filter class is the
 * module's instance of it (a singleton), an object is used as it is; the last listed is tried first.
 */
function filtersOf(target: object, module: Module, refuse: (why: string) => never): FilterEntry[] {
  const listed = (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, target) ?? []) as unknown[];
  return [...listed].reverse().map((filter) => {
    if (typeof filter !== 'function') return filterEntry(filter as ExceptionFilter);
    const wrapper = module.injectables.get(filter as Type);
    if (!wrapper?.isDependencyTreeStatic() || !wrapper.instance) {
      refuse(`filter ${(filter as Type).name} is not a module singleton`);
    }
    return filterEntry(wrapper.instance as ExceptionFilter);
  });
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined;
}

function argumentPlaces(
  controller: Type,
  name: string,
  refuse: (name: string, why: string) => never,
): { reqIndex: number; resIndex: number } {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
    string,
    { index: number }
  >;
  const places = new Map<number, number>();
  for (const [key, arg] of Object.entries(args)) places.set(Number(key.split(':')[0]), arg.index);
  const reqIndex = places.get(RouteParamtypes.REQUEST);
  const resIndex = places.get(RouteParamtypes.RESPONSE);
  if (places.size !== 2 || reqIndex === undefined || resIndex === undefined) {
    refuse(name, 'the handler must take exactly @Req() and @Res()');
  }
  return { reqIndex, resIndex };
}

/** The handler's paths joined to its controller's, as Nest's router joins them. */
function paths(controller: Type, handler: object): string[] {
  const prefixes = list(Reflect.getMetadata(PATH_METADATA, controller));
  const suffixes = list(Reflect.getMetadata(PATH_METADATA, handler));
  return prefixes.flatMap((prefix) => suffixes.map((suffix) => join(prefix, suffix)));
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

function join(prefix: string, suffix: string): string {
  const parts = [prefix, suffix].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}
