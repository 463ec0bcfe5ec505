import type { ScoreMatrix } from '../../ml.types';
import { seededRandom, type Random } from '../shared/seeded-random';

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'vo',
  'si',
  'pe',
  'da',
  'gu',
  'fe',
  'zo',
  'hi',
];
const TOPICS = 12;
const CANDIDATES = 6;

function word(random: Random): string {
  const length = 1 + Math.floor(random() * 4);
  let text = '';
  for (let i = 0; i < length; i++) text += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
  return text;
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Words in a prompt: mostly short, some medium, a few long (as benchmark prompts are). */
function promptLength(random: Random): number {
  const draw = random();
  if (draw < 0.7) return 8 + Math.floor(random() * 40);
  if (draw < 0.95) return 48 + Math.floor(random() * 160);
  return 200 + Math.floor(random() * 500);
}

/**
 * Seeded synthetic routing data for the latency benchmark when no real data is at hand: prompts
 * from a dozen "tasks" (a template opening, task words, shared words, numbers) and 0/1 scores of
 * six candidates whose strengths depend on the task.
 */
export function syntheticMatrix(count: number, seed: number): ScoreMatrix {
  const random = seededRandom(seed);
  const shared = Array.from({ length: 3000 }, () => word(random));
  const topics = Array.from({ length: TOPICS }, () => ({
    opening: Array.from({ length: 6 }, () => word(random)).join(' '),
    words: Array.from({ length: 150 }, () => word(random)),
    strength: Array.from({ length: CANDIDATES }, () => 0.2 + 0.7 * random()),
  }));
  const queries: string[] = [];
  const scores = new Float64Array(count * CANDIDATES);
  for (let q = 0; q < count; q++) {
    const topic = pick(topics, random);
    const words = [topic.opening];
    for (let i = promptLength(random); i > 0; i--) {
      const draw = random();
      if (draw < 0.4) words.push(pick(topic.words, random));
      else if (draw < 0.9) words.push(pick(shared, random));
      else words.push(String(Math.floor(random() * 1000)));
    }
    queries.push(`${words.join(' ')}?`);
    topic.strength.forEach((p, c) => (scores[q * CANDIDATES + c] = random() < p ? 1 : 0));
  }
  const candidates = Array.from({ length: CANDIDATES }, (_, c) => `synthetic-${c + 1}`);
  return { queries, candidates, scores };
}
