import { MASKED_VALUE, maskValues, unmasked } from './masked-values';

describe('masked values', () => {
  it('masks every value and keeps the names', () => {
    expect(maskValues({ 'X-Token': 'secret', Mode: 'a' })).toEqual({
      'X-Token': MASKED_VALUE,
      Mode: MASKED_VALUE,
    });
  });

  it('puts stored values back where a masked one was sent, headers case-insensitively', () => {
    const stored = { 'X-Token': 'secret', Other: 'kept' };
    expect(unmasked({ 'x-token': MASKED_VALUE, New: 'v' }, stored)).toEqual({
      'x-token': 'secret',
      New: 'v',
    });
    expect(unmasked({ Unknown: MASKED_VALUE }, stored)).toEqual({ Unknown: MASKED_VALUE });
  });

  it('matches environment variable names exactly when asked', () => {
    expect(unmasked({ token: MASKED_VALUE, TOKEN: MASKED_VALUE }, { TOKEN: 's' }, false)).toEqual({
      token: MASKED_VALUE,
      TOKEN: 's',
    });
  });
});
