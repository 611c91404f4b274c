/** @module components/bindings/cron/descriptor bindings.cron: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { CRON_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.cron',
  aliases: [],
  version: 'v1',
  category: 'bindings',
  summary: 'Input binding that posts an empty event to the app on a schedule.',
  storage: 'none',
  features: [],
  directions: ['input'],
  metadata: CRON_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createCronBinding,
};
