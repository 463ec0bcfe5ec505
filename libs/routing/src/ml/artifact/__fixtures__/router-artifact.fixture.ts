import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedTfidfFeaturizer } from '../../featurizer/hashed-tfidf.featurizer';
import type { RouterArtifact, ScoreMatrix } from '../../ml.types';
import { KnnTrainer } from '../../models/knn/knn.trainer';
import type { ArtifactTrust } from '../artifact-trust';

export const CANDIDATES = ['small-model', 'large-model'] as const;

const QUERIES = [
  'what is two plus two',
  'add three and five',
  'prove the riemann hypothesis rigorously',
  'derive the schrodinger equation from first principles',
];

/** A small but real kNN router: math trivia → small model, hard proofs → large model. */
export function sampleArtifact(overrides: Partial<RouterArtifact> = {}): RouterArtifact {
  const featurizer = HashedTfidfFeaturizer.fit(QUERIES, { sparseBits: 10, wordNgrams: 1 });
  const matrix: ScoreMatrix = {
    queries: QUERIES,
    candidates: CANDIDATES,
    scores: Float64Array.from([1, 1, 1, 1, 0, 1, 0, 1]),
  };
  const model = new KnnTrainer().train(
    QUERIES.map((query) => featurizer.featurize(query)),
    matrix,
    { k: 1 },
  );
  return {
    format: 'routeiq.router.v1',
    created_at: '2025-01-01T00:00:00.000Z',
    candidates: [...CANDIDATES],
    featurizer: featurizer.toJSON(),
    model: model.toJSON(),
    candidate_costs: { 'small-model': 0.1, 'large-model': 2 },
    ...overrides,
  };
}

/** A fresh Ed25519 pair, made in the test (never a checked-in key). */
export function ed25519Pair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

export const HMAC_SECRET = Buffer.from('0123456789abcdef0123456789abcdef-test-only');

export function trustOf(overrides: Partial<ArtifactTrust> = {}): ArtifactTrust {
  return { enforceSigned: true, ...overrides };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'routeiq-artifact-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
