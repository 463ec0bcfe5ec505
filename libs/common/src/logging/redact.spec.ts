import { scrubSecrets } from './redact';

describe(scrubSecrets.name, () => {
  it.each([
    [
      'an OpenAI key',
      'upstream said: bad key sk-proj-abcdEFGH1234567890',
      'sk-proj-abcdEFGH1234567890',
    ],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi_123456', 'abc.def-ghi_123456'],
    ['an AWS access key id', 'using AKIAABCDEFGHIJKLMNOP for bedrock', 'AKIAABCDEFGHIJKLMNOP'],
    [
      'an AWS secret',
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG',
    ],
    [
      'a password in a database URL',
      'connect postgres://routeiq:s3cr3t-pw@db:5432/x failed',
      's3cr3t-pw',
    ],
    ['an api_key value', '{"api_key": "abcd1234efgh"}', 'abcd1234efgh'],
    ['an admin key header', 'x-admin-api-key: admin-key-123456', 'admin-key-123456'],
  ])('masks %s', (_name, text, secret) => {
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain('REDACTED');
  });

  it('leaves ordinary text alone', () => {
    const text = 'model gpt-4o answered 200 in 12 ms for request 6c1b-42';
    expect(scrubSecrets(text)).toBe(text);
  });

  it('keeps the non-secret parts of a URL', () => {
    expect(scrubSecrets('postgres://routeiq:pw123@db.internal:5432/routeiq')).toBe(
      'postgres://routeiq:[REDACTED]@db.internal:5432/routeiq',
    );
  });
});
