// owned by P3
/**
 * @module api/grpc/invoke
 * InvokeService (stub: every RPC answers UNIMPLEMENTED until P3 lands).
 */
import type { HandlerModule } from './call';

export const handlers: HandlerModule = {};
