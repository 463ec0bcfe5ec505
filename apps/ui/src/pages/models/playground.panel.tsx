import { useRef, useState, type FormEvent } from 'react';
import { streamChatCompletion, type ChatRequest, type ChatRoute } from '../../api/chat-completion';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice, StatusMessage } from '../../components/notice';
import { Section } from '../../components/page';
import { collect, parseOptionalNumber, parseRequiredText } from '../../lib/form-validation';

interface Outcome {
  readonly route: ChatRoute | null;
  readonly usage: { prompt_tokens: number; completion_tokens: number } | null;
  readonly firstTokenMs: number | null;
  readonly status: string;
}

const EMPTY: Outcome = { route: null, usage: null, firstTokenMs: null, status: '' };

/** Streams a chat completion with the user key and renders it token by token. */
export function PlaygroundPanel({ models }: { readonly models: readonly string[] }) {
  const [model, setModel] = useState(models[0] ?? '');
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [maxTokens, setMaxTokens] = useState('');
  const [temperature, setTemperature] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [output, setOutput] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const request = (): ChatRequest | null => {
    const parsed = collect({
      prompt: parseRequiredText(prompt),
      maxTokens: parseOptionalNumber(maxTokens, { integer: true, min: 1 }),
      temperature: parseOptionalNumber(temperature, { min: 0, max: 2 }),
    });
    setErrors(parsed.errors ?? {});
    if (!parsed.values) return null;
    const { maxTokens: max, temperature: temp } = parsed.values;
    return {
      model,
      messages: [
        ...(system.trim() ? [{ role: 'system' as const, content: system.trim() }] : []),
        { role: 'user', content: parsed.values.prompt },
      ],
      ...(max !== null && { max_tokens: max }),
      ...(temp !== null && { temperature: temp }),
    };
  };

  const send = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = request();
    if (!body) return;
    const controller = new AbortController();
    abort.current = controller;
    const started = performance.now();
    let first: number | null = null;
    setOutput('');
    setError(null);
    setOutcome({ ...EMPTY, status: 'Streaming…' });
    setStreaming(true);
    try {
      await streamChatCompletion(
        body,
        controller.signal,
        (route) => setOutcome((o) => ({ ...o, route })),
        (chunk) => {
          if (chunk.content) {
            first ??= performance.now() - started;
            setOutput((text) => text + chunk.content);
          }
          if (chunk.usage) setOutcome((o) => ({ ...o, usage: chunk.usage }));
        },
      );
      setOutcome((o) => ({ ...o, firstTokenMs: first, status: 'Response complete.' }));
    } catch (caught) {
      const stopped = controller.signal.aborted;
      setOutcome((o) => ({ ...o, status: stopped ? 'Stopped.' : '' }));
      if (!stopped) setError(caught);
    } finally {
      setStreaming(false);
      abort.current = null;
    }
  };

  return (
    <Section title="Playground">
      <form onSubmit={(event) => void send(event)} noValidate>
        <div className="form-grid">
          <SelectField
            label="Model"
            value={model}
            onChange={setModel}
            options={models.map((id) => ({ value: id, label: id }))}
          />
          <Field
            label="Max tokens"
            value={maxTokens}
            onChange={setMaxTokens}
            inputMode="numeric"
            error={errors.maxTokens}
          />
          <Field
            label="Temperature"
            value={temperature}
            onChange={setTemperature}
            inputMode="decimal"
            error={errors.temperature}
            hint="0 to 2"
          />
        </div>
        <Field label="System prompt" value={system} onChange={setSystem} multiline rows={2} />
        <Field
          label="Message"
          value={prompt}
          onChange={setPrompt}
          multiline
          rows={3}
          required
          error={errors.prompt}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={streaming || model === ''}>
            Send
          </button>
          <button type="button" disabled={!streaming} onClick={() => abort.current?.abort()}>
            Stop
          </button>
        </div>
      </form>
      <ErrorNotice error={error} title="Completion failed" />
      <StatusMessage>{outcome.status}</StatusMessage>
      <h3 id="playground-response">Response</h3>
      <div
        className="transcript"
        data-testid="playground-output"
        aria-labelledby="playground-response"
        aria-busy={streaming}
      >
        {output}
        {streaming ? <span className="cursor" aria-hidden="true" /> : null}
      </div>
      <RouteFacts outcome={outcome} />
    </Section>
  );
}

function RouteFacts({ outcome }: { readonly outcome: Outcome }) {
  if (!outcome.route && !outcome.usage) return null;
  return (
    <dl className="facts">
      {outcome.route?.deployment ? (
        <>
          <dt>Deployment</dt>
          <dd className="mono">{outcome.route.deployment}</dd>
        </>
      ) : null}
      {outcome.route?.strategy ? (
        <>
          <dt>Strategy</dt>
          <dd>{outcome.route.strategy}</dd>
        </>
      ) : null}
      {outcome.usage ? (
        <>
          <dt>Tokens</dt>
          <dd>
            {outcome.usage.prompt_tokens} in, {outcome.usage.completion_tokens} out
          </dd>
        </>
      ) : null}
      {outcome.firstTokenMs !== null ? (
        <>
          <dt>First token</dt>
          <dd>{Math.round(outcome.firstTokenMs)} ms</dd>
        </>
      ) : null}
      {outcome.route?.requestId ? (
        <>
          <dt>Request id</dt>
          <dd className="mono">{outcome.route.requestId}</dd>
        </>
      ) : null}
    </dl>
  );
}
