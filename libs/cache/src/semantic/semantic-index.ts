import type { CacheAddress } from '../cache-key';
import type { EntryFilter } from '../memory-cache.store';
import { cosine, type PromptVector } from './prompt-vector';
import { guardRefusal, type GuardReason, type PromptFacts } from './semantic-guard';

/** A stored answer's prompt as the semantic index knows it (no prompt text). */
export interface IndexedPrompt {
  readonly address: CacheAddress;
  /**
   * Token (32 hex) of everything but the last user message, and of the embedding space: only
   * prompts of one space are compared.
   */
  readonly space: string;
  readonly vector: PromptVector;
  readonly facts: PromptFacts;
  readonly expiresAt: number;
}

/** Default prompts kept per space: a space's search is linear, so its cost stays bounded. */
export const MAX_PROMPTS_PER_SPACE = 128;
/** Candidates above the threshold the guard looks at, most similar first. */
const MAX_CANDIDATES = 4;

/** The outcome of a semantic search. */
export type SemanticMatch =
  | { readonly kind: 'hit'; readonly prompt: IndexedPrompt; readonly similarity: number }
  | { readonly kind: 'refused'; readonly reason: GuardReason }
  | { readonly kind: 'none' };

/**
 * Per-space nearest-neighbour search over the prompts of stored answers: linear cosine over a
 * space's entries (a space is one tenant, model and conversation prefix; at most `perSpace` of
 * them), bounded overall with the least recently added dropped first; the guard judges only the
 * few most similar. In-process (SemanticIndexSync shares it through Redis).
 */
export class SemanticIndex {
  private readonly prompts = new Map<string, IndexedPrompt>();
  private readonly bySpace = new Map<string, Set<string>>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
    private readonly perSpace: number = MAX_PROMPTS_PER_SPACE,
  ) {}

  get size(): number {
    return this.prompts.size;
  }

  has(hash: string): boolean {
    return this.prompts.has(hash);
  }

  add(prompt: IndexedPrompt): void {
    const { hash } = prompt.address;
    this.remove(hash);
    while (this.prompts.size >= this.capacity) {
      const oldest = this.prompts.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    let members = this.bySpace.get(prompt.space);
    if (!members) {
      members = new Set();
      this.bySpace.set(prompt.space, members);
    }
    // Set order is insertion order: the space's oldest prompt goes first.
    const oldest = members.size >= this.perSpace ? members.values().next() : undefined;
    if (oldest && !oldest.done) this.remove(oldest.value);
    this.prompts.set(hash, prompt);
    members.add(hash);
  }

  /**
   * The most similar live prompt of `space` at or above `threshold` that the false-hit guard
   * accepts; when every candidate is refused, the most similar one's reason.
   */
  search(
    space: string,
    vector: PromptVector,
    facts: PromptFacts,
    threshold: number,
  ): SemanticMatch {
    const now = this.now();
    // The few most similar, kept sorted (most similar first) as the scan goes.
    const best: { prompt: IndexedPrompt; similarity: number }[] = [];
    for (const hash of [...(this.bySpace.get(space) ?? [])]) {
      const prompt = this.prompts.get(hash);
      if (!prompt) continue;
      if (prompt.expiresAt <= now) {
        this.remove(hash);
        continue;
      }
      const similarity = cosine(vector, prompt.vector);
      if (similarity < threshold) continue;
      if (best.length === MAX_CANDIDATES && similarity <= best[MAX_CANDIDATES - 1]!.similarity) {
        continue;
      }
      const at = best.findIndex((candidate) => candidate.similarity < similarity);
      best.splice(at < 0 ? best.length : at, 0, { prompt, similarity });
      if (best.length > MAX_CANDIDATES) best.pop();
    }
    let refusal: GuardReason | undefined;
    for (const candidate of best) {
      const reason = guardRefusal(facts, candidate.prompt.facts);
      if (reason === undefined) return { kind: 'hit', ...candidate };
      refusal ??= reason;
    }
    return refusal === undefined ? { kind: 'none' } : { kind: 'refused', reason: refusal };
  }

  deleteMatching(filter: EntryFilter): void {
    for (const [hash, prompt] of this.prompts) {
      const { scopeToken, modelToken } = prompt.address;
      if (filter.scopeToken !== undefined && filter.scopeToken !== scopeToken) continue;
      if (filter.modelToken !== undefined && filter.modelToken !== modelToken) continue;
      this.remove(hash);
    }
  }

  remove(hash: string): void {
    const prompt = this.prompts.get(hash);
    if (!prompt) return;
    this.prompts.delete(hash);
    const members = this.bySpace.get(prompt.space);
    members?.delete(hash);
    if (members?.size === 0) this.bySpace.delete(prompt.space);
  }
}
