import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import { IsArray, IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';

const POSITIVE = 'must be a positive integer (got $value)';

/** The MCP gateway's switches and limits (also the DI token). */
export class McpConfig {
  /** `MCP_GATEWAY_ENABLED`, default false: every MCP route answers 404 `mcp_gateway_disabled`. */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /** `LLMROUTER_ENABLE_MCP_TOOL_INVOCATION`, default false: tool calls answer 501 / -32004. */
  @IsBoolean({ message: 'must be true or false' })
  toolInvocationEnabled!: boolean;

  /** `LLMROUTER_MCP_STDIO_ENABLED`, default false: `stdio` servers are refused at registration. */
  @IsBoolean({ message: 'must be true or false' })
  stdioEnabled!: boolean;

  /** `MCP_DISCOVERY_TTL_SECONDS`, default 300: how long a server's tool/resource/prompt lists are kept. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(86_400, { message: 'must be at most 86400 (got $value)' })
  discoveryTtlSeconds!: number;

  /** `MCP_SESSION_TTL_SECONDS`, default 3600: idle time after which a client session expires. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(604_800, { message: 'must be at most 604800 (got $value)' })
  sessionTtlSeconds!: number;

  /** `MCP_TOOL_CALL_TIMEOUT_MS`, default 60000: per upstream call, unless the server sets its own. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(3_600_000, { message: 'must be at most 3600000 (got $value)' })
  callTimeoutMs!: number;

  /**
   * `MCP_ALLOWED_ORIGINS` (comma-separated origins): browser origins allowed to call `/mcp`.
   * A request without `Origin` is allowed; one whose Origin is neither listed nor the gateway's
   * own is refused with 403 (DNS-rebinding protection).
   */
  @IsArray()
  @IsString({ each: true })
  allowedOrigins!: string[];

  /** `MCP_MAX_TOOL_TURNS`, default 5: model ↔ tool round trips a chat completion may run. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(50, { message: 'must be at most 50 (got $value)' })
  maxToolTurns!: number;

  /** `MCP_LIST_PAGE_SIZE`, default 100: items a page of `tools/list` and the other MCP listings. */
  @IsInt({ message: POSITIVE })
  @Min(1, { message: POSITIVE })
  @Max(1000, { message: 'must be at most 1000 (got $value)' })
  listPageSize!: number;
}

function integer(text: string | undefined, fallback: number): number | string {
  const value = text?.trim();
  if (!value) return fallback;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry.length > 0);
}

/** @throws ConfigValidationError naming every bad variable. */
export function resolveMcpConfig(env: Readonly<Record<string, string | undefined>>): McpConfig {
  return validateEnv(
    McpConfig,
    {
      enabled: envBoolean(env.MCP_GATEWAY_ENABLED, false),
      toolInvocationEnabled: envBoolean(env.LLMROUTER_ENABLE_MCP_TOOL_INVOCATION, false),
      stdioEnabled: envBoolean(env.LLMROUTER_MCP_STDIO_ENABLED, false),
      discoveryTtlSeconds: integer(env.MCP_DISCOVERY_TTL_SECONDS, 300),
      sessionTtlSeconds: integer(env.MCP_SESSION_TTL_SECONDS, 3600),
      callTimeoutMs: integer(env.MCP_TOOL_CALL_TIMEOUT_MS, 60_000),
      allowedOrigins: list(env.MCP_ALLOWED_ORIGINS),
      maxToolTurns: integer(env.MCP_MAX_TOOL_TURNS, 5),
      listPageSize: integer(env.MCP_LIST_PAGE_SIZE, 100),
    },
    {
      enabled: 'MCP_GATEWAY_ENABLED',
      toolInvocationEnabled: 'LLMROUTER_ENABLE_MCP_TOOL_INVOCATION',
      stdioEnabled: 'LLMROUTER_MCP_STDIO_ENABLED',
      discoveryTtlSeconds: 'MCP_DISCOVERY_TTL_SECONDS',
      sessionTtlSeconds: 'MCP_SESSION_TTL_SECONDS',
      callTimeoutMs: 'MCP_TOOL_CALL_TIMEOUT_MS',
      allowedOrigins: 'MCP_ALLOWED_ORIGINS',
      maxToolTurns: 'MCP_MAX_TOOL_TURNS',
      listPageSize: 'MCP_LIST_PAGE_SIZE',
    },
  );
}

export const mcpConfig = registerAs('mcp', () => resolveMcpConfig(process.env));

export const mcpConfigProvider: Provider = {
  provide: McpConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<McpConfig>('mcp'),
  inject: [ConfigService],
};
