import { encodeFloat32 } from '../../float-codec';
import { checkCandidates, checkPredictArgs, ModelSpecReader } from './model-spec.reader';

describe(ModelSpecReader.name, () => {
  const spec = {
    kind: 'svm',
    version: 1,
    size: 3,
    rate: 0.5,
    mode: 'x',
    w: encodeFloat32(new Float32Array(5)),
  };

  it('reads checked fields', () => {
    const reader = new ModelSpecReader(spec, 'svm', 1);
    expect(reader.integer('size', 0, 10)).toBe(3);
    expect(reader.number('rate', 0, 1)).toBe(0.5);
    expect(reader.oneOf('mode', ['x', 'y'])).toBe('x');
    expect(reader.floats('w', 5)).toEqual(new Float32Array(5));
  });

  it('refuses fields inherited from the prototype and wrong kinds of values', () => {
    const reader = new ModelSpecReader(spec, 'svm', 1);
    expect(() => reader.integer('toString', 0, 10)).toThrow(RangeError);
    expect(() => reader.number('mode', 0, 1)).toThrow(RangeError);
    expect(() => reader.oneOf('mode', ['y'])).toThrow(/one of y/);
    expect(() => reader.floats('w', 4)).toThrow(/hold 4 floats/);
    expect(() => new ModelSpecReader({ ...spec, kind: 'mlp' }, 'svm', 1)).toThrow(/kind svm/);
  });
});

describe('checkCandidates / checkPredictArgs', () => {
  it('accepts unique names and refuses anything else', () => {
    expect(checkCandidates(['a', 'b'])).toEqual(['a', 'b']);
    expect(() => checkCandidates('a')).toThrow(RangeError);
    expect(() => checkCandidates([1])).toThrow(RangeError);
    expect(() => checkCandidates(new Array(300).fill(0).map((_, i) => `m${i}`))).toThrow(
      RangeError,
    );
  });

  it('allocates or checks the output buffer', () => {
    expect(checkPredictArgs('svm', 2, 2, undefined, 3)).toHaveLength(3);
    expect(() => checkPredictArgs('svm', 2, 2, new Float64Array(1), 3)).toThrow(/3 slots/);
    expect(() => checkPredictArgs('svm', 1, 2, undefined, 3)).toThrow(/2 dense features/);
  });
});
