/**
 * The body with `model` set from the route (Azure-style `…/deployments/{model}/…` paths). A single
 * path segment: a splat would let `/deployments/x/chat/completions` match `…/:model/completions`
 * too. Group names holding `/` must be URL-encoded (`%2F`) by the client.
 */
export function withPathModel(body: unknown, model: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, model };
}
