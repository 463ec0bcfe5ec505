import {
  All,
  Catch,
  Controller,
  Get,
  HttpException,
  Injectable,
  Module,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DirectRoute, sendJson, type GatewayRequest } from '@routeiq/common';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { of } from 'rxjs';
import { attachDirectRoutes, type DirectRouteDispatcher } from './direct-route.dispatcher';

/** `x-key: ok` passes, `x-key: no` answers false, anything else throws; `x-key: later` is async. */
@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const key = req.headers['x-key'];
    // The handler and class are what Nest would pass: the real guard reads their metadata.
    req.headers['x-seen-handler'] = `${context.getClass().name}.${context.getHandler().name}`;
    if (key === 'ok') return true;
    if (key === 'later') return Promise.resolve(true);
    if (key === 'no') return false;
    throw new HttpException('no key', 401);
  }
}

@Catch()
class JsonFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message = exception instanceof Error ? exception.message : 'unknown';
    sendJson(res, status, { error: message });
  }
}

/** Only for HTTP exceptions, answered as 418: shows which filter ran. */
@Catch(HttpException)
class TeapotFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    sendJson(res, 418, { teapot: exception.message });
  }
}

@UseFilters(TeapotFilter)
@Controller()
class FilteredController {
  @DirectRoute()
  @Post('v1/filtered/http')
  http(@Req() _req: GatewayRequest, @Res() _res: ServerResponse): void {
    throw new HttpException('short and stout', 400);
  }

  @DirectRoute()
  @Post('v1/filtered/other')
  other(@Req() _req: GatewayRequest, @Res() _res: ServerResponse): void {
    throw new Error('not an HTTP exception');
  }
}

@Controller()
class FastController {
  @DirectRoute()
  @Post(['v1/fast', 'fast'])
  create(@Res() res: ServerResponse, @Req() req: GatewayRequest): void {
    const route = (req as { route?: { path?: string } }).route?.path;
    sendJson(res, 200, {
      path: req.path,
      route,
      seen: req.headers['x-seen-handler'],
      express: 'query' in req,
    });
  }

  @DirectRoute()
  @Post('v1/fails')
  fails(@Req() _req: GatewayRequest, @Res() _res: ServerResponse): Promise<void> {
    return Promise.reject(new Error('handler failed'));
  }

  @Post('v1/slow')
  slow(@Req() req: GatewayRequest, @Res() res: ServerResponse): void {
    sendJson(res, 200, { express: 'query' in req });
  }
}

async function boot(
  controllers: Type[],
  providers: unknown[] = [],
): Promise<{ app: NestExpressApplication; dispatcher: DirectRouteDispatcher; url: string }> {
  @Module({
    controllers,
    providers: [
      { provide: APP_GUARD, useClass: KeyGuard },
      { provide: APP_FILTER, useClass: JsonFilter },
      ...(providers as never[]),
    ],
  })
  class TestModule {}
  const app = await NestFactory.create<NestExpressApplication>(TestModule, {
    bodyParser: false,
    logger: false,
  });
  try {
    const dispatcher = attachDirectRoutes(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { app, dispatcher, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await app.close();
    throw error;
  }
}

describe('DirectRouteDispatcher', () => {
  let app: NestExpressApplication;
  let dispatcher: DirectRouteDispatcher;
  let url: string;

  beforeAll(async () => {
    ({ app, dispatcher, url } = await boot([FastController, FilteredController]));
  });
  afterAll(() => app.close());

  const post = (path: string, key = 'ok'): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'x-key': key } });

  it('lists the exact paths it serves', () => {
    expect(dispatcher.describe().sort()).toEqual([
      'POST /fast',
      'POST /v1/fails',
      'POST /v1/fast',
      'POST /v1/filtered/http',
      'POST /v1/filtered/other',
    ]);
  });

  it('serves a direct route without Express, with the path, route and guard context set', async () => {
    const res = await post('/v1/fast?api-version=1');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      path: '/v1/fast',
      route: '/v1/fast',
      seen: 'FastController.create',
      express: false,
    });
  });

  it('awaits an asynchronous guard', async () => {
    expect((await post('/fast', 'later')).status).toBe(200);
  });

  it("renders a guard's exception through the global filter", async () => {
    const res = await post('/v1/fast', 'bad');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'no key' });
  });

  it('turns a guard answering false into 403, as Nest does', async () => {
    const res = await post('/v1/fast', 'no');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'Forbidden resource' });
  });

  it("renders a handler's rejection through the global filter", async () => {
    const res = await post('/v1/fails');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'handler failed' });
  });

  it("tries the controller's filters first, then the global ones, by what they catch", async () => {
    const http = await post('/v1/filtered/http');
    expect([http.status, await http.json()]).toEqual([418, { teapot: 'short and stout' }]);
    const other = await post('/v1/filtered/other');
    expect([other.status, await other.json()]).toEqual([500, { error: 'not an HTTP exception' }]);
  });

  it('leaves other routes, methods and spellings to Express', async () => {
    expect(await (await post('/v1/slow')).json()).toEqual({ express: true });
    const trailing = await post('/v1/fast/');
    expect(trailing.status).toBe(200);
    expect(((await trailing.json()) as { express: boolean }).express).toBe(true);
    const get = await fetch(`${url}/v1/fast`, { headers: { 'x-key': 'ok' } });
    expect(get.status).toBe(404);
  });

  it('refuses at boot a marked handler it could not serve as Nest would', async () => {
    @Controller()
    class DynamicController {
      @DirectRoute()
      @Post('v1/items/:id')
      create(@Param('id') _id: string, @Req() _req: unknown, @Res() _res: unknown): void {}
    }
    await expect(boot([DynamicController])).rejects.toThrow(/DynamicController\.create/);

    @Controller()
    class GuardedController {
      @DirectRoute()
      @UseGuards(KeyGuard)
      @Get('v1/guarded')
      read(@Req() _req: unknown, @Res() _res: unknown): void {}
    }
    await expect(boot([GuardedController])).rejects.toThrow(/handler has __guards__/);

    @Controller()
    class AnyMethodController {
      @DirectRoute()
      @All('v1/any')
      any(@Req() _req: unknown, @Res() _res: unknown): void {}
    }
    await expect(boot([AnyMethodController])).rejects.toThrow(/one HTTP method/);
  });

  it('refuses direct routes when a global interceptor would be skipped', async () => {
    const interceptor = { provide: APP_INTERCEPTOR, useValue: { intercept: () => of(null) } };
    await expect(boot([FastController], [interceptor])).rejects.toThrow(/global interceptor/);
  });
});
