import { parseGatewayFlags } from './cli-flags';
import { ConfigValidationError } from './config-validation.error';

describe(parseGatewayFlags.name, () => {
  function problemsOf(argv: string[]): unknown {
    try {
      parseGatewayFlags(argv);
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.problems;
      throw error;
    }
    throw new Error('expected the flags to be rejected');
  }

  it('reads --flag value and --flag=value forms', () => {
    expect(parseGatewayFlags(['--config', 'a.yaml', '--port=8080', '--host', '127.0.0.1'])).toEqual(
      {
        config: 'a.yaml',
        port: 8080,
        host: '127.0.0.1',
      },
    );
    expect(parseGatewayFlags(['--config=/etc/x=y.yaml'])).toEqual({ config: '/etc/x=y.yaml' });
    expect(parseGatewayFlags([])).toEqual({});
  });

  it('returns help for --help or -h', () => {
    expect(parseGatewayFlags(['--port', '1', '-h'])).toEqual({ help: true });
    expect(parseGatewayFlags(['--help'])).toEqual({ help: true });
  });

  it('names every bad flag, with the command line as the source', () => {
    expect(problemsOf(['--verbose', '--port', 'abc', 'extra', '--config'])).toEqual([
      { path: '--verbose', message: 'unknown flag' },
      { path: '--port', message: 'must be an integer (got "abc")' },
      { path: 'extra', message: 'unexpected argument (flags start with --)' },
      { path: '--config', message: 'requires a value' },
    ]);
    expect(() => parseGatewayFlags(['--host='])).toThrow(
      'Invalid configuration in command line:\n  - --host: requires a value',
    );
  });

  it('does not take the next flag as a missing value', () => {
    expect(problemsOf(['--config', '--port', '80'])).toEqual([
      { path: '--config', message: 'requires a value' },
    ]);
  });
});
