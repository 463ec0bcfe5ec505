import { Logger } from '@nestjs/common';
import { CommonException } from '@routeiq/common';
import { bootPlugins, testContext } from './__fixtures__/test-plugins';
import { PluginPipeline } from './plugin-pipeline.service';
import type { GatewayPlugin, PluginLlmSuccess } from './plugin.types';
import { PluginsErrorCode, PluginsException } from './plugins.exception';

const refusal = (): CommonException => CommonException.invalidRequest('blocked by policy');

function success(result: object | undefined): PluginLlmSuccess {
  return {
    deploymentId: 'd-1',
    provider: 'openai',
    modelGroup: 'gpt',
    result,
    usage: undefined,
    latencyMs: 1,
  };
}

describe(PluginPipeline.name, () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('fast path', () => {
    it('is inactive without plugins and dispatches synchronously to nothing', async () => {
      const { pipeline } = await bootPlugins([]);
      const ctx = testContext();
      expect(pipeline.active).toBe(false);
      expect(pipeline.request(ctx)).toBeUndefined();
      expect(pipeline.preCall(ctx)).toBeUndefined();
      expect(pipeline.success(ctx, success({}))).toBeUndefined();
    });

    it('stays synchronous over synchronous hooks', async () => {
      const calls: string[] = [];
      const { pipeline } = await bootPlugins([
        {
          name: 'sync',
          capabilities: ['observe', 'modify_request'],
          onRequest: () => void calls.push('request'),
          onLlmPreCall: () => void calls.push('pre'),
          onLlmSuccess: () => void calls.push('success'),
        },
      ]);
      const ctx = testContext();
      expect(pipeline.request(ctx)).toBeUndefined();
      expect(pipeline.preCall(ctx)).toBeUndefined();
      expect(pipeline.success(ctx, success({}))).toBeUndefined();
      expect(calls).toEqual(['request', 'pre', 'success']);
    });
  });

  it('calls hooks in pipeline order, awaiting asynchronous ones', async () => {
    const calls: string[] = [];
    const plugin = (name: string, priority: number, delayMs: number): GatewayPlugin => ({
      name,
      priority,
      capabilities: ['modify_request'],
      onLlmPreCall: async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        calls.push(name);
        (ctx.request.trail as string[]).push(name);
      },
    });
    const { pipeline } = await bootPlugins([plugin('second', 20, 1), plugin('first', 10, 15)]);
    const ctx = testContext({ trail: [] });
    await pipeline.preCall(ctx);
    expect(calls).toEqual(['first', 'second']);
    expect(ctx.request.trail).toEqual(['first', 'second']);
  });

  describe('onRequest', () => {
    const answer = { status: 200, body: { canned: true } };

    it('stops at the first plugin that answers with short_circuit', async () => {
      const later = jest.fn();
      const { pipeline } = await bootPlugins([
        { name: 'quiet', capabilities: ['observe'], onRequest: () => undefined },
        { name: 'answers', capabilities: ['short_circuit'], onRequest: async () => answer },
        { name: 'later', capabilities: ['observe'], onRequest: later },
      ]);
      await expect(pipeline.request(testContext())).resolves.toBe(answer);
      expect(later).not.toHaveBeenCalled();
    });

    it('ignores an answer from a plugin without short_circuit', async () => {
      const { pipeline } = await bootPlugins([
        { name: 'observer', capabilities: ['observe'], onRequest: () => answer },
      ]);
      expect(pipeline.request(testContext())).toBeUndefined();
    });

    it('passes a refusal through from a plugin with guardrail', async () => {
      const { pipeline } = await bootPlugins([
        {
          name: 'guard',
          capabilities: ['guardrail'],
          onRequest: () => {
            throw refusal();
          },
        },
      ]);
      expect(() => pipeline.request(testContext())).toThrow('blocked by policy');
    });

    it('turns an error shaped like a gateway error into a refusal (external plugins)', async () => {
      const { pipeline } = await bootPlugins([
        {
          name: 'external-guard',
          capabilities: ['guardrail'],
          onRequest: () => {
            throw Object.assign(new Error('no secrets'), { status: 400, code: 'secret_found' });
          },
        },
      ]);
      let thrown: unknown;
      try {
        void pipeline.request(testContext());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PluginsException);
      expect(thrown).toMatchObject({ status: 400, code: 'secret_found', message: 'no secrets' });
    });
  });

  describe('failure modes', () => {
    const failing = (mode: GatewayPlugin['failureMode'], fail: () => never): GatewayPlugin => ({
      name: `failing-${mode}`,
      capabilities: ['modify_request'],
      failureMode: mode,
      onLlmPreCall: fail,
    });
    const boom = (): never => {
      throw new Error('boom');
    };

    it('continue: logs with the plugin name and goes on to the next plugin', async () => {
      const next = jest.fn();
      const { pipeline, registry } = await bootPlugins([
        failing('continue', boom),
        { name: 'next', capabilities: ['modify_request'], onLlmPreCall: next },
      ]);
      for (let i = 0; i < 3; i++) expect(pipeline.preCall(testContext())).toBeUndefined();
      expect(next).toHaveBeenCalledTimes(3);
      expect(registry.slots[0]!.stats.onLlmPreCall).toEqual({ calls: 3, errors: 3 });
      expect(registry.slots[0]!.status).toBe('active');
      // Rate-limited: one line for three failures within the minute.
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]![1]).toBe('plugin "failing-continue" failed in onLlmPreCall');
    });

    it('abort: fails the request with a 500 plugin_error', async () => {
      const { pipeline } = await bootPlugins([failing('abort', boom)]);
      let thrown: unknown;
      try {
        void pipeline.preCall(testContext());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PluginsException);
      expect(thrown).toMatchObject({ status: 500, code: PluginsErrorCode.PluginError });
    });

    it('abort: an asynchronous failure rejects the dispatch', async () => {
      const { pipeline } = await bootPlugins([
        failing('abort', () => Promise.reject(new Error('later')) as never),
      ]);
      await expect(pipeline.preCall(testContext())).rejects.toMatchObject({
        code: 'plugin_error',
      });
    });

    it('quarantine: logs once and never calls the plugin again', async () => {
      const fail = jest.fn(boom);
      const { pipeline, registry } = await bootPlugins([failing('quarantine', fail)]);
      void pipeline.preCall(testContext());
      void pipeline.preCall(testContext());
      expect(fail).toHaveBeenCalledTimes(1);
      expect(registry.slots[0]!.status).toBe('quarantined');
      expect(registry.slots[0]!.lastError).toBe('onLlmPreCall: boom');
      expect(errors).toHaveBeenCalledTimes(1);
    });

    it('treats a refusal from a plugin without guardrail as a failure', async () => {
      const { pipeline } = await bootPlugins([
        failing('abort', () => {
          throw refusal();
        }),
      ]);
      expect(() => pipeline.preCall(testContext())).toThrow(PluginsException);
    });

    it('never lets a notification hook fail the request', async () => {
      const { pipeline, registry } = await bootPlugins([
        {
          name: 'observer',
          capabilities: ['observe'],
          failureMode: 'abort',
          onLlmFailure: () => Promise.reject(new Error('down')),
          onConfigReload: () => {
            throw new Error('bad');
          },
        },
      ]);
      expect(() => pipeline.failure(testContext(), refusal())).not.toThrow();
      expect(() => pipeline.configReloaded({} as never)).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(registry.slots[0]!.stats).toEqual({
        onLlmFailure: { calls: 1, errors: 1 },
        onConfigReload: { calls: 1, errors: 1 },
      });
    });
  });

  describe('onLlmSuccess', () => {
    it('keeps a replaced result only from a plugin with modify_response', async () => {
      const replace = (s: PluginLlmSuccess): void => {
        s.result = { replaced: true };
      };
      const observer = await bootPlugins([
        { name: 'o', capabilities: ['observe'], onLlmSuccess: (_, s) => replace(s) },
      ]);
      const seen = success({ original: true });
      void observer.pipeline.success(testContext(), seen);
      expect(seen.result).toEqual({ original: true });

      const editor = await bootPlugins([
        { name: 'e', capabilities: ['modify_response'], onLlmSuccess: async (_, s) => replace(s) },
      ]);
      const edited = success({ original: true });
      await editor.pipeline.success(testContext(), edited);
      expect(edited.result).toEqual({ replaced: true });
    });
  });

  describe('stream hooks', () => {
    /** Holds every chunk back and releases them joined at the end. */
    const joiner: GatewayPlugin = {
      name: 'joiner',
      priority: 1,
      capabilities: ['modify_response'],
      onStreamChunk: (ctx, chunk) => {
        const held = (ctx.state.get('joiner') as string[] | undefined) ?? [];
        held.push((chunk as { t: string }).t);
        ctx.state.set('joiner', held);
        return [];
      },
      onStreamEnd: (ctx) => [{ t: (ctx.state.get('joiner') as string[]).join('') }],
    };
    const upper: GatewayPlugin = {
      name: 'upper',
      priority: 2,
      capabilities: ['modify_response'],
      onStreamChunk: (_, chunk) => [{ t: (chunk as { t: string }).t.toUpperCase() }],
    };

    it('chains plugins, holds chunks back and passes what is released through later plugins', async () => {
      const { pipeline } = await bootPlugins([upper, joiner]);
      const ctx = testContext();
      expect(pipeline.streams).toBe(true);
      await expect(pipeline.chunk(ctx, { t: 'ab' })).resolves.toEqual([]);
      await expect(pipeline.chunk(ctx, { t: 'cd' })).resolves.toEqual([]);
      await expect(pipeline.streamEnd(ctx)).resolves.toEqual([{ t: 'ABCD' }]);
    });

    it('passes chunks on unchanged for undefined and for plugins without modify_response', async () => {
      const { pipeline } = await bootPlugins([
        { name: 'pass', capabilities: ['modify_response'], onStreamChunk: () => undefined },
        { name: 'guard', capabilities: ['guardrail'], onStreamChunk: () => [] },
      ]);
      await expect(pipeline.chunk(testContext(), { t: 'x' })).resolves.toEqual([{ t: 'x' }]);
    });

    it('treats a return that is not an array as a failure', async () => {
      const { pipeline } = await bootPlugins([
        {
          name: 'odd',
          capabilities: ['modify_response'],
          failureMode: 'abort',
          onStreamChunk: () => ({ t: 'x' }) as never,
        },
      ]);
      await expect(pipeline.chunk(testContext(), { t: 'x' })).rejects.toMatchObject({
        code: 'plugin_error',
      });
    });
  });

  it('tells observers about breaker transitions', async () => {
    const seen = jest.fn();
    const { pipeline } = await bootPlugins([
      { name: 'watch', capabilities: ['observe'], onCircuitBreakerChange: seen },
    ]);
    const change = { deploymentId: 'd', modelGroup: 'g', from: 'closed', to: 'open' };
    pipeline.breakerChanged(change);
    expect(seen).toHaveBeenCalledWith(change);
  });
});
