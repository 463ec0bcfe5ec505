import type { McpToolEntry } from '../catalog/mcp-catalog.types';
import { McpErrorCode, McpException } from '../mcp.exception';
import { ToolArgumentsValidator } from './tool-arguments.validator';

function tool(inputSchema: Record<string, unknown>): McpToolEntry {
  return { serverId: 'weather', name: 'forecast', qualifiedName: 'weather.forecast', inputSchema };
}

const FORECAST = tool({
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 1 },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city'],
  additionalProperties: false,
});

function rejection(validator: ToolArgumentsValidator, entry: McpToolEntry, args: unknown) {
  try {
    validator.validate(entry, args);
  } catch (error) {
    return error as McpException;
  }
  throw new Error('expected the arguments to be refused');
}

describe(ToolArgumentsValidator.name, () => {
  it('returns valid arguments, and {} for absent ones on a schema that allows it', () => {
    const validator = new ToolArgumentsValidator();
    expect(validator.validate(FORECAST, { city: 'Oslo', days: 2 })).toEqual({
      city: 'Oslo',
      days: 2,
    });
    expect(validator.validate(tool({ type: 'object' }), undefined)).toEqual({});
    expect(validator.validate(tool({ type: 'object' }), null)).toEqual({});
  });

  it('names every problem by path without echoing the values', () => {
    const error = rejection(new ToolArgumentsValidator(), FORECAST, {
      city: 12345,
      days: 99,
      secret: 'hunter2-value',
    });
    expect(error).toBeInstanceOf(McpException);
    expect(error).toMatchObject({
      status: 400,
      code: McpErrorCode.InvalidToolArguments,
      param: 'arguments',
    });
    expect(error.message).toContain('/city: must be string');
    expect(error.message).toContain('/days: must be <= 7');
    expect(error.message).toContain('/: must NOT have additional properties ("secret")');
    expect(error.message).not.toContain('12345');
    expect(error.message).not.toContain('99');
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a missing required property and refuses non-object arguments', () => {
    const validator = new ToolArgumentsValidator();
    expect(rejection(validator, FORECAST, {}).message).toContain(
      "/: must have required property 'city'",
    );
    for (const args of [['Oslo'], 'Oslo', 3]) {
      expect(rejection(validator, FORECAST, args).message).toContain('/: must be an object');
    }
    expect(rejection(validator, FORECAST, undefined).code).toBe(McpErrorCode.InvalidToolArguments);
  });

  it('compiles a schema once per catalog entry and anew for a re-discovered entry', () => {
    const validator = new ToolArgumentsValidator();
    const compile = jest.spyOn(
      (validator as unknown as { draft2020: { compile: (s: object) => unknown } }).draft2020,
      'compile',
    );
    validator.validate(FORECAST, { city: 'Oslo' });
    validator.validate(FORECAST, { city: 'Rome' });
    expect(() => validator.validate(FORECAST, {})).toThrow(McpException);
    expect(compile).toHaveBeenCalledTimes(1);

    const rediscovered = { ...FORECAST };
    validator.validate(rediscovered, { city: 'Oslo' });
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('reads 2020-12 by default and draft-07 when the schema says so', () => {
    const validator = new ToolArgumentsValidator();
    const tuple2020 = tool({
      type: 'object',
      properties: {
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
      },
    });
    expect(rejection(validator, tuple2020, { pair: [1, 'a'] }).message).toContain(
      '/pair/0: must be string',
    );
    const tuple07 = tool({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
    });
    expect(rejection(validator, tuple07, { pair: [1, 'a'] }).message).toContain(
      '/pair/0: must be string',
    );
  });

  it('lets two tools share an $id and leaves a schema that does not compile to the upstream', () => {
    const validator = new ToolArgumentsValidator();
    const first = tool({ $id: 'https://tools.example/args.json', type: 'object', required: ['a'] });
    const second = tool({
      $id: 'https://tools.example/args.json',
      type: 'object',
      required: ['b'],
    });
    expect(rejection(validator, first, { b: 1 }).message).toContain("property 'a'");
    expect(rejection(validator, second, { a: 1 }).message).toContain("property 'b'");

    const broken = tool({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } });
    expect(validator.validate(broken, { a: 1 })).toEqual({ a: 1 });
  });
});
