/** One stored Responses API answer with the conversation that led to it. */
export interface StoredResponseRecord {
  /** `resp_…` */
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The caller's key id; '' when the caller had none. */
  readonly keyId: string;
  readonly deploymentId: string;
  readonly modelGroup: string;
  /** The whole conversation as OpenAI chat messages, the assistant answer last. */
  readonly messages: unknown[];
  /** The Responses object exactly as it was returned. */
  readonly response: Record<string, unknown>;
}
