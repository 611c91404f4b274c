/** @module errors Public entry of the error catalogue and constructors. */
export { ERROR_CODES, type ErrorCodeName, type ErrorCodeEntry } from './codes';
export { DaprError, isDaprError, type DaprErrorBody } from './dapr-error';
export { commonErrors } from './common';
export { invokeErrors } from './invoke';
export { stateErrors } from './state';
export { pubsubErrors, type PubsubErrors } from './pubsub';
export { bindingErrors } from './bindings';
export { secretErrors, type SecretErrors } from './secrets';
export { metadataErrors } from './metadata';
export { securityErrors } from './security';
export { ConfigError } from './startup';
