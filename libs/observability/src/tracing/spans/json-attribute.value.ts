/**
 * An attribute value that is the JSON text of a record (plain data), written as a string value
 * only when its span is encoded, straight into the OTLP batch (see GatewaySpan#addJsonEvent): the
 * record's text is never made as a string on the way.
 */
export class JsonAttributeValue {
  constructor(readonly record: object) {}

  /** The text, for anything that reads the value as a string instead of encoding it. */
  toString(): string {
    return JSON.stringify(this.record);
  }
}
