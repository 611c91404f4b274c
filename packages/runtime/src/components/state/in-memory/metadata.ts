/** @module components/state/in-memory/metadata state.in-memory takes no metadata of its own. */
import type { FieldSpec } from '../../metadata';

export const IN_MEMORY_STATE_METADATA: readonly FieldSpec[] = [];
