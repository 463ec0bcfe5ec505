export * from './outbound.module';
export * from './outbound.config';
export * from './outbound.exception';
export * from './outbound-url.guard';
export * from './safe-outbound.client';
export * from './host.resolver';
export { createPinnedDispatcher, type PinnedDispatcherOptions } from './pinned-dispatcher.factory';
export {
  classifyAddress,
  describeAddress,
  type AddressClassification,
  type AddressKind,
  type EmbeddingKind,
} from './ip-address.classifier';
export {
  parseHostToIp,
  parseCidr,
  cidrContains,
  formatIp,
  type ParsedIp,
  type Cidr,
} from './ip-address.parser';
