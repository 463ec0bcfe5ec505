import { ENCODED_PAYLOAD_WEIGHT, INJECTION_RULES } from './prompt-injection.rules';

/** How strongly a text looks like a prompt injection, and the rules that fired. */
export interface InjectionScore {
  /** 0–1: the rules' weights combined as independent signs (1 - Π(1 - w)). */
  readonly score: number;
  readonly rules: readonly string[];
}

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const SPACES = /[ \t\u00a0]+/g;
const BASE64 = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g;
const MAX_PAYLOADS = 16;
const MAX_PAYLOAD_CHARS = 16_384;
const MAX_DEPTH = 2;

/**
 * A scored heuristic: phrases that override instructions, role-play jailbreaks (DAN and kin),
 * system-prompt exfiltration, fake chat delimiters, and base64 payloads (decoded and scanned
 * again). No single weak sign crosses a sensible threshold; strong ones or several together do.
 */
export class PromptInjectionDetector {
  score(text: string): InjectionScore {
    const fired = new Map<string, number>();
    this.scan(text, fired, 0);
    let clean = 1;
    for (const weight of fired.values()) clean *= 1 - weight;
    return { score: 1 - clean, rules: [...fired.keys()] };
  }

  private scan(text: string, fired: Map<string, number>, depth: number): void {
    const normalised = text.replace(ZERO_WIDTH, '').replace(SPACES, ' ');
    const prefix = depth === 0 ? '' : 'base64:';
    for (const rule of INJECTION_RULES) {
      if (rule.pattern.test(normalised)) fired.set(prefix + rule.id, rule.weight);
    }
    if (depth >= MAX_DEPTH) return;
    let payloads = 0;
    for (const [token] of normalised.matchAll(BASE64)) {
      if (++payloads > MAX_PAYLOADS) break;
      const decoded = decodeText(token.slice(0, MAX_PAYLOAD_CHARS));
      if (decoded === undefined) continue;
      const before = fired.size;
      this.scan(decoded, fired, depth + 1);
      // Hiding instructions in an encoding is a sign of its own.
      if (fired.size > before) fired.set('encoded_payload', ENCODED_PAYLOAD_WEIGHT);
    }
  }
}

/** The token as UTF-8 text, when it decodes to mostly printable characters. */
function decodeText(token: string): string | undefined {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (text.length === 0) return undefined;
  let printable = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code === 0xfffd) continue;
    if (code >= 0x20 || code === 0x0a || code === 0x09 || code === 0x0d) printable++;
  }
  return printable / text.length >= 0.9 ? text : undefined;
}
