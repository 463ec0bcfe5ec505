import { FeedbackException } from './feedback.exception';

/** `POST /v1/feedback`, validated. */
export interface FeedbackCommand {
  readonly requestId: string;
  /** 0 (bad) to 1 (good); `true` is 1 and `false` is 0. */
  readonly score: number;
  readonly comment: string | null;
}

/** The stored rating, as the API returns it. */
export interface FeedbackView {
  readonly object: 'feedback';
  readonly request_id: string;
  readonly score: number;
  readonly comment: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export const MAX_FEEDBACK_COMMENT_CHARS = 2000;
const MAX_REQUEST_ID_CHARS = 128;
const FIELDS: readonly string[] = ['request_id', 'score', 'comment'];

/** @throws FeedbackException (400, naming the field) for anything but a valid rating. */
export function parseFeedbackBody(body: unknown): FeedbackCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw FeedbackException.invalid('The request body must be a JSON object', null);
  }
  const fields = body as Record<string, unknown>;
  // A misspelt field (e.g. "rating") would otherwise be dropped silently.
  const extra = Object.keys(fields).find((key) => !FIELDS.includes(key));
  if (extra !== undefined) {
    const name = extra.slice(0, 64);
    throw FeedbackException.invalid(
      `Unknown field ${JSON.stringify(name)} (expected "request_id", "score", "comment")`,
      name,
    );
  }
  return {
    requestId: requestIdOf(fields.request_id),
    score: scoreOf(fields.score),
    comment: commentOf(fields.comment),
  };
}

function requestIdOf(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_REQUEST_ID_CHARS) {
    throw FeedbackException.invalid(
      `"request_id" must be the request's id (its x-request-id header), 1 to ${MAX_REQUEST_ID_CHARS} characters`,
      'request_id',
    );
  }
  return value;
}

function scoreOf(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw FeedbackException.invalid(
      '"score" must be a number from 0 (bad) to 1 (good), or true (1) or false (0)',
      'score',
    );
  }
  return value;
}

function commentOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_FEEDBACK_COMMENT_CHARS) {
    throw FeedbackException.invalid(
      `"comment" must be a string of at most ${MAX_FEEDBACK_COMMENT_CHARS} characters`,
      'comment',
    );
  }
  return value;
}
