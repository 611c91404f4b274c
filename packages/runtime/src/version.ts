/** @module version The runtime version, read once from package.json. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RUNTIME_VERSION: string = (require('../package.json') as { version: string }).version;
