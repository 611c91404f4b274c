/** @module components/pubsub/in-memory/metadata pubsub.in-memory takes no metadata of its own. */
import type { FieldSpec } from '../../metadata';

export const IN_MEMORY_PUBSUB_METADATA: readonly FieldSpec[] = [];
