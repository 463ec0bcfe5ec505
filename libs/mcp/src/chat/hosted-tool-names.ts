import { createHash } from 'node:crypto';

/** What every provider accepts as a function name. */
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

const MAX_NAME_LENGTH = 64;
const HASH_LENGTH = 8;
const SEPARATOR = '__';
const UNSAFE_CHARS = /[^a-zA-Z0-9_-]/g;
const SAFE_NAME = /^[a-zA-Z0-9_-]+$/;

/** The parts of a tool entry its function name is made from. */
export interface NamedTool {
  readonly serverId: string;
  readonly name: string;
  readonly qualifiedName: string;
}

/**
 * Function names for MCP tools, keyed by name, valued by `{serverId}.{tool}`. A tool gets
 * `serverId__tool` when that spelling maps back to one tool only (the tool name is already safe,
 * the server id has no `__` and does not end in `_`, and it fits in 64 characters); otherwise it
 * gets a readable prefix and `_` + 8 hex characters of the qualified name's SHA-256. A name depends
 * on its own tool only, so a conversation sees the same names on every request.
 */
export function functionNames(tools: readonly NamedTool[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const tool of tools) {
    let name = functionName(tool);
    // Only a hash collision (or a tool literally named like another's hashed name) gets here.
    for (let attempt = 1; names.has(name); attempt++) {
      name = hashedName(
        `${tool.serverId}${SEPARATOR}${tool.name}`,
        `${tool.qualifiedName}#${attempt}`,
      );
    }
    names.set(name, tool.qualifiedName);
  }
  return names;
}

function functionName(tool: NamedTool): string {
  const plain = `${tool.serverId}${SEPARATOR}${tool.name}`;
  if (isUnambiguous(tool) && plain.length <= MAX_NAME_LENGTH) return plain;
  return hashedName(plain, tool.qualifiedName);
}

/** `serverId__tool` splits back at its first `__` only under these conditions. */
function isUnambiguous(tool: NamedTool): boolean {
  const { serverId, name } = tool;
  return (
    SAFE_NAME.test(name) &&
    SAFE_NAME.test(serverId) &&
    !serverId.includes(SEPARATOR) &&
    !serverId.endsWith('_')
  );
}

function hashedName(plain: string, hashed: string): string {
  const suffix = createHash('sha256').update(hashed).digest('hex').slice(0, HASH_LENGTH);
  const prefix = plain.replace(UNSAFE_CHARS, '_').slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1);
  return `${prefix}_${suffix}`;
}
