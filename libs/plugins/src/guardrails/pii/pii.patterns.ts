import { isIPv6 } from 'node:net';

/** The PII categories the PII guardrail knows (`GUARDRAIL_PII_ENTITIES`). */
export const PII_ENTITIES = ['email', 'phone', 'ssn', 'credit_card', 'ip'] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

/** A span of text that is PII. */
export interface PiiMatch {
  readonly entity: PiiEntity;
  readonly start: number;
  readonly end: number;
}

/**
 * One way to find an entity: candidates by pattern, then a check the pattern cannot express,
 * which returns how much of the candidate is the entity (0: none of it).
 */
export interface PiiPattern {
  readonly entity: PiiEntity;
  readonly regex: RegExp;
  readonly accept?: (candidate: string, text: string, start: number) => number;
}

// Each pattern starts only where a token starts (the lookbehinds), so a long run of characters
// that never matches is scanned once, not once per position.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
// E.164: `+` and 8 to 15 digits, the country code first.
const E164 = /(?<![\w+])\+[1-9]\d{7,14}(?!\d)/g;
// NANP with separators: (415) 555-2671, 415-555-2671, 415.555.2671, +1 415 555 2671. Area code and
// exchange start with 2-9, which keeps ISO dates (2024-01-15) and most serials out.
const NANP =
  /(?<![\w+])(?<!\d[.-])(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?!\d)(?![.-]\d)/g;
// Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-]|\.\d)/g;
const CARD = /(?<![\w+.-])\d(?:[ -]?\d){12,18}(?!\d)/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, 'g');
// Hex, colons and dots; `isIPv6` decides. One character class, so the scan stays linear.
const IPV6_TOKEN = /(?<![\w:.])[0-9A-Fa-f:.]{2,}(?![\w:.])/g;
const VERSION_BEFORE = /(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\bfirmware)\s*$/i;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * The longest Luhn-valid run of whole digit groups at the start of the candidate, so a card
 * followed by more numbers (`4111 1111 1111 1111 22`) is still found.
 */
function cardLength(candidate: string): number {
  // Mixed separators (4111-1111 1111-1111) are rarely a card, and often a list of numbers.
  if (new Set(candidate.replace(/\d/g, '')).size > 1) return 0;
  const ends = [candidate.length];
  for (let i = candidate.length - 1; i > 0; i--) if (/[ -]/.test(candidate[i]!)) ends.push(i);
  for (const end of ends) {
    const digits = candidate.slice(0, end).replace(/[ -]/g, '');
    if (digits.length >= 13 && luhnValid(digits)) return end;
  }
  return 0;
}

function notAVersion(candidate: string, text: string, start: number): number {
  return VERSION_BEFORE.test(text.slice(Math.max(0, start - 12), start)) ? 0 : candidate.length;
}

function ipv6Length(token: string): number {
  // A sentence may end right after the address.
  const candidate = token.replace(/\.+$/, '');
  if (candidate.length > 45 || !isIPv6(candidate)) return 0;
  // `a::b` and `::1` are valid, but too short to tell from code or to identify anyone.
  return candidate.split(':').filter((group) => group !== '').length >= 2 ? candidate.length : 0;
}

export const PII_PATTERNS: readonly PiiPattern[] = [
  { entity: 'email', regex: EMAIL },
  { entity: 'phone', regex: E164 },
  { entity: 'phone', regex: NANP },
  { entity: 'ssn', regex: SSN },
  { entity: 'credit_card', regex: CARD, accept: cardLength },
  { entity: 'ip', regex: IPV4, accept: notAVersion },
  { entity: 'ip', regex: IPV6_TOKEN, accept: ipv6Length },
];

/**
 * Characters an entity can be made of: a text ending in a run of them may end inside an entity
 * that the next streamed chunk completes.
 */
export const PII_TAILS: Readonly<Record<PiiEntity, RegExp>> = {
  email: /[A-Za-z0-9._%+@-]+$/,
  phone: /[0-9+(). -]+$/,
  ssn: /[0-9 -]+$/,
  credit_card: /[0-9 -]+$/,
  ip: /[0-9A-Fa-f:.]+$/,
};

export const PII_LABELS: Readonly<Record<PiiEntity, string>> = {
  email: '[REDACTED_EMAIL]',
  phone: '[REDACTED_PHONE]',
  ssn: '[REDACTED_SSN]',
  credit_card: '[REDACTED_CREDIT_CARD]',
  ip: '[REDACTED_IP]',
};
