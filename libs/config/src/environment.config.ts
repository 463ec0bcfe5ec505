/**
 * A snapshot of the process environment. The config store re-reads it on every (re)load so
 * `os.environ/` references follow variables changed by the platform (e.g. mounted secrets).
 */
export function readProcessEnvironment(): Readonly<Record<string, string | undefined>> {
  return { ...process.env };
}
