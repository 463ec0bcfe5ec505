import { scrubSecrets } from '@routeiq/common';

/** pino `redact` paths: credentials never reach a log line, even inside structured fields. */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-admin-api-key"]',
  'req.headers["api-key"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.apiKey',
  '*.api_key',
  '*.masterKey',
  '*.master_key',
  '*.password',
  '*.authorization',
];

/**
 * pino `hooks.logMethod`: scrubs secrets out of every string argument (messages, error text)
 * before the line is formatted.
 */
export function scrubLogArguments(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (typeof arg === 'string') return scrubSecrets(arg);
    if (arg instanceof Error) return { err: scrubSecrets(arg.stack ?? arg.message) };
    return arg;
  });
}
