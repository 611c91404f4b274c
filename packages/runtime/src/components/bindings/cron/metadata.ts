/**
 * @module components/bindings/cron/metadata
 * bindings.cron metadata: the schedule, plus the two fields daprd reads for every binding.
 */
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';

export const COMPONENT = 'bindings.cron';

export const CRON_METADATA: readonly FieldSpec[] = [
  {
    name: 'schedule',
    type: 'string',
    required: true,
    description:
      'When to fire: 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`, or `@every <Go duration>` (`@every 10s`, `@every 1h30m`). An optional `CRON_TZ=<zone> ` (or `TZ=`) prefix sets the time zone.',
  },
  ...BINDING_RUNTIME_FIELDS,
];

export function parseCronMetadata(raw: MetadataMap): { schedule: string } {
  const m = decodeMetadata(COMPONENT, CRON_METADATA, raw);
  return { schedule: (m.schedule as string).trim() };
}
