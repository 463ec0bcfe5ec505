import { McpRpcError, type JsonRpcParams } from './json-rpc';

interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The part of a zod schema used here (the SDK's request schemas from its `types.js`). */
export interface RequestSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { readonly success: true; readonly data: T }
    | { readonly success: false; readonly error: { readonly issues: readonly SchemaIssue[] } };
}

const MAX_ISSUES = 5;

/**
 * Validates `{ method, params }` with the SDK's schema of that request and returns its params.
 * @throws McpRpcError -32602 naming the first few problems, e.g. `params.name: expected string`.
 */
export function parseParams<T extends { params?: unknown }>(
  schema: RequestSchema<T>,
  method: string,
  params: JsonRpcParams | undefined,
): T['params'] {
  const parsed = schema.safeParse({ method, ...(params !== undefined && { params }) });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => `${issue.path.map(String).join('.') || 'params'}: ${issue.message}`);
    throw McpRpcError.invalidParams(`Invalid params for ${method}: ${problems.join('; ')}`);
  }
  return parsed.data.params;
}
