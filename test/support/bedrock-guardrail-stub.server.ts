import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An ApplyGuardrail request as the stub received it, with its signature check. */
export interface GuardrailRecordedRequest {
  readonly method: string;
  /** As sent, still percent-encoded. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  readonly body: { source?: string; content?: Array<{ text?: { text?: string } }> };
  /** The SigV4 `authorization` header verified against the stub's keys. */
  readonly signatureValid: boolean;
}

export type GuardrailStubBehaviour =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'hang' };

export interface GuardrailStubKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const PATH = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/;
/** The SigV4 header AWS expects: scope, signed header names, 64 hex digits. */
export const SIGV4_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;
/** Text containing this is blocked by a denied topic (the stub's policy). */
export const STUB_DENIED_TOPIC = 'forbidden-topic';
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const USAGE = {
  topicPolicyUnits: 1,
  contentPolicyUnits: 1,
  wordPolicyUnits: 1,
  sensitiveInformationPolicyUnits: 1,
  sensitiveInformationPolicyFreeUnits: 0,
  contextualGroundingPolicyUnits: 0,
};

/**
 * AWS Bedrock's ApplyGuardrail over real HTTP, in its exact wire format. It checks each request's
 * SigV4 signature against its keys (403 `InvalidSignatureException` when it does not verify) and,
 * unless scripted, applies a small policy: text with `STUB_DENIED_TOPIC` is blocked (topic
 * policy), emails are anonymised to `{EMAIL}`, anything else passes.
 */
export class BedrockGuardrailStubServer {
  readonly requests: GuardrailRecordedRequest[] = [];
  private readonly scripted: GuardrailStubBehaviour[] = [];
  private server?: Server;

  constructor(
    private readonly keys: GuardrailStubKeys,
    private readonly region: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Queues answers for the next requests, ahead of the default policy. */
  script(...behaviours: GuardrailStubBehaviour[]): void {
    this.scripted.push(...behaviours);
  }

  last(): GuardrailRecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('the guardrail stub received no request');
    return last;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const signatureValid = await this.verify(req, path, rawBody);
    const body = (rawBody ? JSON.parse(rawBody) : {}) as GuardrailRecordedRequest['body'];
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      rawBody,
      body,
      signatureValid,
    });
    if (req.method !== 'POST' || !PATH.test(path))
      return respond(res, awsError(404, 'UnknownOperationException', 'no such operation'));
    if (!signatureValid) {
      return respond(
        res,
        awsError(
          403,
          'InvalidSignatureException',
          'The request signature we calculated does not match the signature you provided.',
        ),
      );
    }
    respond(res, this.scripted.shift() ?? policy(body));
  }

  /** Signs the request again with the stub's keys; equal headers mean a valid signature. */
  private async verify(req: IncomingMessage, path: string, body: string): Promise<boolean> {
    const authorization = req.headers.authorization ?? '';
    const parts = SIGV4_AUTHORIZATION.exec(authorization);
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (!parts || parts[1] !== this.keys.accessKeyId || parts[3] !== this.region) return false;
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!date || date.slice(1, 4).join('') !== parts[2]) return false;
    const names = parts[4]!.split(';');
    const headers = Object.fromEntries(
      names.map((name) => [name, String(req.headers[name] ?? '')]),
    );
    const host = String(req.headers.host ?? '');
    const signer = new SignatureV4({
      service: 'bedrock',
      region: this.region,
      credentials: this.keys,
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: req.method ?? 'POST',
        protocol: 'http:',
        hostname: host.split(':')[0]!,
        path,
        query: {},
        headers,
        body,
      },
      {
        signingDate: new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`),
      },
    );
    return signed.headers.authorization === authorization;
  }
}

function respond(res: ServerResponse, behaviour: GuardrailStubBehaviour): void {
  if (behaviour.kind === 'hang') return;
  res.writeHead(behaviour.status, {
    'content-type': 'application/json',
    'x-amzn-requestid': 'stub-guardrail-1',
    ...behaviour.headers,
  });
  res.end(JSON.stringify(behaviour.body));
}

function awsError(status: number, type: string, message: string): GuardrailStubBehaviour {
  return {
    kind: 'json',
    status,
    body: { message },
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  };
}

/** The stub's guardrail: a denied topic, email anonymisation, otherwise no intervention. */
function policy(body: GuardrailRecordedRequest['body']): GuardrailStubBehaviour {
  const texts = (body.content ?? []).map((block) => block.text?.text ?? '');
  if (texts.some((text) => text.includes(STUB_DENIED_TOPIC))) {
    return intervened([{ text: 'Sorry, the model cannot answer this question.' }], {
      topicPolicy: {
        topics: [{ name: 'Forbidden Topic', type: 'DENY', action: 'BLOCKED', detected: true }],
      },
    });
  }
  const emails = texts.flatMap((text) => text.match(EMAIL) ?? []);
  if (emails.length > 0) {
    return intervened(
      texts.map((text) => ({ text: text.replace(EMAIL, '{EMAIL}') })),
      {
        sensitiveInformationPolicy: {
          piiEntities: emails.map((match) => ({
            match,
            type: 'EMAIL',
            action: 'ANONYMIZED',
            detected: true,
          })),
        },
      },
    );
  }
  return {
    kind: 'json',
    status: 200,
    body: { usage: USAGE, action: 'NONE', outputs: [], assessments: [{}] },
  };
}

function intervened(outputs: Array<{ text: string }>, assessment: object): GuardrailStubBehaviour {
  return {
    kind: 'json',
    status: 200,
    body: {
      usage: USAGE,
      action: 'GUARDRAIL_INTERVENED',
      actionReason: 'Guardrail blocked.',
      outputs,
      assessments: [{ ...assessment, invocationMetrics: { guardrailProcessingLatency: 42 } }],
      guardrailCoverage: { textCharacters: { guarded: 10, total: 10 } },
    },
  };
}
