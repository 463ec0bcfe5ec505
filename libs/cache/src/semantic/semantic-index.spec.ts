import { termVector } from './prompt-vector';
import { promptFacts } from './semantic-guard';
import { SemanticIndex, type IndexedPrompt } from './semantic-index';

const prompt = (hash: string, text: string, space = 's', expiresAt = 10_000): IndexedPrompt => ({
  address: { hash, scope: 'key:k', scopeToken: `t-${space}`, model: 'm', modelToken: 'mt' },
  space,
  vector: termVector(text),
  facts: promptFacts(text),
  expiresAt,
});
const search = (index: SemanticIndex, text: string, space = 's', threshold = 0.85) =>
  index.search(space, termVector(text), promptFacts(text), threshold);

describe(SemanticIndex.name, () => {
  let now = 0;
  let index: SemanticIndex;

  beforeEach(() => {
    now = 0;
    index = new SemanticIndex(3, () => now);
    index.add(prompt('a', 'What is the capital of France?'));
    index.add(prompt('b', 'Write a haiku about autumn leaves', 's', 20_000));
  });

  it('finds the nearest prompt of the same space at or above the threshold', () => {
    expect(search(index, 'What is the capital city of France?')).toMatchObject({
      kind: 'hit',
      prompt: { address: { hash: 'a' } },
    });
    expect(search(index, 'What is the capital city of France?', 'other')).toEqual({ kind: 'none' });
    expect(search(index, 'What is the capital city of France?', 's', 0.99)).toEqual({
      kind: 'none',
    });
  });

  it('reports the guard reason when the only similar prompt is refused', () => {
    expect(search(index, 'What is the capital of Spain?', 's', 0.7)).toEqual({
      kind: 'refused',
      reason: 'entities',
    });
  });

  it('forgets expired prompts, flushed prompts and the oldest beyond its capacity', () => {
    now = 10_000;
    expect(search(index, 'What is the capital of France?')).toEqual({ kind: 'none' });
    expect(index.size).toBe(1);
    now = 0;
    index.add(prompt('a', 'What is the capital of France?'));
    index.add(prompt('c', 'Name three primary colours', 'other'));
    index.add(prompt('d', 'Name four primary colours', 'other'));
    expect(index.has('b')).toBe(false);
    expect(index.size).toBe(3);
    index.deleteMatching({ scopeToken: 't-other' });
    expect([index.has('a'), index.has('c'), index.has('d')]).toEqual([true, false, false]);
  });
});
