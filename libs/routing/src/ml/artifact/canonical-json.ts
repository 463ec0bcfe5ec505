/**
 * Canonical JSON: object keys sorted (UTF-16 code unit order) at every depth, no whitespace,
 * numbers and strings as `JSON.stringify` writes them. Signatures cover these bytes, so the same
 * manifest always signs to the same payload whatever order its keys were written in.
 *
 * Object members whose value is `undefined` are left out (as `JSON.stringify` does); anything else
 * JSON cannot represent exactly is refused.
 * @throws TypeError for non-finite numbers, `undefined` in arrays, functions, symbols and bigints.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, at: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${at} is not a finite number`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value, at) : writeObject(value, at);
    default:
      throw new TypeError(`${at} is a ${typeof value}, which JSON cannot hold`);
  }
}

function writeArray(values: readonly unknown[], at: string): string {
  const parts = values.map((item, index) => {
    if (item === undefined) throw new TypeError(`${at}[${index}] is undefined`);
    return write(item, `${at}[${index}]`);
  });
  return `[${parts.join(',')}]`;
}

function writeObject(value: object, at: string): string {
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${write(member, `${at}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}
