import { cosine, denseVector, termVector } from './prompt-vector';
import { guardRefusal, promptFacts } from './semantic-guard';

const refusal = (a: string, b: string) => guardRefusal(promptFacts(a), promptFacts(b));
const similarity = (a: string, b: string) => cosine(termVector(a), termVector(b));

describe('semantic false-hit guard', () => {
  it('accepts paraphrases, case and punctuation changes', () => {
    expect(
      refusal('What is the capital of France?', 'what is the capital city of france'),
    ).toBeUndefined();
    expect(
      refusal('Tell me the capital of France.', 'Please tell me the capital of France'),
    ).toBeUndefined();
    expect(refusal('Explain photosynthesis.', 'Describe photosynthesis!')).toBeUndefined();
    expect(
      refusal('Summarize "War and Peace"', 'Summarise "war and peace" briefly'),
    ).toBeUndefined();
    expect(refusal('It costs 1,000 dollars', 'It costs 1000 dollars')).toBeUndefined();
  });

  it('refuses different numbers, digits or words', () => {
    expect(refusal('What is 15 times 23?', 'What is 15 times 24?')).toBe('numbers');
    expect(refusal('Give me three ideas', 'Give me five ideas')).toBe('numbers');
    expect(refusal('List 3 ideas', 'List ideas')).toBe('numbers');
  });

  it('refuses a negation present in one prompt only', () => {
    expect(refusal('Is Python a compiled language?', 'Is Python not a compiled language?')).toBe(
      'negation',
    );
    expect(refusal('Why does it work?', "Why doesn't it work?")).toBe('negation');
    expect(refusal('Cook rice with salt', 'Cook rice without salt')).toBe('negation');
  });

  it('refuses different names, quoted strings, URLs and emails', () => {
    expect(refusal('What is the capital of France?', 'What is the capital of Spain?')).toBe(
      'entities',
    );
    expect(refusal('Paris travel tips', 'Rome travel tips')).toBe('entities');
    expect(refusal('Translate "good morning"', 'Translate "good night"')).toBe('entities');
    expect(refusal('Summarise https://a.example/x', 'Summarise https://a.example/y')).toBe(
      'entities',
    );
    expect(refusal('Email bob@example.com', 'Email alice@example.com')).toBe('entities');
    expect(refusal('Compare the iPhone and a pixel', 'Compare the phone and a pixel')).toBe(
      'entities',
    );
  });

  it('refuses different units or dates', () => {
    expect(refusal('Weather in Oslo today', 'Weather in Oslo tomorrow')).toBe('units_dates');
    expect(refusal('Convert 5 kg to grams', 'Convert 5 lb to grams')).toBe('units_dates');
    expect(refusal('Meetings on Monday', 'Meetings on Friday')).toBe('units_dates');
  });
});

describe('prompt vectors', () => {
  it('rate paraphrases close and unrelated prompts far apart', () => {
    expect(
      similarity('What is the capital of France?', 'what is the capital of france'),
    ).toBeCloseTo(1, 5);
    expect(
      similarity('What is the capital of France?', 'What is the capital city of France?'),
    ).toBeGreaterThan(0.85);
    expect(
      similarity('What is the capital of France?', 'Write a haiku about autumn leaves'),
    ).toBeLessThan(0.2);
    expect(similarity('', 'x')).toBe(0);
  });

  it('normalise dense embeddings for cosine', () => {
    expect(cosine(denseVector([3, 4]), denseVector([6, 8]))).toBeCloseTo(1, 6);
    expect(cosine(denseVector([1, 0]), denseVector([0, 1]))).toBe(0);
  });
});
