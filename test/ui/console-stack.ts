import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { A2aAgentServer } from '../support/a2a-agent.server';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { McpStubServer } from '../support/mcp-stub.server';
import { OpenAiStubServer } from '../support/openai-stub.server';
import { freePort } from '../ha/ha-stack';

// The suite drives the built gateway (`npm run build` output, console included) as a real
// process, like the HA suite: it tests exactly what ships.
export const UI_MASTER_KEY = 'sk-ui-master-key-0123456789';
export const UI_ADMIN_KEY = 'admin-ui-key-0123456789';

/** The MCP server the config file declares (the same stub as the API-registered one). */
export const UI_CONFIG_MCP_SERVER = 'handbook';

function configYaml(apiBase: string, mcpUrl: string): string {
  return [
    'model_list:',
    '  - model_name: gpt-4o-mini',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${apiBase}`,
    '      api_key: sk-upstream-ui-secret',
    '    model_info:',
    '      id: stub-1',
    '      input_cost_per_token: 0.000001',
    '      output_cost_per_token: 0.000002',
    '  - model_name: demo',
    '    litellm_params:',
    '      model: mock/routeiq-demo',
    'general_settings:',
    '  master_key: os.environ/LITELLM_MASTER_KEY',
    'mcp_servers:',
    `  ${UI_CONFIG_MCP_SERVER}:`,
    `    url: ${mcpUrl}`,
    "    transport: 'http'",
    '',
  ].join('\n');
}

/** A built gateway on SQLite with an OpenAI stub upstream, an MCP stub and an A2A agent. */
export class ConsoleStack {
  readonly upstream = new OpenAiStubServer();
  readonly mcp = new McpStubServer({ name: 'search-stub' });
  readonly agent = new A2aAgentServer({ name: 'echo-agent' });
  private gateway?: GatewayProcess;
  private dir?: string;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const apiBase = await this.upstream.start();
    await this.mcp.start();
    await this.agent.start();
    this.dir = mkdtempSync(join(tmpdir(), 'routeiq-ui-'));
    const configPath = join(this.dir, 'config.yaml');
    writeFileSync(configPath, configYaml(apiBase, this.mcp.url));
    this.port = await freePort();
    this.gateway = spawnGateway(
      ['--config', configPath, '--port', String(this.port), '--host', '127.0.0.1'],
      {
        LITELLM_MASTER_KEY: UI_MASTER_KEY,
        ADMIN_API_KEYS: UI_ADMIN_KEY,
        ROUTEIQ_DATA_DIR: join(this.dir, 'data'),
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        REDIS_HOST: undefined,
        LITELLM_CONFIG_PATH: undefined,
        CONFIG_FILE_PATH: undefined,
        ROUTEIQ_UI_DIR: undefined,
        ROUTEIQ_UI_ENABLED: undefined,
        LITELLM_LOG: process.env.TEST_LOG_LEVEL ?? 'info',
        MCP_GATEWAY_ENABLED: 'true',
        LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
        A2A_GATEWAY_ENABLED: 'true',
        LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${this.mcp.origin}/,${this.agent.origin}/`,
        LLMROUTER_STRATEGY_WEIGHTS: '{"simple-shuffle": 50, "least-busy": 50}',
      },
    );
    await this.gateway.waitFor(/listening on/, 30_000);
  }

  /** The gateway's stdout and stderr so far, for failure messages. */
  output(): string {
    return `${this.gateway?.output() ?? ''}\n${this.gateway?.errors() ?? ''}`;
  }

  async stop(): Promise<void> {
    await this.gateway?.stop();
    await Promise.all([this.upstream.stop(), this.mcp.stop(), this.agent.stop()]);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Calls the gateway's REST API; resolves to status and parsed JSON body. */
  async api<T = Record<string, unknown>>(
    method: string,
    path: string,
    auth: { admin?: string; user?: string },
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth.admin) headers['x-admin-api-key'] = auth.admin;
    if (auth.user) headers.authorization = `Bearer ${auth.user}`;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
}
