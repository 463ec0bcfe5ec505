import { CONTENT_RULES, type ContentCategory, type ContentRule } from './content-filter.patterns';

/**
 * Keyword and phrase scoring per category. A category's score combines the weights of its rules
 * that fired as independent signs (1 - Π(1 - w)); a category is flagged at the threshold.
 */
export class ContentFilterDetector {
  private readonly rules: readonly ContentRule[];
  private readonly weights: ReadonlyMap<string, ContentRule>;

  constructor(categories: readonly ContentCategory[]) {
    const enabled = new Set(categories);
    this.rules = CONTENT_RULES.filter((rule) => enabled.has(rule.category));
    this.weights = new Map(this.rules.map((rule) => [rule.id, rule]));
  }

  /** The ids of the rules that fire on `text`. */
  matches(text: string): string[] {
    return this.rules.filter((rule) => rule.pattern.test(text)).map((rule) => rule.id);
  }

  /** Each category's score over rules that fired (possibly across several texts). */
  scores(ruleIds: Iterable<string>): Map<ContentCategory, number> {
    const clean = new Map<ContentCategory, number>();
    for (const id of new Set(ruleIds)) {
      const rule = this.weights.get(id);
      if (rule === undefined) continue;
      clean.set(rule.category, (clean.get(rule.category) ?? 1) * (1 - rule.weight));
    }
    return new Map([...clean].map(([category, rest]) => [category, 1 - rest]));
  }

  /** The categories whose score reaches `threshold`, sorted. */
  flagged(ruleIds: Iterable<string>, threshold: number): ContentCategory[] {
    return [...this.scores(ruleIds)]
      .filter(([, score]) => score >= threshold)
      .map(([category]) => category)
      .sort();
  }
}
