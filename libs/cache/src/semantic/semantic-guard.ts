/** Why a semantic neighbour was refused although similar enough. */
export type GuardReason = 'numbers' | 'negation' | 'entities' | 'units_dates';

export const GUARD_REASONS: readonly GuardReason[] = [
  'numbers',
  'negation',
  'entities',
  'units_dates',
];

/**
 * What the guard compares of a prompt. Every item is a 32-bit fingerprint of a lower-cased term,
 * never its text, so the index (and the shared index in Redis) holds no prompt text; like the
 * vector's buckets, a fingerprint of a short word can still be guessed.
 */
export interface PromptFacts {
  readonly numbers: ReadonlySet<number>;
  readonly negations: number;
  /**
   * Names, quoted strings, URLs and emails: each one's fingerprint → the fingerprint of its words
   * joined by single spaces when it has 2 to `MAX_PHRASE_WORDS` of them, else 0.
   */
  readonly entities: ReadonlyMap<number, number>;
  readonly unitsDates: ReadonlySet<number>;
  /** Every word (at most `MAX_FACT_WORDS`): an entity written in lower case elsewhere still matches. */
  readonly words: ReadonlySet<number>;
  /** Runs of 2 to `MAX_PHRASE_WORDS` words (at most `MAX_FACT_WORDS`), for multi-word entities. */
  readonly phrases: ReadonlySet<number>;
}

/** Longest run of words a multi-word entity is looked up as; a longer one must be an entity too. */
export const MAX_PHRASE_WORDS = 4;
/**
 * Words and phrases kept per prompt. Whatever is cut only ever makes the guard refuse (an
 * entity not found), never accept.
 */
export const MAX_FACT_WORDS = 2048;

const NUMBER_WORDS = new Set(
  (
    'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen ' +
    'fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ' +
    'ninety hundred thousand million billion trillion dozen half quarter double triple first ' +
    'second third fourth fifth sixth seventh eighth ninth tenth once twice'
  ).split(' '),
);
const NEGATIONS = new Set(
  'not no never none nobody nothing neither nor without cannot nowhere'.split(' '),
);
const UNITS_DATES = new Set(
  (
    'km kilometer kilometers kilometre kilometres m meter meters metre metres cm mm mile miles mi ' +
    'ft foot feet inch inches yard yards kg kilogram kilograms g gram grams mg lb lbs pound pounds ' +
    'oz ounce ounces ton tons tonne tonnes l liter liters litre litres ml gallon gallons celsius ' +
    'fahrenheit kelvin °c °f % percent usd eur gbp jpy cny inr dollar dollars euro euros yen ' +
    'rupee rupees $ € £ ¥ kb mb gb tb kwh mph kph ms sec secs second seconds minute minutes hour ' +
    'hours day days week weeks month months year years decade decades century centuries ' +
    'january february march april june july august september october november december jan feb ' +
    'apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday ' +
    'sunday today tomorrow yesterday tonight weekend morning evening afternoon am pm utc gmt'
  ).split(' '),
);
/** Capitalised only because they open a sentence: not names. */
const SENTENCE_OPENERS = new Set(
  (
    'what how why when where who whom whose which can could would should will shall is are was ' +
    'were do does did have has had please tell explain describe list write summarize summarise ' +
    'define show give translate compare name find make create help i the a an in on at for of to ' +
    'and or but if my your this that these those there it its we you they he she let lets hi hello ' +
    'hey briefly quickly now then also so yes ok okay in as from by with about into'
  ).split(' '),
);

