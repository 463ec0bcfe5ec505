import { type OptionRules, resolveOptions } from './trainer-options';

interface Options {
  readonly size: number;
  readonly rate: number;
  readonly mode: 'a' | 'b';
}

const DEFAULTS: Options = { size: 4, rate: 0.5, mode: 'a' };
const RULES: OptionRules<Options> = {
  size: { min: 1, max: 10, integer: true },
  rate: { min: 0, max: 1 },
  mode: ['a', 'b'],
};

describe('resolveOptions', () => {
  it('merges given options over the defaults, ignoring undefined ones', () => {
    expect(resolveOptions(DEFAULTS, RULES, { size: 7, rate: undefined })).toEqual({
      size: 7,
      rate: 0.5,
      mode: 'a',
    });
    expect(resolveOptions(DEFAULTS, RULES, undefined)).toEqual(DEFAULTS);
  });

  it.each([
    [{ size: 0 }, /size.*\[1, 10\]/],
    [{ size: 2.5 }, /size.*integer/],
    [{ size: '3' }, /size.*finite number/],
    [{ rate: NaN }, /rate.*finite number/],
    [{ rate: Infinity }, /rate.*finite number/],
    [{ mode: 'c' }, /mode.*one of a, b/],
    [{ mode: 1 }, /mode.*one of/],
    [{ extra: 1 }, /unknown option "extra"/],
  ])('refuses %j', (given, message) => {
    expect(() => resolveOptions(DEFAULTS, RULES, given as Partial<Options>)).toThrow(RangeError);
    expect(() => resolveOptions(DEFAULTS, RULES, given as Partial<Options>)).toThrow(message);
  });
});
