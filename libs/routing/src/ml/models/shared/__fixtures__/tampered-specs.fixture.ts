import { type QualityModelSpec } from '../../../ml.types';

type Tampered = [label: string, spec: unknown];

function withField(spec: QualityModelSpec, name: string, value: unknown): unknown {
  const copy: Record<string, unknown> = { ...spec };
  if (value === undefined) delete copy[name];
  else copy[name] = value;
  return copy;
}

/** A base64 float array with its first value replaced by NaN. */
function poisoned(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length >= 4) bytes.writeFloatLE(NaN, 0);
  return bytes.toString('base64');
}

/**
 * Variants of a valid spec that a loader must refuse: wrong shape, kind or version, and for each
 * named field a missing, mistyped, out-of-range, wrongly sized or non-finite value.
 */
export function tamperedSpecs(
  spec: QualityModelSpec,
  integerFields: readonly string[],
  floatFields: readonly string[],
): Tampered[] {
  const cases: Tampered[] = [
    ['null spec', null],
    ['array spec', []],
    ['string spec', 'mlp'],
    ['other kind', withField(spec, 'kind', spec.kind === 'svm' ? 'mf' : 'svm')],
    ['other version', withField(spec, 'version', 99)],
    ['no version', withField(spec, 'version', undefined)],
  ];
  for (const name of integerFields) cases.push(...integerCases(spec, name));
  for (const name of floatFields) cases.push(...floatCases(spec, name));
  return cases;
}

function integerCases(spec: QualityModelSpec, name: string): Tampered[] {
  const value = spec[name] as number;
  return [
    [`${name} missing`, withField(spec, name, undefined)],
    [`${name} as string`, withField(spec, name, String(value))],
    [`${name} fractional`, withField(spec, name, value + 0.5)],
    [`${name} negative`, withField(spec, name, -1)],
    [`${name} huge`, withField(spec, name, 2 ** 40)],
  ];
}

function floatCases(spec: QualityModelSpec, name: string): Tampered[] {
  const value = spec[name] as string;
  const bytes = Buffer.from(value, 'base64');
  const longer = Buffer.concat([bytes, Buffer.alloc(4)]).toString('base64');
  const cases: Tampered[] = [
    [`${name} missing`, withField(spec, name, undefined)],
    [`${name} as number`, withField(spec, name, 1)],
    [`${name} not base64`, withField(spec, name, `!${value.slice(1)}`)],
    [`${name} one float long`, withField(spec, name, longer)],
  ];
  // An empty array has no shorter form and no value to poison.
  if (bytes.length >= 4) {
    cases.push(
      [`${name} one float short`, withField(spec, name, bytes.subarray(4).toString('base64'))],
      [`${name} holds NaN`, withField(spec, name, poisoned(value))],
    );
  }
  return cases;
}
