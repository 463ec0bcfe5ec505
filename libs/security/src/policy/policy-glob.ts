const REGEXP_SPECIALS = /[\\^$.*+?()[\]{}|]/;

/**
 * Regular-expression source of one glob: `**` is any run of characters, `*` any run without `/`,
 * `?` one character other than `/`; everything else is literal.
 */
export function globSource(glob: string): string {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob.charAt(i);
    if (char === '*') {
      const double = glob.charAt(i + 1) === '*';
      // A run of three or more stars means the same as two.
      while (glob.charAt(i + 1) === '*') i += 1;
      source += double ? '.*' : '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += REGEXP_SPECIALS.test(char) ? `\\${char}` : char;
    }
  }
  return source;
}

/** One anchored RegExp matching any of `globs`, built once at load so requests never compile. */
export function compileGlobs(globs: readonly string[]): RegExp {
  return new RegExp(`^(?:${globs.map(globSource).join('|')})$`, 's');
}
