import { S3StubServer } from '@routeiq/testing';
import { RemoteConfigErrorCode } from './remote-config.error';
import { s3ConfigSourceFromEnv } from './s3-config.config';
import { S3ConfigSource } from './s3-config.source';

const AWS_ENV = [
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];
const YAML = 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n';

describe(S3ConfigSource.name, () => {
  const saved = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));
  const stub = new S3StubServer();
  const sources: S3ConfigSource[] = [];

  const source = (bucket = 'configs', key = 'gateway/config.yaml') => {
    const config = s3ConfigSourceFromEnv({
      CONFIG_S3_BUCKET: bucket,
      CONFIG_S3_KEY: key,
      CONFIG_S3_FORCE_PATH_STYLE: 'true',
    });
    const created = new S3ConfigSource(config);
    sources.push(created);
    return created;
  };

  beforeAll(async () => {
    AWS_ENV.forEach((name) => delete process.env[name]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: await stub.start(),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDSOURCESPEC',
      AWS_SECRET_ACCESS_KEY: 'secret-source-spec',
      // Never ask an instance metadata service: credentials come from the variables above.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.destroy()));
    stub.requests.length = 0;
    stub.allowAccessKeys(undefined);
  });
  afterAll(async () => {
    await stub.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('downloads the object with a SigV4-signed path-style GET', async () => {
    const etag = stub.put('configs', 'gateway/config.yaml', YAML);
    const fetched = await source().fetch();
    expect(fetched).toEqual({
      changed: true,
      object: { body: Buffer.from(YAML), etag: `"${etag}"`, lastModified: expect.any(Date) },
    });
    const [request] = stub.gets('configs', 'gateway/config.yaml');
    expect(request!.accessKeyId).toBe('AKIDSOURCESPEC');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSOURCESPEC\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    expect(request!.ifNoneMatch).toBeUndefined();
  });

  it('answers unchanged on 304 when the ETag still matches, and downloads when it does not', async () => {
    const first = stub.put('configs', 'gateway/config.yaml', YAML);
    const s3 = source();
    await expect(s3.fetch(`"${first}"`)).resolves.toEqual({ changed: false });
    const second = stub.put('configs', 'gateway/config.yaml', `${YAML}# changed\n`);
    const fetched = await s3.fetch(`"${first}"`);
    expect(fetched.changed && fetched.object.etag).toBe(`"${second}"`);
    expect(
      stub.gets('configs', 'gateway/config.yaml').map((r) => [r.status, r.ifNoneMatch]),
    ).toEqual([
      [304, `"${first}"`],
      [200, `"${first}"`],
    ]);
  });

  it.each([
    [
      'a missing key',
      'configs',
      'nope.yaml',
      /s3:\/\/configs\/nope\.yaml: the object does not exist \(NoSuchKey\)$/,
    ],
    [
      'a missing bucket',
      'elsewhere',
      'config.yaml',
      /s3:\/\/elsewhere\/config\.yaml: the bucket does not exist \(NoSuchBucket\)$/,
    ],
  ])('names %s', async (_what, bucket, key, message) => {
    stub.put('configs', 'gateway/config.yaml', YAML);
    const failure = source(bucket, key).fetch();
    await expect(failure).rejects.toMatchObject({ code: RemoteConfigErrorCode.NotFound });
    await expect(failure).rejects.toThrow(message);
  });

  it('reports access denied without echoing a credential', async () => {
    stub.put('configs', 'gateway/config.yaml', YAML);
    stub.allowAccessKeys(['AKIDSOMEONEELSE']);
    const failure = source().fetch();
    await expect(failure).rejects.toMatchObject({ code: RemoteConfigErrorCode.AccessDenied });
    await expect(failure).rejects.toThrow(
      's3://configs/gateway/config.yaml: access denied (AccessDenied): check the credentials and the bucket policy',
    );
    const message = await failure.catch((error: Error) => error.message);
    expect(message).not.toMatch(/AKIDSOURCESPEC|secret-source-spec/);
  });

  it('turns an unreadable error body into one clear line', async () => {
    // 5xx answers are retried by the SDK (three attempts): each gets the same broken body.
    for (let i = 0; i < 3; i++) stub.answerNext({ status: 500, body: '<html><body>Bad gateway' });
    const failure = source().fetch();
    await expect(failure).rejects.toMatchObject({ code: RemoteConfigErrorCode.Failed });
    await expect(failure).rejects.toThrow(
      /^s3:\/\/configs\/gateway\/config\.yaml: the store answered HTTP 500 with an unreadable error body$/,
    );
  });

  it('names an S3 error code it has no special message for', async () => {
    stub.answerNext({
      status: 400,
      body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code><Message>Bad request.</Message></Error>',
      headers: { 'content-type': 'application/xml' },
    });
    await expect(source().fetch()).rejects.toThrow(
      /: the store answered HTTP 400 InvalidRequest: Bad request\.$/,
    );
  });

  it('reports an unreachable store', async () => {
    const gone = new S3StubServer();
    const origin = await gone.start();
    await gone.stop();
    const endpoint = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = origin;
    try {
      const failure = source().fetch();
      await expect(failure).rejects.toMatchObject({ code: RemoteConfigErrorCode.Unreachable });
      await expect(failure).rejects.toThrow(/: the store is unreachable \(ECONNREFUSED\)$/);
    } finally {
      process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    }
  });
});
