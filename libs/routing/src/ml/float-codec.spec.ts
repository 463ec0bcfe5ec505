import { decodeFloat32, encodeFloat32 } from './float-codec';

describe('float codec', () => {
  it('round-trips float32 values exactly through base64', () => {
    const values = Float32Array.from([0, -1.5, 3.25e-8, 1e30, -0]);
    const decoded = decodeFloat32(encodeFloat32(values), 5);
    expect(Array.from(decoded)).toEqual(Array.from(values));
  });

  it('refuses text that is not whole float32 values, the wrong length, or non-finite values', () => {
    expect(() => decodeFloat32('not base64!')).toThrow(RangeError);
    expect(() => decodeFloat32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/multiple of 4/);
    expect(() => decodeFloat32(encodeFloat32(new Float32Array(3)), 4)).toThrow(/expected 4/);
    expect(() => decodeFloat32(encodeFloat32(Float32Array.from([NaN])))).toThrow(/not finite/);
  });
});
