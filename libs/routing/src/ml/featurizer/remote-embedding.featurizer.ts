import type { Featurizer, FeaturizerSpec, PromptFeatures, SparseVector } from '../ml.types';

export const REMOTE_EMBEDDING_KIND = 'remote-embedding';
export const REMOTE_EMBEDDING_VERSION = 1;
/** Longest embedding accepted (the models' dense-size limit). */
export const MAX_EMBEDDING_DIMENSIONS = 4096;
const MAX_MODEL_NAME = 256;

const NO_TERMS: SparseVector = Object.freeze({
  indices: new Uint32Array(0),
  values: new Float32Array(0),
});

/** What a remote-embedding featurizer is: which embedding model, and its vectors' length. */
export interface RemoteEmbeddingOptions {
  /**
   * The embedding model group (a `model_name` of the gateway config) whose deployments embed
   * prompts; at training time, the model asked of the embeddings endpoint.
   */
  readonly model: string;
  readonly dimensions: number;
  /** Scale each embedding to unit length (cosine geometry for every model kind). */
  readonly normalize: boolean;
}

/**
 * The opt-in remote featurizer: a prompt's features are its embedding by one of the gateway's own
 * embedding deployments (`model`), as the dense part; the sparse part is empty. It cannot
 * featurize text by itself: the caller embeds the prompt (asynchronously, before routing) and
 * hands the vector to `featurizeEmbedding`.
 */
export class RemoteEmbeddingFeaturizer implements Featurizer {
  readonly kind = REMOTE_EMBEDDING_KIND;
  readonly sparseSize = 0;
  readonly denseSize: number;

  private constructor(readonly options: RemoteEmbeddingOptions) {
    this.denseSize = options.dimensions;
  }

  /** @throws RangeError on a bad option. */
  static create(
    options: Pick<RemoteEmbeddingOptions, 'model' | 'dimensions'> & Partial<RemoteEmbeddingOptions>,
  ): RemoteEmbeddingFeaturizer {
    return new RemoteEmbeddingFeaturizer(validate({ normalize: true, ...options }));
  }

  /**
   * Rebuilds a featurizer from `toJSON` output.
   * @throws RangeError on any malformed field (artifacts may be hostile).
   */
  static fromJSON(spec: FeaturizerSpec): RemoteEmbeddingFeaturizer {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new RangeError('featurizer spec is not an object');
    }
    if (spec.kind !== REMOTE_EMBEDDING_KIND) {
      throw new RangeError(`featurizer kind is not ${REMOTE_EMBEDDING_KIND}`);
    }
    if (spec.version !== REMOTE_EMBEDDING_VERSION) {
      throw new RangeError(`unsupported ${REMOTE_EMBEDDING_KIND} version ${String(spec.version)}`);
    }
    return new RemoteEmbeddingFeaturizer(
      validate({ model: spec.model, dimensions: spec.dimensions, normalize: spec.normalize }),
    );
  }

  get model(): string {
    return this.options.model;
  }

  /** Always throws: the features of a prompt come from its embedding (`featurizeEmbedding`). */
  featurize(_text: string): PromptFeatures {
    throw new Error(
      `the ${REMOTE_EMBEDDING_KIND} featurizer needs the prompt's embedding by "${this.model}", ` +
        'not its text',
    );
  }

  /**
   * The features of a prompt from its embedding: a copy, scaled to unit length when `normalize`
   * (a zero vector stays zero).
   * @throws RangeError when the embedding has another length or a non-finite value.
   */
  featurizeEmbedding(embedding: ArrayLike<number>): PromptFeatures {
    const size = this.denseSize;
    if (embedding.length !== size) {
      throw new RangeError(`embedding has ${embedding.length} dimensions, expected ${size}`);
    }
    const dense = new Float32Array(size);
    let norm = 0;
    for (let i = 0; i < size; i++) {
      const value = embedding[i]!;
      if (!Number.isFinite(value)) throw new RangeError(`embedding value ${i} is not finite`);
      dense[i] = value;
      norm += value * value;
    }
    if (this.options.normalize && norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < size; i++) dense[i]! *= scale;
    }
    return { sparse: NO_TERMS, dense };
  }

  /** Features from a vector `featurizeEmbedding` already made (a cached one): no copy. */
  featuresOf(dense: Float32Array): PromptFeatures {
    return { sparse: NO_TERMS, dense };
  }

  toJSON(): FeaturizerSpec {
    const { model, dimensions, normalize } = this.options;
    return {
      kind: REMOTE_EMBEDDING_KIND,
      version: REMOTE_EMBEDDING_VERSION,
      model,
      dimensions,
      normalize,
    };
  }
}

/** Whether `featurizer` embeds prompts remotely (and so needs them embedded before routing). */
export function isRemoteEmbedding(featurizer: Featurizer): featurizer is RemoteEmbeddingFeaturizer {
  return featurizer instanceof RemoteEmbeddingFeaturizer;
}

function validate(options: {
  readonly [K in keyof RemoteEmbeddingOptions]: unknown;
}): RemoteEmbeddingOptions {
  const { model, dimensions, normalize } = options;
  if (typeof model !== 'string' || model.trim() === '' || model.length > MAX_MODEL_NAME) {
    throw new RangeError(
      `model must be a model group name of 1 to ${MAX_MODEL_NAME} printable characters`,
    );
  }
  // A control character in the name could forge log lines or headers downstream.
  for (let i = 0; i < model.length; i++) {
    const code = model.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      throw new RangeError('model must not hold control characters');
    }
  }
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_EMBEDDING_DIMENSIONS
  ) {
    throw new RangeError(`dimensions must be an integer in [1, ${MAX_EMBEDDING_DIMENSIONS}]`);
  }
  if (typeof normalize !== 'boolean') throw new RangeError('normalize must be true or false');
  return { model, dimensions, normalize };
}
