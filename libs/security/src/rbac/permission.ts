/** Control-plane permissions from the seed. An admin key holds all of them. */
export const PERMISSIONS = [
  'mcp.server.write',
  'mcp.tool.write',
  'mcp.tool.call',
  'system.config.reload',
  'a2a.agent.write',
  'router.strategy.write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const NAMESPACES = new Set(
  PERMISSIONS.flatMap((permission) => {
    const parts = permission.split('.');
    return parts.slice(1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
  }),
);

/** `*`, a known permission, or a namespace wildcard such as `mcp.*` or `mcp.tool.*`. */
export function isPermission(value: string): boolean {
  return (
    value === '*' || (PERMISSIONS as readonly string[]).includes(value) || NAMESPACES.has(value)
  );
}

/** True when any held grant covers `required` (exact, `*`, or a namespace wildcard). */
export function grants(held: readonly string[], required: string): boolean {
  for (const grant of held) {
    if (grant === '*' || grant === required) return true;
    if (grant.endsWith('.*') && required.startsWith(grant.slice(0, -1))) return true;
  }
  return false;
}
