import { writeFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from './support/gateway-harness';
import { eventually } from './support/eventually';
import { McpStubServer } from './support/mcp-stub.server';
import {
  adminCall,
  connectStreamable,
  generateKey,
  MCP_YAML,
} from './fixtures/mcp-protocol.fixtures';

// MCP servers defined in the config file's `mcp_servers` (LiteLLM's format): registered at boot,
// served through /mcp like API-registered ones, refused to the admin API, removed by a reload.
const TOKEN = 'cfg-upstream-token-0123';
const SERVERS = '/llmrouter/mcp/servers';

function yamlWith(stub: McpStubServer): string {
  return [
    MCP_YAML.trimEnd(),
    'mcp_servers:',
    '  cfg_stub:',
    `    url: "${stub.url}"`,
    '    transport: "http"',
    '    auth_type: "bearer_token"',
    '    auth_value: os.environ/CFG_MCP_TOKEN',
    '    description: "From the config file"',
    '    allowed_tools: [add, echo]',
    '',
  ].join('\n');
}

describe('MCP servers from the config file', () => {
  const stub = new McpStubServer({ name: 'cfg' });
  let gw: TestGateway;

  const reload = () => adminCall(gw, 'POST', '/config/reload');
  const toolNames = async (): Promise<string[]> => {
    const { client } = await connectStreamable(gw, await generateKey(gw));
    try {
      return (await client.listTools()).tools.map((tool) => tool.name).sort();
    } finally {
      await client.close();
    }
  };

  beforeAll(async () => {
    await stub.start();
    gw = await startTestGateway({
      yaml: yamlWith(stub),
      env: {
        MCP_GATEWAY_ENABLED: 'true',
        LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
        LLMROUTER_OUTBOUND_URL_ALLOWLIST: stub.origin,
        CFG_MCP_TOKEN: TOKEN,
      },
    });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('registers the server at boot and serves its allowed tools through /mcp', async () => {
    const view = await adminCall(gw, 'GET', `${SERVERS}/cfg_stub`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      server_id: 'cfg_stub',
      source: 'config',
      transport: 'streamable_http',
      auth_type: 'bearer_token',
      has_credentials: true,
      description: 'From the config file',
      allowed_tools: ['add', 'echo'],
    });
    expect(JSON.stringify(view.body)).not.toContain(TOKEN);
    await expect(toolNames()).resolves.toEqual(['cfg_stub.add', 'cfg_stub.echo']);
    const listed = stub.received('tools/list');
    expect(listed.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses to update, delete or shadow it through the admin API', async () => {
    const put = await adminCall(gw, 'PUT', `${SERVERS}/cfg_stub`, { enabled: false });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('mcp_server_managed_by_config');
    const del = await adminCall(gw, 'DELETE', `${SERVERS}/cfg_stub`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('mcp_server_managed_by_config');
    const post = await adminCall(gw, 'POST', SERVERS, { server_id: 'cfg_stub', url: stub.url });
    expect(post.status).toBe(409);
    expect(post.body.error.code).toBe('mcp_server_managed_by_config');
  });

  it('answers 400 to a reload with an invalid entry and keeps the server', async () => {
    writeFileSync(
      gw.configPath,
      yamlWith(stub).replace('transport: "http"', 'transport: "carrier-pigeon"'),
    );
    const res = await reload();
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('mcp_servers.cfg_stub.transport');
    expect((await adminCall(gw, 'GET', `${SERVERS}/cfg_stub`)).status).toBe(200);
  });

  it('removes the server when a reload drops it from the file', async () => {
    writeFileSync(gw.configPath, MCP_YAML);
    expect((await reload()).status).toBe(200);
    await eventually(
      async () => (await adminCall(gw, 'GET', `${SERVERS}/cfg_stub`)).status === 404,
      'the config server is removed',
    );
    await expect(toolNames()).resolves.toEqual([]);
  });
});
