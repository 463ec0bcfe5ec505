import { Logger } from '@nestjs/common';
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { McpToolEntry } from '../catalog/mcp-catalog.types';
import { McpException } from '../mcp.exception';

/** Problems reported to the client at most; the rest are summarised. */
const MAX_PROBLEMS = 10;

// `validateSchema: false`: an upstream's schema is not ours to reject (nor its `$schema` URL to
// fetch). `addUsedSchema: false`: two servers may reuse one `$id`. Formats are left to the upstream.
const AJV_OPTIONS: Options = {
  strict: false,
  allErrors: true,
  validateSchema: false,
  addUsedSchema: false,
  validateFormats: false,
};

const DRAFT_07_OR_OLDER = /json-schema\.org\/draft-0[4-7]\/schema/;

type Check = ValidateFunction | null;

/**
 * Validates tool arguments against the tool's input schema before anything goes upstream. Each
 * schema is compiled once per catalog entry (a re-discovered tool is a new entry, compiled anew).
 * MCP 2025-11-25 makes JSON Schema 2020-12 the default dialect; schemas declaring draft-07 or
 * older are compiled as draft-07. Error messages name paths, never argument values.
 */
export class ToolArgumentsValidator {
  private readonly logger = new Logger(ToolArgumentsValidator.name);
  private readonly draft2020 = new Ajv2020(AJV_OPTIONS);
  private readonly draft07 = new Ajv(AJV_OPTIONS);
  private readonly checks = new WeakMap<McpToolEntry, Check>();

  /**
   * The arguments as an object (absent or null → `{}`).
   * @throws McpException `invalid_tool_arguments`
   */
  validate(entry: McpToolEntry, args: unknown): Record<string, unknown> {
    const value = args ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw McpException.invalidToolArguments(entry.qualifiedName, ['/: must be an object']);
    }
    const check = this.checkOf(entry);
    if (check && !check(value)) {
      throw McpException.invalidToolArguments(entry.qualifiedName, problems(check.errors ?? []));
    }
    return value as Record<string, unknown>;
  }

  private checkOf(entry: McpToolEntry): Check {
    let check = this.checks.get(entry);
    if (check === undefined) {
      check = this.compile(entry);
      this.checks.set(entry, check);
    }
    return check;
  }

  /**
   * A schema no dialect compiles (or none at all) is left to the upstream to enforce: null, no
   * local check.
   */
  private compile(entry: McpToolEntry): Check {
    const schema = entry.inputSchema as Record<string, unknown> | undefined;
    if (typeof schema !== 'object' || schema === null) return null;
    const declared = schema.$schema;
    const legacy = typeof declared === 'string' && DRAFT_07_OR_OLDER.test(declared);
    const dialects = legacy ? [this.draft07, this.draft2020] : [this.draft2020, this.draft07];
    for (const ajv of dialects) {
      try {
        return ajv.compile(schema);
      } catch {
        // Try the other dialect.
      } finally {
        // The compiled function keeps what it needs; Ajv's own cache would pin every schema.
        ajv.removeSchema(schema);
      }
    }
    this.logger.warn(`input schema of MCP tool ${entry.qualifiedName} does not compile`);
    return null;
  }
}

function problems(errors: readonly ErrorObject[]): string[] {
  const lines = errors.slice(0, MAX_PROBLEMS).map(describe);
  if (errors.length > MAX_PROBLEMS) lines.push(`${errors.length - MAX_PROBLEMS} more`);
  return lines;
}

/** `/path: message`; Ajv's messages name constraints from the schema, not the rejected values. */
function describe(error: ErrorObject): string {
  const path = (error.instancePath || '/').slice(0, 200);
  const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
  const detail = typeof extra === 'string' ? ` (${JSON.stringify(extra.slice(0, 64))})` : '';
  return `${path}: ${error.message ?? error.keyword}${detail}`;
}
