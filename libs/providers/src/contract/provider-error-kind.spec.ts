import { classifyUpstreamError, ProviderErrorKind } from './provider-error-kind';

describe(classifyUpstreamError.name, () => {
  it.each<[number, Parameters<typeof classifyUpstreamError>[1], ProviderErrorKind]>([
    [429, {}, ProviderErrorKind.RateLimited],
    [401, {}, ProviderErrorKind.Auth],
    [403, {}, ProviderErrorKind.Auth],
    [404, {}, ProviderErrorKind.NotFound],
    [408, {}, ProviderErrorKind.Timeout],
    [500, {}, ProviderErrorKind.Unavailable],
    [529, { type: 'overloaded_error' }, ProviderErrorKind.Unavailable],
    [400, { code: 'context_length_exceeded' }, ProviderErrorKind.ContextWindowExceeded],
    [
      400,
      { message: 'prompt is too long: 210000 tokens > 200000 maximum' },
      ProviderErrorKind.ContextWindowExceeded,
    ],
    [400, { code: 'content_filter' }, ProviderErrorKind.ContentPolicy],
    [400, { message: 'ThrottlingException: Rate limit' }, ProviderErrorKind.RateLimited],
    [400, { message: 'temperature must be <= 2' }, ProviderErrorKind.BadRequest],
  ])('status %d %j → %s', (status, hints, kind) => {
    expect(classifyUpstreamError(status, hints)).toBe(kind);
  });
});
