import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';
import { buildModelGroup } from './model-group';
import type { ModelRegistryService } from './model-registry.service';
import { RouterService } from './router.service';

function deployment(id: string, capabilities: ProviderCapability[]): ResolvedDeployment {
  return {
    id,
    config: { litellmParams: {} },
    adapter: { capabilities: new Set(capabilities) },
  } as unknown as ResolvedDeployment;
}

describe(RouterService.name, () => {
  const full = deployment('full', ['chat', 'streaming', 'tools', 'vision']);
  const textOnly = deployment('text', ['chat', 'streaming']);
  const group = buildModelGroup('g', [full, textOnly], 0);
  const registry = { find: (name: string) => (name === 'g' ? group : undefined) };
  const router = new RouterService(registry as unknown as ModelRegistryService);

  it('picks only deployments that have every capability the request needs', () => {
    for (let i = 0; i < 20; i++) expect(router.route('g', 'chat', ['tools']).id).toBe('full');
    const seen = new Set(Array.from({ length: 50 }, () => router.route('g', 'chat').id));
    expect(seen).toEqual(new Set(['full', 'text']));
  });

  it('goes back to a preferred deployment while it is a capable member, else routes as usual', () => {
    for (let i = 0; i < 20; i++) expect(router.route('g', 'chat', [], 'text').id).toBe('text');
    for (let i = 0; i < 20; i++)
      expect(router.route('g', 'chat', ['tools'], 'text').id).toBe('full');
    expect(['full', 'text']).toContain(router.route('g', 'chat', [], 'gone').id);
  });

  it('answers 400 naming the missing capability before any upstream call', () => {
    const onlyText = buildModelGroup('t', [textOnly], 0);
    const narrow = new RouterService({ find: () => onlyText } as unknown as ModelRegistryService);
    expect(() => narrow.route('t', 'chat', ['streaming', 'vision'])).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'no_capable_deployment',
        message: expect.stringContaining('vision'),
      }),
    );
    expect(() => narrow.route('t', 'embedding')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => router.route('missing', 'chat')).toThrow(expect.objectContaining({ status: 404 }));
  });
});
