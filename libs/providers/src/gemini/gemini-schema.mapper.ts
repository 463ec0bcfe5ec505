/**
 * Gemini takes an OpenAPI 3.0 subset of JSON Schema for function parameters and `responseSchema`,
 * and rejects a request naming keys outside it. Dropped (documented behaviour):
 * `$schema`, `$id`, `$comment`, `$ref`, `$defs`, `definitions`, `additionalProperties`,
 * `patternProperties`, `unevaluatedProperties`, `dependentRequired`, `examples`, `strict`.
 * Rewritten: `const` → one-value `enum`; `type: [T, 'null']` → `type: T, nullable: true`;
 * `oneOf` → `anyOf`. `$ref`s are not resolved: a referenced sub-schema becomes an empty schema.
 */
const DROPPED_KEYS: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$comment',
  '$ref',
  '$defs',
  'definitions',
  'additionalProperties',
  'patternProperties',
  'unevaluatedProperties',
  'dependentRequired',
  'examples',
  'strict',
]);
const SCHEMA_LIST_KEYS: ReadonlySet<string> = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function mapProperties(value: unknown): Record<string, unknown> {
  const properties = asRecord(value) ?? {};
  // Property names are data, not schema keywords: only their values are cleaned.
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, toGeminiSchema(schema)]),
  );
}

function mapType(type: unknown, out: Record<string, unknown>): void {
  if (!Array.isArray(type)) {
    out.type = type;
    return;
  }
  const types = type.filter((t) => t !== 'null');
  if (types.length < type.length) out.nullable = true;
  if (types.length > 0) out.type = types[0];
}

function mapEntry(key: string, value: unknown, out: Record<string, unknown>): void {
  if (key === 'properties') out.properties = mapProperties(value);
  else if (key === 'items') out.items = toGeminiSchema(value);
  else if (key === 'type') mapType(value, out);
  else if (key === 'const') out.enum = [value];
  else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) {
    out[key === 'oneOf' ? 'anyOf' : key] = value.map(toGeminiSchema);
  } else out[key] = value;
}

/** A JSON Schema cleaned of what Gemini rejects; see the file comment for what is lost. */
export function toGeminiSchema(schema: unknown): Record<string, unknown> {
  const record = asRecord(schema);
  if (!record) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!DROPPED_KEYS.has(key)) mapEntry(key, value, out);
  }
  return out;
}

/** Function parameters; `undefined` for a no-argument function (Gemini rejects empty objects). */
export function toGeminiParameters(parameters: unknown): Record<string, unknown> | undefined {
  const schema = toGeminiSchema(parameters);
  const properties = asRecord(schema.properties);
  if (schema.type === 'object' && (!properties || Object.keys(properties).length === 0)) {
    return undefined;
  }
  return Object.keys(schema).length > 0 ? schema : undefined;
}
