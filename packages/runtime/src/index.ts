/** @module @minidapr/runtime Public API of the sidecar: create it in-process, or parse daprd flags. */
export { createRuntime, type Runtime, type RuntimeOverrides } from './runtime';
export { parseOptions, USAGE, type RuntimeOptions, type ParsedOptions, type FlagIssue } from './options';
// The sidecar flag table (also `@minidapr/runtime/flags`, a light module the CLI loads for its help).
export {
  FLAGS as SIDECAR_FLAGS,
  ALIASES as SIDECAR_FLAG_ALIASES,
  APP_ID_PATTERN,
  APP_PROTOCOLS,
  SUPPORTED_APP_PROTOCOLS,
  LOG_LEVELS,
  canonicalFlag,
  flagDefault,
  type FlagDef,
} from './option-flags';
export { createApp } from './server/app';
export { RUNTIME_VERSION } from './version';
export * as defaults from './defaults';
export { SIDECAR_NODE_ARGS } from './defaults';
export { hostName } from './server/request-guard';
export { openDatabase, type SqliteDatabase } from './components/sqlite-driver';
export { listInstances, instancesDir, isAlive, runningApps, toRunningApp, type InstanceInfo, type RunningApp } from './nameresolution';
export { parseQuantity } from './quantity';
export { ensureTrustRoot, CERTS_DIR, CA_CERT_FILE, ISSUER_CERT_FILE, ISSUER_KEY_FILE, type TrustRootStatus } from './security/trust-root';
export { DEFAULT_TRUST_DOMAIN } from './security/peer-identity';
