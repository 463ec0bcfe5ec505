// Shared by unit specs (through @routeiq/testing) and e2e specs. The gateway harness is not
// exported here: it pulls in the whole app; e2e specs import it from ./gateway-harness.
export * from './services';
export * from './eventually';
export * from './openai-stub.server';
export * from './gemini-stub.server';
export * from './anthropic-stub.server';
export * from './bedrock-stub.server';
export * from './azure-stub.server';
export * from './mcp-stub.server';
export * from './s3-stub.server';
