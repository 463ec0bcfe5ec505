/** Probes and scrapes are not traced: at a few per second per replica they would drown traces. */
const UNTRACED_PREFIXES = ['/_health/', '/health', '/metrics'];

export function isUntracedPath(url: string | undefined): boolean {
  const path = url ?? '/';
  return UNTRACED_PREFIXES.some((prefix) => path.startsWith(prefix));
}
