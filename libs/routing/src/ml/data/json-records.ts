/** One JSON object of a data file, with the line (JSONL) or index (JSON array) it came from. */
export interface JsonRecord {
  readonly at: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

function asObject(value: unknown, at: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${at}: not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * The objects of a JSON-lines text (blank lines skipped) or of a JSON array text (the first
 * non-blank character is `[`).
 * @throws RangeError naming the line or element that is not a JSON object.
 */
export function readJsonRecords(text: string): JsonRecord[] {
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RangeError(`JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new RangeError('JSON text is not an array');
    return parsed.map((value, i) => ({
      at: `element ${i}`,
      fields: asObject(value, `element ${i}`),
    }));
  }
  const records: JsonRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    const at = `line ${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new RangeError(`${at}: ${(error as Error).message}`);
    }
    records.push({ at, fields: asObject(parsed, at) });
  });
  return records;
}

/** A required non-empty string field. */
export function stringField(record: JsonRecord, name: string): string {
  const value = record.fields[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`${record.at}: "${name}" is not a non-empty string`);
  }
  return value;
}

/** An optional string field (undefined when absent or null). */
export function optionalString(record: JsonRecord, name: string): string | undefined {
  const value = record.fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RangeError(`${record.at}: "${name}" is not a string`);
  return value;
}

/** An optional non-negative number field (undefined when absent or null). */
export function optionalNumber(record: JsonRecord, name: string): number | undefined {
  const value = record.fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${record.at}: "${name}" is not a non-negative number`);
  }
  return value;
}

/** A score: a number in [0, 1], or a boolean (true → 1). Null → undefined (unknown). */
export function scoreValue(value: unknown, at: string, name: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new RangeError(`${at}: score ${JSON.stringify(name)} is not a number in [0, 1]`);
  }
  return value;
}
