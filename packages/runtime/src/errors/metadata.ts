/**
 * @module errors/metadata
 * Constructors for PUT /v1.0/metadata/{key} refusals (minidapr's bounds; daprd keeps no limit).
 */
import { DaprError } from './dapr-error';

export const metadataErrors = {
  keyTooLong: (bytes: number, limit: number) =>
    new DaprError('ERR_METADATA_LIMIT', `metadata key is ${bytes} bytes long; the limit is ${limit} bytes`),
  valueTooLarge: (limit: number) => new DaprError('ERR_METADATA_LIMIT', `metadata value is larger than the limit of ${limit} bytes`),
  tooManyKeys: (limit: number) =>
    new DaprError('ERR_METADATA_LIMIT', `the sidecar already holds ${limit} custom metadata keys, the limit; overwrite an existing key instead`),
};
