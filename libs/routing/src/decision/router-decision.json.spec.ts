import type { CandidateState, RouterDecision, RouterDecisionAttempt } from './router-decision';
import type { TextPiece, TextSink } from '@routeiq/observability';
import { routerDecisionJson } from './router-decision.json';
import { routerDecisionText } from './router-decision.text';
import { seededRandom } from '../ml/models/shared/seeded-random';

function record(overrides: Partial<RouterDecision> = {}): RouterDecision {
  return {
    event: 'routeiq.router_decision.v1',
    request_id: '0180ddfa-7a49-46d8-acf8-0af78ff35237',
    timestamp: '2026-11-30T03:21:23.021Z',
    model_group: 'bench',
    strategy: 'simple-shuffle',
    strategy_version: '1',
    experiment: undefined,
    strategy_error: undefined,
    candidates: [{ deployment: '3fc5e34da73c9f07', state: 'eligible' }],
    selected: '3fc5e34da73c9f07',
    reason: 'only candidate',
    timings: { decision_us: 196, total_ms: 14 },
    outcome: 'success',
    fallback: undefined,
    attempts: [
      { model_group: 'bench', deployment: '3fc5e34da73c9f07', outcome: 'success', duration_ms: 13 },
    ],
    ...overrides,
  };
}

const AWKWARD = [
  'plain',
  'quote " inside',
  'back\\slash',
  'line\nbreak\ttab',
  'control \u0001 char',
  'accentué',
  'emoji 🚀',
  'lone \ud800 surrogate',
  '',
  '</script>',
];
const STATES: CandidateState[] = [
  'eligible',
  'cooldown',
  'breaker_open',
  'over_limit',
  'incapable',
];

function randomRecord(next: () => number): RouterDecision {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const deployments = ['d-1', 'd-2', 'd-3', pick(AWKWARD)];
  const group = pick(['alpha', 'beta', pick(AWKWARD)]);
  const candidates = deployments
    .slice(0, 1 + Math.floor(next() * 4))
    .map((deployment) => ({ deployment, state: pick(STATES) }));
  const attempts: RouterDecisionAttempt[] = [];
  for (let i = Math.floor(next() * 3); i > 0; i--) {
    const failed = next() < 0.5;
    attempts.push({
      model_group: pick([group, 'fallback-group']),
      deployment: pick(deployments),
      outcome: failed ? 'error' : 'success',
      ...(failed && { error_code: pick(['upstream_error', pick(AWKWARD)]) }),
      ...(failed && next() < 0.5 && { error_kind: pick(['rate_limit', 'server']) }),
      ...(failed && next() < 0.5 && { status: pick([429, 500, 503]) }),
      duration_ms: Math.floor(next() * 5000),
    });
  }
  return record({
    request_id: next() < 0.8 ? `req-${Math.floor(next() * 1e9)}` : pick(AWKWARD),
    model_group: group,
    strategy: pick(['simple-shuffle', 'least-busy', 'ml-knn']),
    strategy_version: pick(['1', '2', 'v3 "beta"']),
    experiment:
      next() < 0.3 ? { id: pick(['exp-1', 'exp-2']), variant: pick(['a', 'b']) } : undefined,
    strategy_error: next() < 0.2 ? pick(AWKWARD) : undefined,
    candidates,
    selected: next() < 0.8 ? pick(deployments) : null,
    reason: pick(['only candidate', 'weighted pick', pick(AWKWARD)]),
    timings: { decision_us: Math.floor(next() * 1000), total_ms: next() * 100 },
    outcome: pick(['success', 'error', 'dry_run'] as const),
    fallback:
      next() < 0.2 ? { from: group, to: 'fallback-group', reason: pick(AWKWARD) } : undefined,
    attempts,
  });
}

