/**
 * @module errors/bindings
 * Bindings API errors (legacy shape, no details). Every output-binding failure — missing operation,
 * unsupported operation, unknown binding, component error — is one 500 ERR_INVOKE_OUTPUT_BINDING
 * "error invoking output binding <name>: <reason>", as daprd words it.
 */
import { DaprError } from './dapr-error';
import { errText } from './pubsub';

export const bindingErrors = {
  /** Wraps the reason in daprd's message; `headers` carries the component's `metadata.<k>` answer headers. */
  invoke: (name: string, cause: unknown, headers?: Record<string, string>) =>
    new DaprError('ERR_INVOKE_OUTPUT_BINDING', `error invoking output binding ${name}: ${errText(cause)}`, { cause, headers }),
  missingOperation: () => new Error('operation field is missing from request'),
  notFound: (name: string) => new Error(`couldn't find output binding ${name}`),
  unsupportedOperation: (name: string, operation: string, supported: readonly string[]) =>
    new Error(`binding ${name} does not support operation ${operation}. supported operations:${supported.join(' ')}`),
  malformedRequest: (detail: string, cause?: unknown) =>
    new DaprError('ERR_MALFORMED_REQUEST', `failed deserializing HTTP body: ${detail}`, { cause }),
  malformedData: (detail: string, cause?: unknown) =>
    new DaprError('ERR_MALFORMED_REQUEST_DATA', `can't serialize request data field: ${detail}`, { cause }),
};
