/** Why a semantic neighbour was refused although similar enough. */
export type GuardReason = 'numbers' | 'negation' | 'entities' | 'units_dates';

export const GUARD_REASONS: readonly GuardReason[] = [
  'numbers',
  'negation',
  'entities',
  'units_dates',
];

/** What the guard compares of a prompt (no prompt text is kept beyond these). */
export interface PromptFacts {
  readonly numbers: ReadonlySet<string>;
  readonly negations: number;
  /** Names, quoted strings, URLs and emails, lower-cased. */
  readonly entities: ReadonlySet<string>;
  readonly unitsDates: ReadonlySet<string>;
  /** Every word, lower-cased: an entity written in lower case in the other prompt still matches. */
  readonly words: ReadonlySet<string>;
  /** The prompt's words joined by single spaces, lower-cased (for multi-word quoted names). */
  readonly lowered: string;
}

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
  const entities = new Set<string>();
  for (const match of text.matchAll(URLS)) entities.add(match[0].toLowerCase());
  for (const match of text.matchAll(EMAILS)) entities.add(match[0].toLowerCase());
  for (const match of text.matchAll(QUOTED)) {
    entities.add((match[1] ?? match[2] ?? match[3] ?? '').trim().toLowerCase());
  }
  const stripped = text.replace(URLS, ' ').replace(EMAILS, ' ');
  const numbers = new Set<string>();
  for (const match of stripped.matchAll(NUMBERS))
    numbers.add(match[0].replace(/,(?=\d{3}\b)/g, ''));
  const words = new Set<string>();
  const unitsDates = new Set<string>();
  let negations = 0;
  for (const sentence of stripped.split(/(?<=[.!?\n])\s+/)) {
    const tokens = sentence.match(WORDS) ?? [];
    tokens.forEach((token, position) => {
      const lower = token.toLowerCase();
      words.add(lower);
      if (NUMBER_WORDS.has(lower)) numbers.add(lower);
      if (NEGATIONS.has(lower) || /n['’]t$/.test(lower)) negations++;
      const unit = lower.replace(/^\d+(?:[.,]\d+)*/, '');
      if (UNITS_DATES.has(unit)) unitsDates.add(unit);
      if (isName(token, position) && !UNITS_DATES.has(lower)) entities.add(lower);
    });
  }
  const lowered = (stripped.toLowerCase().match(WORDS) ?? []).join(' ');
  return { numbers, negations, entities, unitsDates, words, lowered };
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

/** Every entity of `from` appears in `to`, as an entity or as a word in any case. */
function entitiesIn(from: PromptFacts, to: PromptFacts): boolean {
  for (const entity of from.entities) {
    if (to.entities.has(entity) || to.words.has(entity)) continue;
    const spaced = (entity.match(WORDS) ?? []).join(' ');
    if (!spaced.includes(' ') || !` ${to.lowered} `.includes(` ${spaced} `)) return false;
  }
  return true;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
