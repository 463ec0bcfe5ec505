export * from './anthropic-wire.types';
export * from './anthropic.adapter';
export * from './anthropic-request.mapper';
export * from './anthropic-request.exception';
export * from './anthropic-response.mapper';
export * from './anthropic-stream.mapper';
export * from './anthropic-error.mapper';
