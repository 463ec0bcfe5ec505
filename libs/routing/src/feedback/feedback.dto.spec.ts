import { GatewayException } from '@routeiq/common';
import { MAX_FEEDBACK_COMMENT_CHARS, parseFeedbackBody } from './feedback.dto';
import { FeedbackErrorCode } from './feedback.exception';

function refusal(body: unknown): { status: number; code: string; param: string | null } {
  try {
    parseFeedbackBody(body);
  } catch (error) {
    if (!(error instanceof GatewayException)) throw error;
    return { status: error.status, code: error.code, param: error.param };
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

const invalid = (param: string | null) => ({
  status: 400,
  code: FeedbackErrorCode.InvalidFeedback,
  param,
});

describe(parseFeedbackBody.name, () => {
  it('accepts a score from 0 to 1, or a boolean', () => {
    expect(parseFeedbackBody({ request_id: 'r1', score: 0.75, comment: 'ok' })).toEqual({
      requestId: 'r1',
      score: 0.75,
      comment: 'ok',
    });
    expect(parseFeedbackBody({ request_id: 'r1', score: true }).score).toBe(1);
    expect(parseFeedbackBody({ request_id: 'r1', score: false }).score).toBe(0);
    expect(parseFeedbackBody({ request_id: 'r1', score: 0, comment: null }).comment).toBeNull();
    expect(parseFeedbackBody({ request_id: 'r1', score: 1 }).score).toBe(1);
  });

  it.each([[-0.01], [1.5], ['0.5'], [null], [undefined], [Number.NaN], [{ value: 1 }], [[1]]])(
    'refuses the score %p naming "score"',
    (score) => {
      expect(refusal({ request_id: 'r1', score })).toEqual(invalid('score'));
    },
  );

  it('refuses a missing or malformed request id', () => {
    expect(refusal({ score: 1 })).toEqual(invalid('request_id'));
    expect(refusal({ request_id: '', score: 1 })).toEqual(invalid('request_id'));
    expect(refusal({ request_id: 42, score: 1 })).toEqual(invalid('request_id'));
    expect(refusal({ request_id: 'r'.repeat(129), score: 1 })).toEqual(invalid('request_id'));
  });

  it('refuses a comment that is not a string or too long', () => {
    expect(refusal({ request_id: 'r1', score: 1, comment: 5 })).toEqual(invalid('comment'));
    const long = 'x'.repeat(MAX_FEEDBACK_COMMENT_CHARS + 1);
    expect(refusal({ request_id: 'r1', score: 1, comment: long })).toEqual(invalid('comment'));
  });

  it('refuses unknown fields and bodies that are not objects', () => {
    expect(refusal({ request_id: 'r1', rating: 1 })).toEqual(invalid('rating'));
    expect(refusal([{ request_id: 'r1', score: 1 }])).toEqual(invalid(null));
    expect(refusal('r1')).toEqual(invalid(null));
  });
});
