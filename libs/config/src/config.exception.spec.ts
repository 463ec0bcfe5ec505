import { ConfigErrorCode, ConfigException } from './config.exception';

describe(ConfigException.name, () => {
  it('renders every problem as an invalid_config request error', () => {
    const error = ConfigException.invalid([
      { path: 'model_list[0].litellm_params.model', message: 'must be a non-empty string' },
      { path: 'router_settings.timeout', message: 'must be a positive number (got 0)' },
    ]);
    expect(error).toMatchObject({
      status: 400,
      code: ConfigErrorCode.InvalidConfig,
      type: 'invalid_request_error',
      message:
        'Invalid configuration: model_list[0].litellm_params.model: must be a non-empty string; ' +
        'router_settings.timeout: must be a positive number (got 0)',
    });
  });
});
