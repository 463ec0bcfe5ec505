import { Test } from '@nestjs/testing';
import { GatewayTracer } from '@routeiq/observability';
import {
  DnsHostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
} from '@routeiq/security';
import { McpCatalog, McpServerDirectory, McpUpstream } from '../catalog/mcp-catalog.types';
import { McpConfig, resolveMcpConfig } from '../mcp.config';
import { FakeServerDirectory } from './__fixtures__/upstream.harness';
import { MCP_UPSTREAM_PROVIDERS, McpCatalogService, McpUpstreamService } from './index';

describe('MCP_UPSTREAM_PROVIDERS', () => {
  it('binds the ports to one catalog and one upstream, given their dependencies', async () => {
    const outbound = new SafeOutboundClient(
      new OutboundUrlGuard(resolveOutboundConfig({}), new DnsHostResolver()),
    );
    const moduleRef = await Test.createTestingModule({
      providers: [
        ...MCP_UPSTREAM_PROVIDERS,
        { provide: McpServerDirectory, useValue: new FakeServerDirectory() },
        { provide: McpConfig, useValue: resolveMcpConfig({}) },
        { provide: SafeOutboundClient, useValue: outbound },
        GatewayTracer,
      ],
    }).compile();

    expect(moduleRef.get(McpCatalog)).toBe(moduleRef.get(McpCatalogService));
    expect(moduleRef.get(McpUpstream)).toBe(moduleRef.get(McpUpstreamService));
    await expect(moduleRef.get(McpUpstream).probe('none')).resolves.toMatchObject({
      status: 'unhealthy',
      error: 'MCP server "none" not found',
    });
    await moduleRef.close();
  });
});
