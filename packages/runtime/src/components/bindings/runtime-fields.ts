/**
 * @module components/bindings/runtime-fields
 * The metadata fields daprd itself reads on every bindings component (§9.2): components list them in
 * their metadata declarations so that the docs and decoders know them, the runtime interprets them.
 */
import type { FieldSpec } from '../metadata';

export const BINDING_RUNTIME_FIELDS: readonly FieldSpec[] = [
  {
    name: 'direction',
    type: 'string',
    description: 'Which sides the runtime uses: `input`, `output` or `input, output` (default: every side the component has).',
  },
  { name: 'route', type: 'string', description: 'App path input events are posted to (default: the component name).' },
];
