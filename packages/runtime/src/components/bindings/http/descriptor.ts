/** @module components/bindings/http/descriptor bindings.http: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { HTTP_BINDING_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.http',
  aliases: [],
  version: 'v1',
  category: 'bindings',
  summary: 'Output binding that sends one HTTP request per call (the operation is the method).',
  storage: 'none',
  features: [],
  directions: ['output'],
  operations: ['create', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'],
  metadata: HTTP_BINDING_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createHttpBinding,
};
