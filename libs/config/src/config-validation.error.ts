import type { ConfigProblem } from './gateway-config.types';

/**
 * Thrown at start-up (or by the loader) when configuration is invalid. Lists every problem, each
 * addressed by its path in the document or by the environment variable / flag that carried it.
 */
export class ConfigValidationError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], source: string) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super([`Invalid configuration in ${source}:`, ...lines].join('\n'));
    this.name = 'ConfigValidationError';
    this.problems = Object.freeze([...problems]);
  }
}
