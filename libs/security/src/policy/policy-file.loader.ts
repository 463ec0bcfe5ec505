import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parsePolicyDocument, type PolicyParseResult } from './policy-document.parser';

function unreadable(error: unknown): PolicyParseResult {
  const reason = (error as NodeJS.ErrnoException).code ?? 'read failed';
  return { problems: [{ path: '(file)', message: `cannot read the policy file (${reason})` }] };
}

/** Reads and validates the policy file; used at boot and by the config-reload participant. */
export function loadPolicyFileSync(path: string): PolicyParseResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return unreadable(error);
  }
  return parsePolicyDocument(text);
}

/** Same as {@link loadPolicyFileSync}, without blocking the event loop (used by `reload()`). */
export async function loadPolicyFile(path: string): Promise<PolicyParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return unreadable(error);
  }
  return parsePolicyDocument(text);
}
