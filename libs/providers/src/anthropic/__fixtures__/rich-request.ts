import type { ChatCompletionRequest } from '../../contract/openai-wire.types';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUg==';

/** An OpenAI request with system + developer + multi-part image + parallel tool calls + merged tool results + stop. */
export const RICH_REQUEST: ChatCompletionRequest = {
  model: 'claude-group',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'developer', content: [{ type: 'text', text: 'Use celsius.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where these photos were taken?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/tokyo.jpg', detail: 'low' } },
      ],
    },
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        {
          id: 'call_paris',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'call_tokyo',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_paris', content: '18C' },
    { role: 'tool', tool_call_id: 'call_tokyo', content: [{ type: 'text', text: '24C' }] },
    { role: 'user', content: 'Which is warmer?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
    { type: 'function', function: { name: 'get_time' } },
  ],
  tool_choice: 'required',
  parallel_tool_calls: false,
  stop: ['END', 'STOP'],
  temperature: 0.3,
  top_p: 0.9,
  max_completion_tokens: 512,
  user: 'user-42',
  response_format: { type: 'json_object' },
  presence_penalty: 0.5,
};

export const RICH_ANTHROPIC_BODY = {
  model: 'claude-sonnet-4-20250514',
  max_tokens: 512,
  system: [
    { type: 'text', text: 'You are terse.' },
    { type: 'text', text: 'Use celsius.' },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where these photos were taken?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/tokyo.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_tokyo', name: 'get_weather', input: { city: 'Tokyo' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_paris', content: '18C' },
        {
          type: 'tool_result',
          tool_use_id: 'call_tokyo',
          content: [{ type: 'text', text: '24C' }],
        },
        { type: 'text', text: 'Which is warmer?' },
      ],
    },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
    },
    { name: 'get_time', input_schema: { type: 'object' } },
  ],
  tool_choice: { type: 'any', disable_parallel_tool_use: true },
  stop_sequences: ['END', 'STOP'],
  temperature: 0.3,
  top_p: 0.9,
  metadata: { user_id: 'user-42' },
};