const URLS = /\bhttps?:\/\/[^\s"'<>]+/gi;
const EMAILS = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const QUOTED = /"([^"\n]{1,200})"|“([^”\n]{1,200})”|(?:^|\s)'([^'\n]{1,200})'(?=[\s.,;:!?]|$)/g;
const NUMBERS = /\d+(?:[.,]\d+)*/g;
const WORDS = /[\p{L}\p{N}°%$€£¥]+(?:['’]\p{L}+)?/gu;

/** The facts the guard compares; cheap (a few regular expressions over the prompt). */
export function promptFacts(text: string): PromptFacts {
  const entities = new Map<number, number>();
  const addEntity = (entity: string): void => {
    entities.set(fingerprint(entity), phraseOf(entity.match(WORDS) ?? []));
  };
  for (const match of text.matchAll(URLS)) addEntity(match[0].toLowerCase());
  for (const match of text.matchAll(EMAILS)) addEntity(match[0].toLowerCase());
  for (const match of text.matchAll(QUOTED)) {
    addEntity((match[1] ?? match[2] ?? match[3] ?? '').trim().toLowerCase());
  }
  const stripped = text.replace(URLS, ' ').replace(EMAILS, ' ');
  const numbers = new Set<number>();
  for (const match of stripped.matchAll(NUMBERS))
    numbers.add(fingerprint(match[0].replace(/,(?=\d{3}\b)/g, '')));
  const words = new Set<number>();
  const unitsDates = new Set<number>();
  let negations = 0;
  for (const sentence of stripped.split(/(?<=[.!?\n])\s+/)) {
    const tokens = sentence.match(WORDS) ?? [];
    tokens.forEach((token, position) => {
      const lower = token.toLowerCase();
      if (words.size < MAX_FACT_WORDS) words.add(fingerprint(lower));
      if (NUMBER_WORDS.has(lower)) numbers.add(fingerprint(lower));
      if (NEGATIONS.has(lower) || /n['’]t$/.test(lower)) negations++;
      const unit = lower.replace(/^\d+(?:[.,]\d+)*/, '');
      if (UNITS_DATES.has(unit)) unitsDates.add(fingerprint(unit));
      if (isName(token, position) && !UNITS_DATES.has(lower)) addEntity(lower);
    });
  }
  const phrases = phrasesOf(stripped.toLowerCase().match(WORDS) ?? []);
  return { numbers, negations, entities, unitsDates, words, phrases };
}

/** Fingerprints of every run of 2 to `MAX_PHRASE_WORDS` consecutive words. */
function phrasesOf(words: readonly string[]): Set<number> {
  const phrases = new Set<number>();
  for (let start = 0; start < words.length && phrases.size < MAX_FACT_WORDS; start++) {
    let phrase = words[start]!;
    for (let end = start + 1; end < words.length && end - start < MAX_PHRASE_WORDS; end++) {
      phrase += ` ${words[end]!}`;
      phrases.add(fingerprint(phrase));
    }
  }
  return phrases;
}

/** The phrase fingerprint of an entity's words, or 0 when it has one or too many. */
function phraseOf(words: readonly string[]): number {
  if (words.length < 2 || words.length > MAX_PHRASE_WORDS) return 0;
  return fingerprint(words.join(' ').toLowerCase());
}

/** A fast 32-bit string hash (cyrb53's mixing, low half); 0 is never returned. */
export function fingerprint(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ char, 2654435761);
    h2 = Math.imul(h2 ^ char, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0 || 1;
}

/** A capitalised word that is not just opening its sentence, or one with an inner capital. */
function isName(token: string, position: number): boolean {
  if (!/^\p{Lu}/u.test(token) && !/^\p{Ll}+\p{Lu}/u.test(token)) return false;
  if (token === 'I' || /^I['’]/.test(token)) return false;
  return position > 0 || !SENTENCE_OPENERS.has(token.toLowerCase());
}

/**
 * The first reason the two prompts must not share an answer, or undefined when none is found:
 * different numbers, a negation in one only, different names, or different units or dates.
 */
export function guardRefusal(a: PromptFacts, b: PromptFacts): GuardReason | undefined {
  if (!sameSet(a.numbers, b.numbers)) return 'numbers';
  if (a.negations !== b.negations) return 'negation';
  if (!entitiesIn(a, b) || !entitiesIn(b, a)) return 'entities';
  if (!sameSet(a.unitsDates, b.unitsDates)) return 'units_dates';
  return undefined;
}

/** Every entity of `from` appears in `to`: as an entity, a word or a run of words. */
function entitiesIn(from: PromptFacts, to: PromptFacts): boolean {
  for (const [entity, phrase] of from.entities) {
    if (to.entities.has(entity) || to.words.has(entity)) continue;
    if (phrase === 0 || !to.phrases.has(phrase)) return false;
  }
  return true;
}

function sameSet(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
