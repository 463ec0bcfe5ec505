import { CommonException } from '@routeiq/common';
import { RoutingException } from '../routing.exception';
import {
  isStrategyWeight,
  MAX_STRATEGY_WEIGHT,
  weightsProblem,
  type StrategyWeights,
} from './strategy-weights';

/** `POST /strategy/weights`. */
export interface WeightsCommand {
  readonly weights: StrategyWeights;
}

/** `POST /strategy/stage`. */
export interface StageCommand {
  readonly strategy: string;
  readonly weight?: number;
}

/** `POST /strategy/promote` (the body is optional). */
export interface PromoteCommand {
  readonly strategy?: string;
  readonly weights?: StrategyWeights;
}

type JsonObject = Record<string, unknown>;

// Strategy names are registry keys: short, printable, no spaces.
const NAME = /^[A-Za-z0-9._:-]{1,64}$/;

export function parseWeightsBody(body: unknown): WeightsCommand {
  const fields = objectWith(body, ['weights']);
  return { weights: weightsField(fields, true)! };
}

export function parseStageBody(body: unknown): StageCommand {
  const fields = objectWith(body, ['strategy', 'weight']);
  const strategy = nameField(fields, true)!;
  const { weight } = fields;
  if (weight === undefined) return { strategy };
  if (!isStrategyWeight(weight)) {
    throw RoutingException.invalidStrategyWeights(
      `"weight" must be a number from 0 to ${MAX_STRATEGY_WEIGHT}`,
      'weight',
    );
  }
  return { strategy, weight };
}

export function parsePromoteBody(body: unknown): PromoteCommand {
  if (body === undefined) return {};
  const fields = objectWith(body, ['strategy', 'weights']);
  const strategy = nameField(fields, false);
  const weights = weightsField(fields, false);
  return { ...(strategy !== undefined && { strategy }), ...(weights && { weights }) };
}

function objectWith(body: unknown, allowed: readonly string[]): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw CommonException.invalidRequest('The request body must be a JSON object');
  }
  // A misspelt field would otherwise be dropped silently and the change applied without it.
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  if (extra !== undefined) {
    const expected = allowed.map((key) => `"${key}"`).join(', ');
    throw CommonException.invalidRequest(
      `Unknown field ${JSON.stringify(extra.slice(0, 64))} (expected ${expected})`,
      extra.slice(0, 64),
    );
  }
  return body as JsonObject;
}

function nameField(fields: JsonObject, required: boolean): string | undefined {
  const value = fields.strategy;
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw CommonException.invalidRequest(
      '"strategy" must be a strategy name (1 to 64 letters, digits or . _ : -)',
      'strategy',
    );
  }
  return value;
}

function weightsField(fields: JsonObject, required: boolean): StrategyWeights | undefined {
  const value = fields.weights;
  if (value === undefined && !required) return undefined;
  const problem = weightsProblem(value);
  if (problem !== undefined) throw RoutingException.invalidStrategyWeights(`"weights" ${problem}`);
  return value as StrategyWeights;
}
