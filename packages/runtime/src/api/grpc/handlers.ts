/**
 * @module api/grpc/handlers
 * The one list of Dapr gRPC handler modules (each file exports `handlers: HandlerModule`).
 */
import type { HandlerModule } from './call';
import { handlers as bindings } from './bindings';
import { handlers as invoke } from './invoke';
import { handlers as metadata } from './metadata';
import { handlers as pubsub } from './pubsub';
import { handlers as secrets } from './secrets';
import { handlers as state } from './state';
import { handlers as subscribe } from './subscribe';

export const HANDLER_MODULES: readonly HandlerModule[] = [metadata, state, pubsub, bindings, secrets, invoke, subscribe];
