// owned by P2
/**
 * @module api/grpc/state
 * GetState, GetBulkState, SaveState, DeleteState, DeleteBulkState, ExecuteStateTransaction, QueryStateAlpha1 (stub: every RPC answers UNIMPLEMENTED until P2 lands).
 */
import type { HandlerModule } from './call';

export const handlers: HandlerModule = {};
