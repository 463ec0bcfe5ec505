// Patterns for secrets that may end up inside free text (error messages, upstream bodies).
// Compiled once; applied to log lines and to error details before they leave the process.
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // Bearer tokens in header dumps or messages.
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi, '$1[REDACTED]'],
  // OpenAI-style and virtual keys: sk-..., sk-proj-..., sk-ant-...
  [/\bsk-[A-Za-z0-9_-]{6,}/g, 'sk-[REDACTED]'],
  // AWS access key ids and secret keys in key=value form.
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[REDACTED_AWS_KEY_ID]'],
  [
    /(aws_secret_access_key|secret_access_key|secretAccessKey)(["'\s:=]+)[A-Za-z0-9/+=]{20,}/gi,
    '$1$2[REDACTED]',
  ],
  // Passwords inside connection URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]+@/gi, '$1[REDACTED]@'],
  // api-key / x-api-key / password values in key=value or JSON form.
  [
    /(["']?(?:api[-_]?key|x-api-key|x-admin-api-key|password|master[-_]key)["']?\s*[:=]\s*["']?)[^"',\s}]{4,}/gi,
    '$1[REDACTED]',
  ],
];

/** Masks API keys, bearer tokens, AWS keys and URL passwords in free text. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
