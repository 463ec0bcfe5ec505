export { ArtifactError, ArtifactErrorCode } from './artifact.error';
export { type ArtifactTrust, TrustSettingError, artifactTrustOf } from './artifact-trust';
export * from './ml-artifact.config';
export { canonicalJson } from './canonical-json';
export {
  privateKeyFrom,
  publicKeyBase64,
  publicKeyFromBase64,
  publicKeyFromPem,
} from './artifact-keys';
export {
  type ArtifactLimits,
  DEFAULT_ARTIFACT_LIMITS,
  MANIFEST_FILE,
  ROUTER_FILE,
} from './artifact-files';
export { type VerifiedArtifacts, parseManifest, readVerifiedArtifacts } from './artifact-manifest';
export {
  type ArtifactSigner,
  manifestSigningPayload,
  signManifest,
  verifyManifestSignature,
} from './manifest-signature';
export { type SignManifestOptions, signManifestFile } from './manifest-file';
export { ROUTER_FORMAT, parseRouterArtifact } from './router-artifact.schema';
export { loadRouter } from './router-artifact.loader';
export * from './router-artifact.writer';
export * from './custom-router.types';
export { type CustomRouterOptions, loadCustomRouter } from './custom-router.loader';
export {
  type AcquireOptions,
  DEFAULT_RELOAD_INTERVAL_SECONDS,
  RouterArtifactService,
  type RouterArtifactStatus,
  type RouterHandle,
} from './router-artifact.service';
