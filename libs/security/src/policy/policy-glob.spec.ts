import { compileGlobs, globSource } from './policy-glob';

describe('compileGlobs', () => {
  const matches = (globs: string[], subject: string): boolean => compileGlobs(globs).test(subject);

  it('matches whole values literally when there are no wildcards', () => {
    expect(matches(['interns'], 'interns')).toBe(true);
    expect(matches(['interns'], 'interns-2')).toBe(false);
    expect(matches(['interns'], 'the-interns')).toBe(false);
    expect(matches(['interns'], 'Interns')).toBe(false);
  });

  it('lets * span any characters except /', () => {
    expect(matches(['/v1/chat/*'], '/v1/chat/completions')).toBe(true);
    expect(matches(['/v1/chat/*'], '/v1/chat/')).toBe(true);
    expect(matches(['/v1/chat/*'], '/v1/chat/a/b')).toBe(false);
    expect(matches(['gpt-4*'], 'gpt-4o-mini')).toBe(true);
    expect(matches(['gpt-4*'], 'openai/gpt-4o')).toBe(false);
  });

  it('lets ** span anything, slashes included', () => {
    expect(matches(['/key/**'], '/key/generate')).toBe(true);
    expect(matches(['/key/**'], '/key/a/b/c')).toBe(true);
    expect(matches(['/key/**'], '/key')).toBe(false);
    expect(matches(['**'], 'anything/at/all')).toBe(true);
    expect(matches(['/a/***'], '/a/b/c')).toBe(true);
  });

  it('lets ? stand for exactly one character other than /', () => {
    expect(matches(['team-?'], 'team-a')).toBe(true);
    expect(matches(['team-?'], 'team-ab')).toBe(false);
    expect(matches(['team-?'], 'team-')).toBe(false);
    expect(matches(['a?b'], 'a/b')).toBe(false);
  });

  it('treats regular-expression characters as literals', () => {
    expect(matches(['gpt-4.1'], 'gpt-4.1')).toBe(true);
    expect(matches(['gpt-4.1'], 'gpt-4x1')).toBe(false);
    expect(matches(['a+(b)|c[d]{2}^$\\'], 'a+(b)|c[d]{2}^$\\')).toBe(true);
    expect(globSource('a.b')).toBe('a\\.b');
  });

  it('ORs a list of globs', () => {
    const pattern = compileGlobs(['interns', 'team-*']);
    expect(pattern.test('interns')).toBe(true);
    expect(pattern.test('team-red')).toBe(true);
    expect(pattern.test('staff')).toBe(false);
  });
});