/** The UTF-8 bytes an encoder writes: recurring pieces as their kept bytes, the rest encoded. */
function utf8Of(decision: RouterDecision): Buffer {
  const parts: Buffer[] = [];
  const sink: TextSink = {
    piece: (piece: TextPiece) => parts.push(Buffer.from(piece.utf8)),
    text: (text: string) => parts.push(Buffer.from(text, 'utf8')),
    escaped: (text: string) => parts.push(Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8')),
    bytes: (utf8: Uint8Array) => parts.push(Buffer.from(utf8)),
  };
  routerDecisionText(decision).writeTo(sink);
  return Buffer.concat(parts);
}

describe('routerDecisionJson', () => {
  it('writes a record exactly as JSON.stringify does', () => {
    const decision = record();
    expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    expect(JSON.parse(routerDecisionJson(decision))).toEqual(JSON.parse(JSON.stringify(decision)));
  });

  it('writes the optional fields, escapes and non-finite numbers as JSON.stringify does', () => {
    const decision = record({
      request_id: 'client "id"\n',
      experiment: { id: 'exp-1', variant: 'b' },
      strategy_error: 'strategy "ml" failed: timeout',
      selected: null,
      reason: 'no eligible deployment\\',
      timings: { decision_us: Number.NaN, total_ms: Number.POSITIVE_INFINITY },
      outcome: 'error',
      fallback: { from: 'bench', to: 'backup', reason: 'context_window' },
      attempts: [
        {
          model_group: 'bench',
          deployment: 'd-1',
          outcome: 'error',
          error_code: 'upstream_rate_limited',
          error_kind: 'rate_limit',
          status: 429,
          duration_ms: 3,
        },
        { model_group: 'backup', deployment: 'd-2', outcome: 'success', duration_ms: 0 },
      ],
    });
    expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    expect(routerDecisionJson(record({ attempts: [] }))).toBe(
      JSON.stringify(record({ attempts: [] })),
    );
  });

  it('follows what changes in a group from one record to the next', () => {
    const first = record({ model_group: 'changing' });
    expect(routerDecisionJson(first)).toBe(JSON.stringify(first));
    const changes: Array<Partial<RouterDecision>> = [
      { candidates: [{ deployment: '3fc5e34da73c9f07', state: 'cooldown' }] },
      { candidates: [{ deployment: 'other', state: 'eligible' }] },
      { candidates: [] },
      { strategy: 'least-busy' },
      { strategy_version: '2' },
      { experiment: { id: 'exp-1', variant: 'a' } },
      { experiment: { id: 'exp-1', variant: 'b' } },
      { strategy_error: 'failed' },
      {},
    ];
    for (const change of changes) {
      const decision = record({ model_group: 'changing', ...change });
      expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    }
  });

  it('is not fooled by a record whose candidates change after it was written', () => {
    const candidates = [{ deployment: 'mutable', state: 'eligible' as CandidateState }];
    const decision = record({ model_group: 'mutated', candidates });
    expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    (candidates[0] as { state: CandidateState }).state = 'breaker_open';
    expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    expect(routerDecisionJson(decision)).toContain('"state":"breaker_open"');
  });

  it('matches JSON.stringify over many records of mixed groups, shapes and strings', () => {
    const next = seededRandom(20261130); // the same records on every run
    for (let i = 0; i < 2000; i++) {
      const decision = randomRecord(next);
      expect(routerDecisionJson(decision)).toBe(JSON.stringify(decision));
    }
  });

  it('writes each record of a kept shape with its own values, telling shapes apart', () => {
    const failed: RouterDecisionAttempt = {
      model_group: 'shaped',
      deployment: 'd-1',
      outcome: 'error',
      error_code: 'upstream_error',
      error_kind: 'server',
      status: 503,
      duration_ms: 40,
    };
    const ok: RouterDecisionAttempt = {
      model_group: 'shaped',
      deployment: 'd-2',
      outcome: 'success',
      duration_ms: 7,
    };
    const variants: Array<Partial<RouterDecision>> = [
      {},
      { request_id: 'req-2', timestamp: '2026-12-01T00:00:00.000Z' },
      { timings: { decision_us: 12.5, total_ms: 3 } },
      { reason: 'weighted pick' },
      { selected: 'd-2' },
      { selected: null },
      { outcome: 'error' },
      { attempts: [] },
      { attempts: [failed, ok] },
      { attempts: [{ ...failed, status: undefined }, ok] },
      { attempts: [{ ...failed, error_kind: undefined }, ok] },
      { attempts: [{ ...failed, error_code: 'other_error' }, ok] },
      {
        attempts: [
          { ...failed, status: 429, duration_ms: 1 },
          { ...ok, duration_ms: 2 },
        ],
      },
      { attempts: [ok, failed] },
      { attempts: [{ ...ok, deployment: 'd-3' }] },
      { attempts: [{ ...ok, model_group: 'other-group' }] },
      { attempts: [{ ...ok, outcome: 'error' }] },
      { strategy: 'least-busy' },
      { candidates: [{ deployment: 'd-1', state: 'cooldown' }] },
      { request_id: 'needs "escaping"' },
      { fallback: { from: 'shaped', to: 'backup', reason: 'rate_limit' } },
    ];
    // Twice over: the second time, every shape is a kept one.
    for (const variant of [...variants, ...variants]) {
      const decision = record({ model_group: 'shaped', attempts: [ok], ...variant });
      expect(routerDecisionText(decision).toString()).toBe(JSON.stringify(decision));
      expect(utf8Of(decision).equals(Buffer.from(JSON.stringify(decision), 'utf8'))).toBe(true);
    }
  });

  it("writes the UTF-8 bytes of JSON.stringify's text, from kept pieces and records", () => {
    const next = seededRandom(20261201);
    // Groups and shapes recur over the records: most are written from a kept shape.
    for (let i = 0; i < 3000; i++) {
      const decision = randomRecord(next);
      expect(utf8Of(decision).equals(Buffer.from(JSON.stringify(decision), 'utf8'))).toBe(true);
      expect(routerDecisionText(decision).toString()).toBe(JSON.stringify(decision));
    }
    const writes = (decision: RouterDecision): string[] => {
      const calls: string[] = [];
      routerDecisionText(decision).writeTo({
        piece: () => calls.push('piece'),
        text: () => calls.push('text'),
        escaped: () => calls.push('escaped'),
        bytes: () => calls.push('bytes'),
      });
      return calls;
    };
    const kept = (overrides: Partial<RouterDecision> = {}): RouterDecision =>
      record({ model_group: 'kept-records', ...overrides });
    // A shape's first record: its pieces and values; the next ones: the last record with their
    // values written over it, one copy, whatever their lengths.
    expect(writes(kept())).toEqual(expect.arrayContaining(['piece', 'escaped', 'text']));
    expect(writes(kept({ request_id: 'another-id-of-another-length' }))).toEqual(['bytes']);
    expect(writes(kept({ timings: { decision_us: 123_456, total_ms: 7 } }))).toEqual(['bytes']);
    // An id that needs escaping is written piece by piece, escaped; no record is kept for it.
    expect(writes(kept({ request_id: 'needs "escaping"' }))).toContain('escaped');
    expect(writes(kept())).toContain('escaped');
    expect(writes(kept({ request_id: 'plain-again' }))).toEqual(['bytes']);
  });
});
