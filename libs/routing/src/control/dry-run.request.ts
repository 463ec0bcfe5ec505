import { CommonException } from '@routeiq/common';
import type { ProviderCapability } from '@routeiq/providers';
import { lazyRoutingPrompt, type RouteRequest } from '../execution/route-request';

const CAPABILITIES: ReadonlySet<string> = new Set(['chat', 'completion', 'embedding', 'responses']);
const BYTES_PER_TOKEN = 4;

/**
 * The body of `POST /router/route`: an inference request body as a client would send it (only
 * `model`, `stream`, `tools`, image parts, `max_tokens`, `user` and, for learned routers, the
 * text matter), plus an optional `capability` (default `chat`). Nothing is called upstream.
 */
export function parseDryRunRequest(body: unknown, requestId: string): RouteRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw CommonException.invalidRequest('The body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') {
    throw CommonException.invalidRequest('"model" must be a non-empty string', 'model');
  }
  const capability = fields.capability ?? 'chat';
  if (typeof capability !== 'string' || !CAPABILITIES.has(capability)) {
    throw CommonException.invalidRequest(
      `"capability" must be one of ${[...CAPABILITIES].join(', ')}`,
      'capability',
    );
  }
  const stream = fields.stream === true;
  const maxTokens = typeof fields.max_tokens === 'number' ? fields.max_tokens : 0;
  return {
    model: fields.model,
    capability: capability as ProviderCapability,
    needs: needsOf(fields, stream),
    stream,
    requestId,
    ...(typeof fields.user === 'string' && { user: fields.user }),
    estimatedTokens: Math.ceil(JSON.stringify(body).length / BYTES_PER_TOKEN) + maxTokens,
    allowsModel: () => true,
    prompt: lazyRoutingPrompt(fields),
  };
}

function needsOf(fields: Record<string, unknown>, stream: boolean): ProviderCapability[] {
  const needs: ProviderCapability[] = stream ? ['streaming'] : [];
  if (Array.isArray(fields.tools) && fields.tools.length > 0) needs.push('tools');
  const messages = Array.isArray(fields.messages) ? (fields.messages as unknown[]) : [];
  const vision = messages.some((message) => {
    const content = (message as { content?: unknown } | null)?.content;
    return (
      Array.isArray(content) &&
      content.some((part) => (part as { type?: unknown } | null)?.type === 'image_url')
    );
  });
  if (vision) needs.push('vision');
  return needs;
}
