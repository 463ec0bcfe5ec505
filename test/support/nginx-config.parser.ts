/** One nginx directive: `name args…;` or `name args… { block }`. Quotes are kept on args. */
export interface NginxDirective {
  readonly name: string;
  readonly args: string[];
  readonly block?: NginxDirective[];
}

// Words, quoted strings (with backslash escapes) and the three punctuation tokens; comments run
// from # to the end of the line.
const TOKEN = /#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|[^\s{};"'#]+/g;

/** Parses nginx configuration text into a directive tree (enough for assertions, no includes). */
export function parseNginx(text: string): NginxDirective[] {
  const tokens = (text.match(TOKEN) ?? []).filter((token) => !token.startsWith('#'));
  let position = 0;
  const parseBlock = (nested: boolean): NginxDirective[] => {
    const out: NginxDirective[] = [];
    while (position < tokens.length) {
      if (tokens[position] === '}') {
        if (!nested) throw new Error('nginx config: unexpected }');
        position++;
        return out;
      }
      const words: string[] = [];
      while (position < tokens.length && !['{', ';', '}'].includes(tokens[position]!)) {
        words.push(tokens[position++]!);
      }
      const end = tokens[position++];
      const [name, ...args] = words;
      if (name === undefined || (end !== ';' && end !== '{')) {
        throw new Error(`nginx config: bad directive near "${words.join(' ')}"`);
      }
      out.push(end === '{' ? { name, args, block: parseBlock(true) } : { name, args });
    }
    if (nested) throw new Error('nginx config: missing }');
    return out;
  };
  return parseBlock(false);
}

/** Every directive called `name` directly in `block`. */
export function directives(block: readonly NginxDirective[], name: string): NginxDirective[] {
  return block.filter((entry) => entry.name === name);
}

/** The one directive called `name` directly in `block`; throws when absent or repeated. */
export function directive(block: readonly NginxDirective[], name: string): NginxDirective {
  const found = directives(block, name);
  if (found.length !== 1) throw new Error(`nginx config: ${found.length} "${name}" directives`);
  return found[0]!;
}
