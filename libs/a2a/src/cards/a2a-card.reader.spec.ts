import { A2aErrorCode, A2aException } from '../a2a.exception';
import { protocolVersionOf, readAgentCard } from './a2a-card.reader';

function problem(card: unknown): string {
  try {
    readAgentCard(card);
  } catch (error) {
    if (error instanceof A2aException && error.code === (A2aErrorCode.InvalidAgentCard as string)) {
      return error.message;
    }
    throw error;
  }
  throw new Error('the card was accepted');
}

describe('readAgentCard', () => {
  it('reads a 0.3 card whose preferred transport is not JSON-RPC from additionalInterfaces', () => {
    const summary = readAgentCard({
      name: ' Legacy ',
      url: 'https://agent.example.com/grpc',
      protocolVersion: '0.3.0',
      preferredTransport: 'GRPC',
      additionalInterfaces: [{ transport: 'JSONRPC', url: 'https://agent.example.com/rpc' }],
      skills: [{ id: 'x', tags: ['t', 7, ' '] }, { name: 'no id' }],
    });
    expect(summary).toEqual({
      name: 'Legacy',
      description: null,
      protocolVersion: '0.3',
      endpointUrl: 'https://agent.example.com/rpc',
      skills: [{ id: 'x', name: 'x', description: null, tags: ['t'] }],
      capabilities: ['x', 't'],
    });
  });

  it('uses a 0.3 JSON-RPC interface of a 1.0-style card when it offers no 1.0 one', () => {
    const summary = readAgentCard({
      name: 'a',
      supportedInterfaces: [
        { url: 'https://a.example.com/grpc', protocolBinding: 'GRPC', protocolVersion: '1.0' },
        { url: 'https://a.example.com/v03', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      ],
    });
    expect(summary).toMatchObject({
      protocolVersion: '0.3',
      endpointUrl: 'https://a.example.com/v03',
    });
  });

  it.each([
    ['not an object', [], /not a JSON object/],
    ['no name', { url: 'https://a.example.com', protocolVersion: '0.3.0' }, /no name/],
    [
      'no JSON-RPC interface',
      {
        name: 'a',
        supportedInterfaces: [{ protocolBinding: 'GRPC', url: 'https://a.example.com' }],
      },
      /no JSONRPC/,
    ],
    [
      'an unknown version',
      { name: 'a', url: 'https://a.example.com', protocolVersion: '0.2.5' },
      /expected supportedInterfaces/,
    ],
    [
      'a relative url',
      { name: 'a', url: '/rpc', protocolVersion: '0.3.0' },
      /not an absolute http/,
    ],
    [
      'skills not a list',
      { name: 'a', url: 'https://a.example.com', protocolVersion: '0.3', skills: {} },
      /skills/,
    ],
  ])('refuses a card with %s', (_what, card, message) => {
    expect(problem(card)).toMatch(message);
  });

  it('reads protocol versions', () => {
    expect(['1.0', '1', '1.0.0', '0.3', '0.3.0', '0.2', 1].map(protocolVersionOf)).toEqual([
      '1.0',
      '1.0',
      '1.0',
      '0.3',
      '0.3',
      undefined,
      undefined,
    ]);
  });
});
